using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Links;

public class BacklogTests
{
    private static readonly NodeId A = new(0), B = new(1);

    [Fact(DisplayName = "A sender flooding a partitioned receiver hits the backlog limit with a clear error, and the counters show the backlog")]
    public void FloodIntoAPartition_HitsTheLimit_WithAnErrorNamingThePairTheLimitAndTheOption()
    {
        var options = new ReliableLinkOptions { Window = 8, BacklogLimit = 1000 };
        DistSim.Simulation sim = Sims.Create(4, link: global::DistSim.Links.Links.Reliable(options));
        sim.AddNode("A", () => new Sender(B, 100_000, TimeSpan.FromMilliseconds(1)));
        sim.AddNode("B", () => new Receiver());
        sim.At(SimTime.FromSeconds(0.1), () => sim.Network.Isolate(B)); // after the handshake: the window is open, then nothing comes back

        var failure = Assert.Throws<SimulationFailureException>(() => sim.Run());

        var error = Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Contains("Link A->B", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReliableLinkOptions.BacklogLimit = 1000", error.Message, StringComparison.Ordinal);
        Assert.Contains("flow control", error.Message, StringComparison.Ordinal);
        Assert.Equal(A, failure.Node);
        Assert.Equal(4UL, failure.Seed);
        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.Equal(1000, c.Backlog);
        Assert.Equal(1000, c.BacklogHighWater);
        Assert.Equal(1000, ((ReliableSession)sim.Network.Session(A, B)).Backlog);
        Assert.Equal(sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Send), c.Sent);
        Assert.Equal(c.Sent, c.Acknowledged + 8 + 1000 + 1); // acknowledged, a full window, a full backlog, and the one refused
        Assert.Equal(TraceEventKind.NodeFaulted, sim.Trace.Events[^1].Kind);
    }

    [Fact]
    public void BacklogDrains_AndTheHighWaterMarkStays()
    {
        var options = new ReliableLinkOptions { Window = 4 };
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(1, 50, FairLossLinkOptions.Default, link: global::DistSim.Links.Links.Reliable(options));

        Assert.Equal(50, b.Received.Count);
        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.Equal(0, c.Backlog);
        Assert.Equal(49, c.BacklogHighWater); // all 50 sent at once: one probe, the rest waits for the handshake
        var total = new LinkCounters();
        total.Add(c);
        total.Add(c);
        Assert.Equal(49, total.BacklogHighWater); // the largest of any pair, not a sum
        Assert.Equal(2 * c.Sent, total.Sent);
    }

    [Fact]
    public void ZeroBacklog_RefusesTheFirstMessageBeyondTheWindow()
    {
        var options = new ReliableLinkOptions { Window = 2, BacklogLimit = 0 };
        DistSim.Simulation sim = Sims.Create(1, link: global::DistSim.Links.Links.Reliable(options));
        sim.AddNode("A", () => new Sender(B, 2));
        sim.AddNode("B", () => new Receiver());

        var failure = Assert.Throws<SimulationFailureException>(() => sim.Run()); // the second message waits for the handshake: no room
        Assert.Contains("BacklogLimit = 0", failure.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeBacklogLimit_IsRejectedNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => global::DistSim.Links.Links.Authenticated(new ReliableLinkOptions { BacklogLimit = -1 }));
        Assert.Equal("BacklogLimit", ex.ParamName);
    }
}
