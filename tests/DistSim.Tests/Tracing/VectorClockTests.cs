using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Tracing;

public class VectorClockTests
{
    /// <summary>Three nodes gossiping at random over a lossy, duplicating, reordering network, with vector clocks on.</summary>
    private static DistSim.Simulation Gossip(ulong seed, bool clocks = true)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            VectorClocks = clocks,
            TimeLimit = TimeSpan.FromSeconds(1),
            Network = new FairLossLinkOptions { LossProbability = 0.2, DuplicateProbability = 0.1, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5)) },
        });
        for (int i = 0; i < 3; i++)
        {
            sim.AddNode("g" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(10))),
                onMessage: (c, from, m) => { },
                onTimer: (c, _) =>
                {
                    c.Send(new NodeId((int)c.Random.NextBelow(3)), new Ping(0));
                    c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(20)));
                }));
        }

        sim.Run();
        return sim;
    }

    private static bool LessOrEqual(IReadOnlyList<long> a, IReadOnlyList<long> b) => a.Select((x, i) => x <= (i < b.Count ? b[i] : 0)).All(ok => ok);

    [Property(MaxTest = 20)]
    public bool EveryDelivery_HappensAfterItsSend(ulong seed)
    {
        DistSim.Simulation sim = Gossip(seed);
        var sends = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId);
        var deliveries = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).ToList();
        return deliveries.Count > 20 && deliveries.All(d =>
        {
            IReadOnlyList<long> sent = sends[d.MessageId].VectorClock!, got = d.VectorClock!;
            return LessOrEqual(sent, got) && !LessOrEqual(got, sent); // send → delivery: strictly before
        });
    }

    [Fact]
    public void EachNodesOwnEntry_CountsItsEvents_AndIndependentEventsAreConcurrent()
    {
        DistSim.Simulation sim = Gossip(3);
        foreach (NodeId n in sim.Nodes)
        {
            var own = sim.Trace.Events.Where(e => e.Node == n && e.VectorClock is not null).Select(e => e.VectorClock![n.Value]).ToList();
            Assert.Equal(Enumerable.Range(1, own.Count).Select(i => (long)i), own); // 1, 2, 3, … at every event of the node
        }

        var firstTimers = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.NodeStarted).ToList();
        // Two nodes' starts are concurrent: neither clock is below the other.
        Assert.False(LessOrEqual(firstTimers[0].VectorClock!, firstTimers[1].VectorClock!));
        Assert.False(LessOrEqual(firstTimers[1].VectorClock!, firstTimers[0].VectorClock!));
    }

    [Fact]
    public void Off_NoClocksAndTheSameFingerprint()
    {
        DistSim.Simulation on = Gossip(5), off = Gossip(5, clocks: false);
        Assert.All(off.Trace.Events, e => Assert.Null(e.VectorClock));
        Assert.Equal(on.Trace.Fingerprint, off.Trace.Fingerprint); // clocks observe; they change nothing
    }

    [Fact]
    public void ShiVizAndJsonLines_CarryTheClocks()
    {
        DistSim.Simulation sim = Gossip(7);
        string[] shiviz = sim.Trace.ToShiViz().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 * sim.Trace.Events.Count(e => e.VectorClock is not null), shiviz.Length);
        Assert.Matches("^g[0-2] \\{\"g[0-2]\": [0-9]+", shiviz[1]);
        Assert.Contains("\"vc\":{", sim.Trace.ToJsonLines(), StringComparison.Ordinal);
    }
}
