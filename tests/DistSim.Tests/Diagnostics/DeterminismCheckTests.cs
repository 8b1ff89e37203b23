using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;

namespace DistSim.Tests.Diagnostics;

public class DeterminismCheckTests
{
    private static DistSim.Simulation Honest(ulong seed)
    {
        DistSim.Simulation sim = Sims.Create(seed, new FairLossLinkOptions { LossProbability = 0.3 });
        sim.AddNode("A", () => new Sender(new NodeId(1), 50, TimeSpan.FromMilliseconds(5)));
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        return sim;
    }

    private static int _leaky; // outlives a run: the classic hidden state

    private static DistSim.Simulation Leaky(ulong seed)
    {
        DistSim.Simulation sim = Sims.Create(seed);
        NodeId b = new(1);
        sim.AddNode("A", () => new Scripted(onStart: c =>
        {
            for (int i = 0; i < 10; i++)
            {
                c.Send(b, new Ping(i));
            }

#pragma warning disable DSIM010 // deliberate: the hidden state that DeterminismCheck must catch
            c.SetTimer(TimeSpan.FromMilliseconds(1 + (_leaky++ % 3)));
#pragma warning restore DSIM010
        }));
        sim.AddNode("B", () => new Receiver());
        sim.RunUntil(SimTime.FromSeconds(1));
        return sim;
    }

    [Fact]
    public void AnHonestScenario_IsDeterministic() => Assert.Null(DeterminismCheck.Compare(7, Honest));

    [Fact]
    public void AStaticThatOutlivesARun_IsCaught_AtTheFirstDivergingEvent()
    {
        _leaky = 0;
        Divergence? d = DeterminismCheck.Compare(7, Leaky);

        Assert.NotNull(d);
        Assert.Equal(23, d!.Index); // start A, 10 sends, its timer set, start B, 10 deliveries: then the timer fires at another time
        Assert.Contains("timer-fired", d.First + d.Second, StringComparison.Ordinal);
        Assert.Contains("runs diverge at event 23", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ScenarioWithoutATrace_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => DeterminismCheck.Compare(1, s =>
        {
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = s, RecordTrace = false });
            sim.Run();
            return sim;
        }));
        Assert.Equal("scenario", ex.ParamName);
    }
}
