using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Links;

public class ReliableLinkTests
{
    private static readonly NodeId A = new(0), B = new(1);

    public static Arbitrary<(ulong Seed, int LossPercent, int DupPercent, int Window)> Hostile() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from loss in Gen.Choose(0, 90)
         from dup in Gen.Choose(0, 60)
         from window in Gen.Elements(1, 2, 8, 64)
         select (seed, loss, dup, window)).ToArbitrary();

    [Property(MaxTest = 40, Arbitrary = [typeof(ReliableLinkTests)])]
    public bool AnyLossBelowOne_DuplicationAndReordering_EveryMessageDeliveredExactlyOnce((ulong Seed, int LossPercent, int DupPercent, int Window) c)
    {
        var network = new FairLossLinkOptions
        {
            LossProbability = c.LossPercent / 100.0,
            DuplicateProbability = c.DupPercent / 100.0,
            Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(80)), // reorders
        };
        ILink link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { Window = c.Window, RetransmitInterval = TimeSpan.FromMilliseconds(200) });
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(c.Seed, 200, network, record: false, link: link);

        List<int> seqs = b.Received.Select(r => ((Ping)r.Message).Seq).ToList();
        LinkCounters counters = sim.Network.Session(A, B).Counters;
        return seqs.Count == 200 && seqs.Distinct().Count() == 200
            && counters.Acknowledged == 200 && counters.Abandoned == 0
            && sim.Messages.InFlight == 0 && sim.PendingEvents == 0;
    }

    [Fact(DisplayName = "Reliable link, 30% loss: every message delivered exactly once, and the losses really were retransmitted")]
    public void Loss30_RetransmitsAndDeliversExactlyOnce()
    {
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(
            7, 1000, new FairLossLinkOptions { LossProbability = 0.3 }, link: global::DistSim.Links.Links.Reliable());

        Assert.Equal(Enumerable.Range(0, 1000), b.Received.Select(r => ((Ping)r.Message).Seq).Order());
        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.True(c.Retransmitted > 300, $"{c.Retransmitted} retransmissions");
        Assert.Equal(c.Retransmitted, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Retransmit));
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop && e.Payload is AckFrame); // lost acks too
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.DuplicateSuppressed); // a lost ack makes the receiver see a retransmission
    }

    [Fact]
    public void NoLoss_ShortDelay_RetransmitsOnlyTheHandshakeProbe()
    {
        (DistSim.Simulation sim, _) = Sims.PingRun(1, 300, FairLossLinkOptions.Default, link: global::DistSim.Links.Links.Reliable());

        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.Equal(1, c.Handshakes);
        Assert.Equal(1, c.Retransmitted); // the first message, sent as a probe (bound to "unknown"), then bound to B's incarnation
        Assert.Equal(300, c.Acknowledged);
        Assert.Equal(300, c.Delivered);
        Assert.Equal(301, c.AcksSent); // one sync answering the probe
        Assert.Equal(300 + 1 + 301, sim.Messages.Packets);
    }

    [Fact]
    public void NetworkDuplicates_NeverReachTheApplication()
    {
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(
            2, 500, new FairLossLinkOptions { DuplicateProbability = 0.5 }, link: global::DistSim.Links.Links.Reliable());

        Assert.Equal(500, b.Received.Count);
        Assert.True(sim.Messages.Duplicated > 150);
        Assert.True(sim.Network.Session(A, B).Counters.DuplicatesSuppressed > 100);
    }

    [Fact]
    public void TotalLoss_RetransmitsWithExponentialBackoff_ThenAbandons()
    {
        var options = new ReliableLinkOptions
        {
            RetransmitInterval = TimeSpan.FromMilliseconds(100),
            Backoff = 2,
            RetransmitIntervalMax = TimeSpan.FromMilliseconds(500),
            RetransmitLimit = 5,
        };
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(1, 1, new FairLossLinkOptions { LossProbability = 1 }, link: global::DistSim.Links.Links.Reliable(options));

        Assert.Empty(b.Received);
        double[] times = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Retransmit).Select(e => e.Time.TotalSeconds).ToArray();
        Assert.Equal([0.1, 0.3, 0.7, 1.2, 1.7], times); // waits 100, 200, 400, then capped at 500 ms
        TraceEvent abandoned = Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Abandoned);
        Assert.Equal(2.2, abandoned.Time.TotalSeconds, 9);
        Assert.Equal(1, sim.Network.Session(A, B).Counters.Abandoned);
    }

    [Fact(DisplayName = "Reliable link: after messages are given up at the retransmission limit, the next ones still get through exactly once")]
    public void AfterTheRetransmitLimit_TheStreamRecovers()
    {
        var options = new ReliableLinkOptions { RetransmitLimit = 2, Window = 8 };
        DistSim.Simulation sim = Sims.Create(1, link: global::DistSim.Links.Links.Reliable(options));
        sim.AddNode("A", () => new Sender(B, 200, TimeSpan.FromMilliseconds(10)));
        sim.AddNode("B", () => new Receiver());
        sim.At(DistSim.Time.SimTime.FromSeconds(0.1), () => sim.Network.Isolate(B));
        sim.At(DistSim.Time.SimTime.FromSeconds(1), () => sim.Network.Heal());
        sim.Run();

        List<int> seqs = sim.GetNode<Receiver>(B).Received.Select(r => ((Ping)r.Message).Seq).ToList();
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.True(c.Abandoned > 0);
        Assert.Equal(200, c.Delivered + c.Abandoned); // nothing lost without a trace
        Assert.Contains(199, seqs); // the stream goes on after the partition
        Assert.True(seqs.Count(s => s >= 100) == 100, $"{seqs.Count(s => s >= 100)} of the last 100 delivered");
    }

    [Fact]
    public void BeforeTheHandshake_OnlyTheProbeIsOnTheWire()
    {
        var options = new ReliableLinkOptions { Window = 4, RetransmitLimit = 0 };
        DistSim.Simulation sim = Sims.Create(1, new FairLossLinkOptions { LossProbability = 1 }, link: global::DistSim.Links.Links.Reliable(options));
        sim.AddNode("A", () => new Sender(B, 10));
        sim.AddNode("B", () => new Receiver());
        sim.RunUntil(DistSim.Time.SimTime.FromSeconds(0.05));

        Assert.Equal(10, sim.Messages.Sent);
        TraceEvent probe = Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop);
        Assert.Equal(new DataFrame(1, 0, 1, new Ping(0)), probe.Payload); // incarnation 1 of A, B's not known yet
        Assert.Equal(9, ((ReliableSession)sim.Network.Session(A, B)).Backlog);
    }

    [Fact]
    public void Window_BoundsTheMessagesInFlight()
    {
        var options = new ReliableLinkOptions { Window = 4 };
        DistSim.Simulation sim = Sims.Create(1, new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromMilliseconds(10)) }, link: global::DistSim.Links.Links.Reliable(options));
        sim.AddNode("A", () => new Sender(B, 10));
        sim.AddNode("B", () => new Receiver());
        sim.RunUntil(DistSim.Time.SimTime.FromSeconds(0.025)); // probe at 0, sync back at 20 ms: the window opens

        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.Equal(1, c.Handshakes);
        Assert.Equal(4, sim.Messages.InFlight); // the probe bound again, and three more
        Assert.Equal(6, sim.Messages.Packets); // probe, sync, then those four
        Assert.Equal(6, ((ReliableSession)sim.Network.Session(A, B)).Backlog);
        Assert.Equal(6, c.Backlog);
        Assert.Equal(9, c.BacklogHighWater);
    }

    [Fact]
    public void DedupMemory_StaysBounded_OverAMillionMessages()
    {
        const int n = 1_000_000;
        // A sends 10 messages per ms, faster than a 32-message window stalled by losses delivers: the backlog holds most of them.
        var options = new ReliableLinkOptions { Window = 32, RetransmitInterval = TimeSpan.FromMilliseconds(50), BacklogLimit = n };
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 11,
            RecordTrace = false,
            EventLimit = 100_000_000,
            TimeLimit = TimeSpan.FromDays(365),
            Network = new FairLossLinkOptions { LossProbability = 0.1, DuplicateProbability = 0.05 },
            Link = global::DistSim.Links.Links.Reliable(options),
        });
        var counter = new CountingReceiver();
        sim.AddNode("A", () => new Sender(B, n, TimeSpan.FromMicroseconds(100)));
        sim.AddNode("B", () => counter);
        int maxMemory = 0;
        ILinkSession? session = null;
        sim.RunUntil(() =>
        {
            session ??= sim.Network.Session(A, B);
            maxMemory = Math.Max(maxMemory, session.DedupMemory);
            return false;
        });

        Assert.Equal(n, counter.Count);
        Assert.Equal(n, counter.Distinct);
        Assert.Equal(32, maxMemory);
        Assert.True(session!.Counters.DuplicatesSuppressed > 10_000);
    }

    [Fact]
    public void SetLink_AfterTraffic_IsRejected()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Sender(B, 1));
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        Assert.Throws<InvalidOperationException>(() => sim.Network.SetLink(A, B, global::DistSim.Links.Links.Reliable()));
    }

    [Theory]
    [InlineData("RetransmitInterval")]
    [InlineData("Backoff")]
    [InlineData("RetransmitIntervalMax")]
    [InlineData("Window")]
    [InlineData("RetransmitLimit")]
    public void InvalidOptions_AreRejectedNamingThem(string parameter)
    {
        ReliableLinkOptions bad = parameter switch
        {
            "RetransmitInterval" => new() { RetransmitInterval = TimeSpan.Zero },
            "Backoff" => new() { Backoff = 0.5 },
            "RetransmitIntervalMax" => new() { RetransmitIntervalMax = TimeSpan.FromMilliseconds(1) },
            "Window" => new() { Window = 0 },
            _ => new() { RetransmitLimit = -1 },
        };
        var ex = Assert.ThrowsAny<ArgumentException>(() => global::DistSim.Links.Links.Reliable(bad));
        Assert.Equal(parameter, ex.ParamName);
    }

    /// <summary>Counts deliveries and distinct sequence numbers without keeping the messages.</summary>
    private sealed class CountingReceiver : Node
    {
        private readonly System.Collections.BitArray _seen = new(1_000_000);

        public int Count { get; private set; }

        public int Distinct { get; private set; }

        public override void OnMessage(NodeId from, object message)
        {
            Count++;
            int seq = ((Ping)message).Seq;
            if (!_seen[seq])
            {
                _seen[seq] = true;
                Distinct++;
            }
        }
    }
}
