using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Links.Contracts;

/// <summary>
/// What every link that claims reliability must do across restarts of either end, on top of the contract of every
/// link: the application never receives a message twice, at any incarnation of any node; a message is delivered
/// exactly once unless the link traced it as abandoned (at a restart with volatile link state); between two ends
/// that never crash, every message is delivered exactly once; with durable link state, exactly once for all.
/// </summary>
public abstract class ReliableLinkContractTests : LinkContractTests
{
    protected abstract ILink CreateLink(ReliableLinkOptions options);

    protected sealed override ILink CreateLink() => CreateLink(ReliableLinkOptions.Default);

    [Property(MaxTest = 40, Arbitrary = [typeof(RestartRuns)])]
    public void AcrossRestartsAndReplays_NoMessageIsEverDeliveredTwice_AndEveryOneNotAbandonedIsDeliveredOnce(RestartCase c)
    {
        DistSim.Simulation sim = RestartRuns.Run(CreateLink(), c);

        Dictionary<long, int> deliveries = RestartRuns.DeliveriesById(sim);
        Assert.DoesNotContain(deliveries, d => d.Value > 1);
        Assert.Empty(RestartRuns.PayloadDuplicates(sim, c.ByzantineReplay));
        Assert.Equal(0, sim.Attacks.ReplayedAccepted);
        var abandoned = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Abandoned).Select(e => e.MessageId).ToHashSet();
        var lost = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && !deliveries.ContainsKey(e.MessageId) && !abandoned.Contains(e.MessageId)).ToList();
        Assert.True(lost.Count == 0, $"neither delivered nor abandoned: {string.Join("; ", lost.Take(5))}");

        // C and D never crash: exactly once between them, whatever A and B do.
        foreach ((NodeId from, NodeId to) in new[] { (RestartRuns.C, RestartRuns.D), (RestartRuns.D, RestartRuns.C) })
        {
            LinkCounters counters = sim.Network.Session(from, to).Counters;
            Assert.Equal(RestartRuns.Messages, counters.Sent);
            Assert.Equal(RestartRuns.Messages, counters.Delivered);
            Assert.Equal(0, counters.Abandoned);
            Assert.Equal(1, counters.Handshakes);
        }

        if (c.Crashes.Length > 0 && sim.Faults.Restarts == 0)
        {
            Assert.Fail("the plan did not restart anything");
        }
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(RestartRuns)])]
    public void DurableLinkState_EveryMessageDeliveredExactlyOnce_AcrossRestarts(RestartCase c)
    {
        DistSim.Simulation sim = RestartRuns.Run(CreateLink(new ReliableLinkOptions { DurableState = true }), c);

        Dictionary<long, int> deliveries = RestartRuns.DeliveriesById(sim);
        var sends = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToList();
        Assert.All(sends, s => Assert.True(deliveries.GetValueOrDefault(s.MessageId) == 1, $"{s} delivered {deliveries.GetValueOrDefault(s.MessageId)} times"));
        Assert.Equal(sends.Count, deliveries.Count);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind is TraceEventKind.Abandoned or TraceEventKind.Stale);
    }

    [Fact(DisplayName = "40 runs, replay 0.1 and crashes of either end: no duplicate at the application, and the stale frames were really rejected")]
    public void Replay10_WithCrashes_FortyRuns_NoDuplicates_StaleFramesRejected()
    {
        int runsWithStaleReplays = 0, runsWithStaleInFlight = 0, staleAcks = 0, abandonedInAll = 0;
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var c = new RestartCase(seed, Loss: 0.1, Dup: 0, Replay: 0.1, ByzantineReplay: false,
                [new PlannedCrash(1, 150, 20), new PlannedCrash(0, 300, 0), new PlannedCrash(2, 450, 3)]);
            DistSim.Simulation sim = RestartRuns.Run(CreateLink(), c);

            Assert.Equal(4, sim.Faults.Restarts);
            Assert.DoesNotContain(RestartRuns.DeliveriesById(sim), d => d.Value > 1);
            Assert.Empty(RestartRuns.PayloadDuplicates(sim, byzantineA: false));
            Assert.Equal(0, sim.Attacks.ReplayedAccepted);
            List<TraceEvent> stale = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Stale).ToList();
            Assert.True(stale.Count > 0, $"seed {seed}: no stale frame");
            runsWithStaleReplays += stale.Any(e => e.Mark.HasFlag(PacketMark.Replayed)) ? 1 : 0;
            runsWithStaleInFlight += stale.Any(e => e.Mark == PacketMark.None && RestartRuns.Inner(e.Payload) is DataFrame) ? 1 : 0;
            staleAcks += stale.Count(e => RestartRuns.Inner(e.Payload) is AckFrame);
            abandonedInAll += sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Abandoned);
            long counted = sim.Network.Session(RestartRuns.A, RestartRuns.B).Counters.Stale + sim.Network.Session(RestartRuns.B, RestartRuns.A).Counters.Stale;
            Assert.Equal(stale.Count, counted);
        }

        // Both sources of old frames were met and rejected: replays by the adversary, and genuine frames of a dead
        // incarnation; and senders ignored acknowledgements of a dead incarnation.
        Assert.True(runsWithStaleReplays >= 30, $"{runsWithStaleReplays} runs rejected a stale replay");
        Assert.True(runsWithStaleInFlight >= 30, $"{runsWithStaleInFlight} runs rejected a stale genuine frame");
        Assert.True(staleAcks > 0, "no stale acknowledgement");
        Assert.True(abandonedInAll > 0);
    }
}
