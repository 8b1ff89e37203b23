using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

/// <summary>A protocol that tolerates a failure model also passes under every weaker one.</summary>
public class ToleranceChainTests
{
    public static TheoryData<string> ModelsUpToOmission => new() { "none", "crash-stop", "crash-recover", "omission" };

    private static FailureModel Model(string name) => name switch
    {
        "crash-stop" => FailureModels.CrashStop,
        "crash-recover" => FailureModels.CrashRecover(),
        "omission" => FailureModels.Omission(0.3, 0.3),
        _ => FailureModels.None,
    };

    /// <summary>
    /// The reliable link with durable state, between two nodes under the named model and a nemesis:
    /// its safety (every delivery genuine, none twice) must hold under the strongest model, and so under each
    /// weaker one, where fewer faults can happen.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelsUpToOmission))]
    public void ReliableLinkSafety_HoldsUnderEveryModelOfTheChain(string modelName)
    {
        FailureModel model = Model(modelName);
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 17,
            Network = new FairLossLinkOptions { LossProbability = 0.2, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)) },
            Link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { DurableState = true, RetransmitInterval = TimeSpan.FromMilliseconds(50) }),
            Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(1), Downtime = Delay.Constant(TimeSpan.FromMilliseconds(100)), Until = TimeSpan.FromSeconds(5) },
            TimeLimit = TimeSpan.FromMinutes(10),
        });
        NodeId b = new(1);
        sim.AddNode("A", () => new Sender(b, 300, TimeSpan.FromMilliseconds(10)), model);
        sim.AddNode("B", () => new Receiver(), model);
        sim.Run();

        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && e.Payload is Ping).ToDictionary(e => e.MessageId);
        var delivered = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).ToList();
        Assert.All(delivered, d => Assert.True(sent.ContainsKey(d.MessageId))); // nothing spurious
        Assert.Equal(delivered.Count, delivered.Select(d => d.MessageId).Distinct().Count()); // nothing twice
        int faults = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash || e.Cause is DropCause.SendOmission or DropCause.ReceiveOmission);
        Assert.Equal(modelName == "none", faults == 0); // and the faults of the model really happened
    }
}
