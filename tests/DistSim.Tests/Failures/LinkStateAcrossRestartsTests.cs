using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

public class LinkStateAcrossRestartsTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>Sends one numbered ping every 10 ms, resuming after a restart from its flushed counter.</summary>
    private sealed class DurableSender(NodeId peer, int count) : Node
    {
        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

        public override void OnTimer(TimerId timer, object? state)
        {
            int next = int.Parse(Storage.GetString("next") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            if (next >= count)
            {
                return;
            }

            Send(peer, new Ping(next));
            Storage.PutString("next", (next + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Storage.Flush();
            SetTimer(TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>A sends 300 pings to B over a lossy reliable link; the victim(s) crash five times, 100 ms each.</summary>
    private static (DistSim.Simulation Sim, List<int> Seqs) Run(bool durable, string crashed)
    {
        var link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { DurableState = durable, RetransmitInterval = TimeSpan.FromMilliseconds(50) });
        DistSim.Simulation sim = Sims.Create(3, new FairLossLinkOptions { LossProbability = 0.3, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)) }, link: link);
        sim.AddNode("A", () => new DurableSender(B, 300), FailureModels.CrashRecover());
        sim.AddNode("B", () => new Receiver(), FailureModels.CrashRecover());
        var receivedAcrossIncarnations = new List<int>();
        for (int i = 1; i <= 5; i++)
        {
            sim.At(SimTime.FromSeconds(0.5 * i), () =>
            {
                if (crashed.Contains('B', StringComparison.Ordinal))
                {
                    receivedAcrossIncarnations.AddRange(sim.GetNode<Receiver>(B).Received.Select(r => ((Ping)r.Message).Seq));
                    sim.CrashFor(B, TimeSpan.FromMilliseconds(100));
                }

                if (crashed.Contains('A', StringComparison.Ordinal))
                {
                    sim.CrashFor(A, TimeSpan.FromMilliseconds(100));
                }
            });
        }

        sim.Run();
        receivedAcrossIncarnations.AddRange(sim.GetNode<Receiver>(B).Received.Select(r => ((Ping)r.Message).Seq));
        return (sim, receivedAcrossIncarnations);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("AB")]
    public void VolatileLinkState_NeverDuplicates_OnlyMessagesAbandonedAtARestartGoMissing(string crashed)
    {
        (DistSim.Simulation sim, List<int> seqs) = Run(durable: false, crashed);

        Assert.Equal(seqs.Count, seqs.Distinct().Count()); // at most once, across every incarnation of B
        Assert.Equal(5 * crashed.Length, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash));
        var abandoned = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Abandoned).Select(e => e.MessageId).ToHashSet();
        var missing = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && !seqs.Contains(((Ping)e.Payload!).Seq)).ToList();
        Assert.All(missing, m => Assert.Contains(m.MessageId, abandoned)); // a gap is a message the link said it gave up
        Assert.True(missing.Count < 5 * crashed.Length * 64, $"{missing.Count} missing"); // at most a window per restart

        LinkCounters c = sim.Network.Session(A, B).Counters;
        Assert.Equal(6, c.Handshakes); // the first contact, then one per restart of either end
        Assert.Equal(sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Handshake), c.Handshakes);
        if (crashed == "B")
        {
            // Retransmissions bound to B's dead incarnation reached the new one, and were rejected, not delivered.
            // (When A crashes at the same instant, it gives up those messages and never sends them again.)
            Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Stale && e.Node == B && e.Payload is DataFrame { ReceiverIncarnation: > 0 } d
                && d.ReceiverIncarnation < sim.IncarnationOf(B));
            Assert.True(c.Stale > 0);
        }
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("AB")]
    public void DurableLinkState_IsExactlyOnce(string crashed)
    {
        (DistSim.Simulation sim, List<int> seqs) = Run(durable: true, crashed);

        Assert.Equal(Enumerable.Range(0, 300), seqs.Order());
        Assert.Equal(5 * crashed.Length, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash));
        Assert.Equal(1, sim.Network.Session(A, B).Counters.Handshakes);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind is TraceEventKind.Abandoned or TraceEventKind.Stale);
    }
}
