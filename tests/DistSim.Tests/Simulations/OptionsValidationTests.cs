using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;

namespace DistSim.Tests.Simulations;

public class OptionsValidationTests
{
    public static TheoryData<string, SimulationOptions> InvalidOptions => new()
    {
        { "EventLimit", new SimulationOptions { Seed = 1, EventLimit = 0 } },
        { "TimeLimit", new SimulationOptions { Seed = 1, TimeLimit = TimeSpan.FromSeconds(-1) } },
        { "QueueLimit", new SimulationOptions { Seed = 1, QueueLimit = -5 } },
        { "TraceLimit", new SimulationOptions { Seed = 1, TraceLimit = -1 } },
        { "LossProbability", new SimulationOptions { Seed = 1, Network = new FairLossLinkOptions { LossProbability = 1.5 } } },
        { "LossProbability", new SimulationOptions { Seed = 1, Network = new FairLossLinkOptions { LossProbability = double.NaN } } },
        { "DuplicateProbability", new SimulationOptions { Seed = 1, Network = new FairLossLinkOptions { DuplicateProbability = -0.1 } } },
        { "Delay", new SimulationOptions { Seed = 1, Network = new FairLossLinkOptions { Delay = null! } } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOption_IsRejectedNamingIt(string parameter, SimulationOptions options)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new DistSim.Simulation(options));
        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void InvalidProbability_MessageCarriesTheValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new DistSim.Simulation(new SimulationOptions { Seed = 1, Network = new FairLossLinkOptions { LossProbability = 1.5 } }));
        Assert.Contains("1.5", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1.5, ex.ActualValue);
    }

    [Fact]
    public void SendToUnknownNode_FailsNamingTo()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Sender(new NodeId(9), 1));
        var ex = Assert.Throws<DistSim.Diagnostics.SimulationFailureException>(() => sim.Run());
        Assert.Equal("to", Assert.IsType<ArgumentOutOfRangeException>(ex.InnerException).ParamName);
    }

    [Fact]
    public void SetFairLoss_UnknownNode_NamesParameter()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Receiver());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sim.Network.SetFairLoss(new NodeId(0), new NodeId(3), FairLossLinkOptions.Default));
        Assert.Equal("to", ex.ParamName);
    }

    [Fact]
    public void SetFairLoss_InvalidOptions_NamesProperty()
    {
        DistSim.Simulation sim = Sims.Create(1);
        NodeId a = sim.AddNode("a", () => new Receiver());
        var ex = Assert.ThrowsAny<ArgumentException>(() => sim.Network.SetFairLoss(a, a, new FairLossLinkOptions { DuplicateProbability = 2 }));
        Assert.Equal("DuplicateProbability", ex.ParamName);
    }

    [Fact]
    public void DuplicateNodeName_IsRejected()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Receiver());
        var ex = Assert.Throws<ArgumentException>(() => sim.AddNode("a", () => new Receiver()));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("\"a\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeTimerDelay_FailsNamingDelay()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromSeconds(-1))));
        var ex = Assert.Throws<DistSim.Diagnostics.SimulationFailureException>(() => sim.Run());
        Assert.Equal("delay", Assert.IsType<ArgumentOutOfRangeException>(ex.InnerException).ParamName);
    }

    [Fact]
    public void RunUntil_TimeInThePast_NamesTime()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.RunUntil(DistSim.Time.SimTime.FromSeconds(5));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sim.RunUntil(DistSim.Time.SimTime.FromSeconds(1)));
        Assert.Equal("time", ex.ParamName);
    }
}
