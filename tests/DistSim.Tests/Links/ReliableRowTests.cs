using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Scheduling;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Links;

/// <summary>
/// The kernel keeps the sessions of the built-in reliable and authenticated links as rows of a table
/// (<see cref="ReliableTable"/>); a user's link that wraps a built-in one gets a session object of its own. Both run the
/// same protocol code over the same state, so they must give the same run: over seeds, both links, both scheduling
/// orders, loss, duplication, crashes, pauses, isolation, a second reliable link on some pairs, and a pair whose fair-loss options are set
/// while its session is a row (the pair's rich part takes the row over). An idle session holds only its row.
/// </summary>
public class ReliableRowTests
{
    private static readonly ReliableLinkOptions Tight = new()
    {
        RetransmitInterval = TimeSpan.FromMilliseconds(3),
        RetransmitLimit = 3,
        Window = 4,
    };

    private static SimTime Ms(int ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));

    private static readonly ReliableLinkOptions Other = new()
    {
        RetransmitInterval = TimeSpan.FromMilliseconds(2),
        RetransmitLimit = 5,
        Window = 2,
    };

    /// <summary>
    /// Nodes 1 and 4 talk over a reliable link of other options (<paramref name="wrap"/>: through a user's link); mid-run,
    /// pairs that already carried traffic as rows get fair-loss options of their own (a rich part).
    /// </summary>
    private static Action<DistSim.Simulation> TakeOver(bool wrap) => sim =>
    {
        ILink other = global::DistSim.Links.Links.Reliable(Other);
        sim.Network.SetLinkBoth(new NodeId(1), new NodeId(4), wrap ? new WrappingLink(other) : other); // a second table of rows

        var tight = new FairLossLinkOptions { LossProbability = 0.3, Capacity = 1, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)) };
        sim.At(Ms(9), () => sim.Network.SetFairLoss(new NodeId(2), new NodeId(3), tight));
        sim.At(Ms(9), () => sim.Network.SetFairLoss(new NodeId(3), new NodeId(2), tight));
        sim.At(Ms(17), () => sim.Network.SetFairLoss(new NodeId(4), new NodeId(0), tight));
        sim.At(Ms(21), () => sim.Network.SetFairLoss(new NodeId(4), new NodeId(1), tight));
    };

    /// <summary>
    /// Under each scheduler: FIFO and random tie-break (the queue's own order), and PCT and delay-bounding, which pick the
    /// next event themselves from the controlled queue (where a row's packets and timers must look exactly like a
    /// session object's for the strategy to pick the same).
    /// </summary>
    [Property(MaxTest = 8)]
    public void RowsAndSessionsOfTheirOwn_GiveTheSameRun(ulong seed)
    {
        foreach (string scheduler in new[] { "fifo", "random", "pct", "delay-bounding" })
        {
            foreach (bool authenticated in new[] { false, true })
            {
                SameRun(seed, scheduler, authenticated);
            }
        }
    }

    private static void SameRun(ulong seed, string scheduler, bool authenticated)
    {
        ILink Link() => authenticated ? global::DistSim.Links.Links.Authenticated(Tight) : global::DistSim.Links.Links.Reliable(Tight);
        TimingModel timing = TimingModels.Asynchronous(Delay.Exponential(TimeSpan.FromMilliseconds(1)));
        (FrameCarrierTests.Observed rows, DistSim.Simulation kernel) = FrameCarrierTests.Run(
            seed, FrameCarrierTests.SchedulerNamed(scheduler), carriers: true, timing, Link(), TakeOver(wrap: false), forger: false);
        (FrameCarrierTests.Observed own, DistSim.Simulation wrapped) = FrameCarrierTests.Run(
            seed, FrameCarrierTests.SchedulerNamed(scheduler), carriers: true, timing, new WrappingLink(Link()), TakeOver(wrap: true), forger: false);
        string where = $"{(authenticated ? "authenticated" : "reliable")}, {scheduler}";

        // Each path really was the one under test.
        Assert.True(kernel.Network.ReliableRows > 20, $"{where}: {kernel.Network.ReliableRows} rows");
        Assert.Equal(0, wrapped.Network.ReliableRows);
        Assert.Equal(2, kernel.Network.ReliableTables); // the default link's and the other link's
        Assert.True(kernel.Network.Session(new NodeId(4), new NodeId(1)).Counters.Sent > 0, where);
        Assert.True(((ReliableSession)kernel.Network.Session(new NodeId(2), new NodeId(3))).IsView, where);
        Assert.True(kernel.Trace.Events.Count(e => e.Kind == TraceEventKind.Retransmit) > 0, $"{where}: nothing was retransmitted");

        Assert.True(own.Trace == rows.Trace, $"{where}: the traces differ first at\n{FirstDifference(own.Trace, rows.Trace)}");
        Assert.Equal(own, rows);
    }

    private static string FirstDifference(string a, string b)
    {
        string[] x = a.Split('\n'), y = b.Split('\n');
        int i = 0;
        while (i < x.Length && i < y.Length && x[i] == y[i])
        {
            i++;
        }

        return $"event {i}: {(i < x.Length ? x[i] : "(end)")}\n    rows: {(i < y.Length ? y[i] : "(end)")}";
    }

    [Fact]
    public void ARowTakenOverByARichPart_KeepsItsState()
    {
        // Node 0 sends 40 messages to node 1 over a lossy network; after 20 have gone, the pair gets options of its own.
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 3,
            Network = new FairLossLinkOptions { LossProbability = 0.2, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(1)) },
            Link = global::DistSim.Links.Links.Reliable(),
        });
        int sent = 0;
        var a = new NodeId(0);
        var b = new NodeId(1);
        sim.AddNode("a", () => new Scripted(
            onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(1)),
            onTimer: (c, _) =>
            {
                c.Send(b, new Ping(sent++));
                if (sent < 40)
                {
                    c.SetTimer(TimeSpan.FromMilliseconds(1));
                }
            }));
        sim.AddNode("b", () => new Scripted());
        sim.RunUntil(Ms(20));
        long before = sim.Network.Session(a, b).Counters.Sent;
        Assert.InRange(before, 15, 25);
        Assert.Equal(1, sim.Network.ReliableRows); // a->b's session is a row (the acknowledgements travel b->a without one)
        sim.Network.SetFairLoss(a, b, new FairLossLinkOptions { LossProbability = 0.5, Delay = Delay.Constant(TimeSpan.FromMilliseconds(2)) });
        int rows = sim.Network.ReliableRows;
        sim.Run();

        LinkCounters c = sim.Network.Session(a, b).Counters;
        Assert.Equal(40, c.Sent); // counted across the takeover: one session, not a fresh one
        Assert.Equal(40, c.Delivered);
        Assert.Equal(40, sim.Messages.Delivered);
        Assert.Equal(rows, sim.Network.ReliableRows); // no second row for the pair
        Assert.Equal(Enumerable.Range(0, 40), sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).Select(e => ((Ping)e.Payload!).Seq).Order()); // each once
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnIdleSession_HoldsOnlyItsRow(bool authenticated)
    {
        // Random order over a lossy, duplicating network: messages arrive out of order, so receivers keep flags beyond the
        // cumulative point and senders keep rings of outstanding messages mid-run. Once every message is acknowledged,
        // both went back to the slabs.
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 12,
            Network = new FairLossLinkOptions { LossProbability = 0.2, DuplicateProbability = 0.2, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)) },
            Link = authenticated ? global::DistSim.Links.Links.Authenticated() : global::DistSim.Links.Links.Reliable(),
            Scheduler = Schedulers.RandomTieBreak,
            RecordTrace = false,
        });
        const int n = 5;
        for (int i = 0; i < n; i++)
        {
            int me = i;
            sim.AddNode("n" + i, () => new Scripted(onStart: c =>
            {
                for (int k = 0; k < 60; k++)
                {
                    c.Send(new NodeId((me + 1 + (k % (n - 1))) % n), new Ping(k));
                }
            }));
        }

        IEnumerable<ReliableSession> Sessions() =>
            from x in Enumerable.Range(0, n)
            from y in Enumerable.Range(0, n)
            where x != y
            select (ReliableSession)sim.Network.Session(new NodeId(x), new NodeId(y));

        int heldFlags = 0, heldRings = 0;
        for (int t = 1; t < 30 && sim.Messages.Delivered < n * 60; t++)
        {
            sim.RunUntil(SimTime.FromStart(TimeSpan.FromMilliseconds(t * 0.5)));
            heldFlags = Math.Max(heldFlags, Sessions().Count(s => s.DedupMemory > 0));
            heldRings = Math.Max(heldRings, Sessions().Count(s => s.SendRing > 0));
        }

        Assert.True(heldFlags > 0, "no receiver ever held flags: the test shows nothing");
        Assert.True(heldRings > 0, "no sender ever held a ring: the test shows nothing");
        Assert.Equal(RunOutcome.Quiescent, sim.Run().Outcome);
        Assert.Equal(n * 60, sim.Messages.Delivered);
        Assert.All(Sessions(), s => Assert.Equal((0, 0), (s.DedupMemory, s.SendRing)));
    }

    [Fact]
    public void AddingToAView_IsRefused_AndTheSessionRunsOn()
    {
        // A total started from one session's counters: the view refuses it, and the session's backlog (which its
        // counters report) keeps working as the protocol's own.
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Link = global::DistSim.Links.Links.Reliable() });
        NodeId a = sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(0))));
        NodeId b = sim.AddNode("b", () => new Scripted());
        NodeId c = sim.AddNode("c", () => new Scripted(onStart: x =>
        {
            for (int k = 0; k < 20; k++)
            {
                x.Send(new NodeId(3), new Ping(k));
            }
        }));
        NodeId d = sim.AddNode("d", () => new Scripted());
        sim.RunUntil(SimTime.FromStart(TimeSpan.FromMilliseconds(0.01)));
        LinkCounters cd = sim.Network.Session(c, d).Counters;
        Assert.Equal(19, cd.Backlog); // one probe out, the rest waits for the handshake

        LinkCounters view = sim.Network.Session(a, b).Counters;
        var error = Assert.Throws<InvalidOperationException>(() => view.Add(cd));
        Assert.Contains("new LinkCounters()", error.Message, StringComparison.Ordinal);
        var total = new LinkCounters();
        total.Add(view);
        total.Add(cd);
        Assert.Equal(21, total.Sent);
        Assert.Equal(19, total.Backlog);

        Assert.Equal(RunOutcome.Quiescent, sim.Run().Outcome);
        Assert.Equal(21, sim.Messages.Delivered);
        Assert.Equal((1, 20, 0), (view.Sent, cd.Delivered, cd.Backlog)); // the views read on as the run went
    }

    [Fact]
    public void ASessionOfARow_IsOneObject()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Link = global::DistSim.Links.Links.Authenticated() });
        NodeId a = sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))));
        NodeId b = sim.AddNode("b", () => new Scripted());
        ILinkSession before = sim.Network.Session(a, b); // asked for before the first message: the row is made now
        sim.Run();
        Assert.Same(before, sim.Network.Session(a, b));
        Assert.Same(before.Counters, sim.Network.Session(a, b).Counters);
        Assert.Equal(1, before.Counters.Delivered);
        Assert.Same(sim.Network.Session(b, a), sim.Network.Session(b, a));
    }

    [Fact]
    public void ARow_HoldsNoReference_AndStaysSmall()
    {
        // A million rows must be neither scanned by the garbage collector nor grow unnoticed (docs/performance.md gives the size).
        Assert.False(System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<ReliableRow>());
        Assert.Equal(200, System.Runtime.CompilerServices.Unsafe.SizeOf<ReliableRow>());
    }

    [Fact]
    public void AViewOfARow_RefusesToBeDriven()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Link = global::DistSim.Links.Links.Reliable() });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))));
        sim.AddNode("b", () => new Scripted());
        sim.Run();
        ILinkSession view = sim.Network.Session(new NodeId(0), new NodeId(1));
        foreach (Action drive in new Action[]
        {
            () => view.Send(99, new Ping(2)),
            () => view.OnPacket(new LinkPacket(new NodeId(0), new NodeId(1), 99, 99, new Ping(2), PacketMark.None)),
            () => view.OnTimer(1),
            () => view.OnCrash(new NodeId(0)),
        })
        {
            var error = Assert.Throws<InvalidOperationException>(drive);
            Assert.Contains("INodeContext.Send", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, view.Counters.Sent); // nothing above reached the row
        Assert.Equal(1, sim.Messages.Delivered);
    }
}
