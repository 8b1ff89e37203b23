using System.Text.Json;
using DistSim.Checking;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Samples.Byzantine;
using DistSim.Tests.Support;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

public class ByzantineTests
{
    /// <summary>The sweep the docs state: the liar breaks Raft within these seeds (8 of seeds 1-10 when measured).</summary>
    private const int RaftSweep = 10;

    private static IEnumerable<string> Describe(Simulation sim, TraceEventKind kind) =>
        sim.Trace.Events.Where(e => e.Kind == kind).Select(e => sim.Trace.Describe(e));

    [Fact(DisplayName = "Raft with one liar: safety breaks within 10 seeds, and the violating run's trace holds the liar's forged term or double vote")]
    public void RaftLiar_BreaksSafety_WithinTheSweep_AndTheTraceShowsTheLie()
    {
        RaftLiarRun? bad = null;
        for (ulong seed = 1; seed <= RaftSweep && bad is null; seed++)
        {
            RaftLiarRun run = RaftLiar.Play(seed, RaftLiar.Options(3, 20), liar: true);
            if (RaftLiarRecord.Of(run).Bad)
            {
                bad = run;
            }
        }

        Assert.NotNull(bad);
        Assert.True(bad.Raft.Observer.Violations > 0);
        Assert.True(bad.Raft.Observer.ConflictingCommits + bad.Raft.Observer.LostCommits + bad.Raft.Observer.DoubleLeaders > 0);
        string[] lies = [.. Describe(bad.Simulation, TraceEventKind.Byzantine)];
        Assert.Contains(lies, l => l.Contains("forged term", StringComparison.Ordinal) || l.Contains("double vote", StringComparison.Ordinal));
        Assert.Equal(bad.Liar.DoubleVotes + bad.Liar.ForgedCampaigns + bad.Liar.ForgedAppends, lies.Length);
        Assert.True(bad.Liar.ForgedWins > 0 || bad.Liar.DoubleVotes > 0);
    }

    [Fact(DisplayName = "Raft without the liar, same seeds: no violation, every history linearizable")]
    public void RaftHonest_SameSeeds_Safe()
    {
        for (ulong seed = 1; seed <= RaftSweep; seed++)
        {
            RaftLiarRun run = RaftLiar.Play(seed, RaftLiar.Options(3, 20), liar: false);
            RaftLiarRecord r = RaftLiarRecord.Of(run);
            Assert.False(r.Bad, $"seed {seed}: {r.FirstViolation}");
            Assert.Equal(0, r.ByzantineEvents);
            Assert.Equal(60, r.Completed);
        }
    }

    /// <summary>
    /// Over cluster sizes 4-9 (n = 3f + 1 and the sizes between, whose quorums are larger than 2f + 1), behaviours, a
    /// faulty primary, checkpoint intervals 1-10 and a replica cut off for half the run (when a quorum is left without
    /// it): agreement (commits, executions and checkpoint digests of honest replicas), a linearizable and complete
    /// history, the faulty replicas the options ask for, and no honest replica holding more log slots than its window.
    /// </summary>
    [Property(MaxTest = 24)]
    public bool Pbft_FByzantineReplicas_KeepAgreementAndLinearizability(ulong seed, byte size, byte behavior, bool faultyPrimary, byte interval, bool lag)
    {
        PbftFault? fault = behavior % 6 == 5 ? null : PbftBehaviors.All[behavior % 6];
        int n = 4 + (size % 6);
        int f = (n - 1) / 3;
        int k = 1 + (interval % 10);
        int quorum = (n + f + 2) / 2;
        int lagIndex = (int)(seed % (ulong)n);
        int? lagging = lag && n - 1 - f >= quorum && !(faultyPrimary && lagIndex == 0) ? lagIndex : null;
        PbftRun run = PbftCluster.Play(
            seed, new PbftOptions(Replicas: n, Faulty: f, Fault: fault, FaultyPrimary: faultyPrimary, Operations: 10, CheckpointInterval: k, Lagging: lagging));
        PbftReplica[] honest = [.. Enumerable.Range(0, n).Where(run.Observer.IsHonest).Select(i => (PbftReplica)run.Simulation.GetNode(new NodeId(i))!)];
        return run.Observer.Violations == 0 && run.Verdict.Verdict == LinearizabilityVerdict.Linearizable
            && run.History.All(o => !o.IsPending) && run.Simulation.Failure is null && run.Behaviors.Count == f
            && run.Observer.MaxLogSlots <= 2 * k && run.Observer.StableCheckpoints > 0
            && honest.All(r => r.LastExecuted >= run.Observer.HighestStable && r.Fetching == 0) // every honest replica caught up
            && run.Observer.HonestMessagesRefused == 0;
    }

    [Theory(DisplayName = "PBFT with n between 3f + 1 sizes (quorum ceil((n + f + 1) / 2), not 2f + 1): an equivocating primary breaks no agreement")]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(9)]
    public void Pbft_QuorumAboveTwoFPlusOne_WhenNIsNotThreeFPlusOne(int n)
    {
        int f = (n - 1) / 3;
        for (ulong seed = 1; seed <= 4; seed++)
        {
            PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: f, Fault: PbftFault.Equivocate, FaultyPrimary: true, Operations: 10));
            Assert.True(run.Observer.Violations == 0, $"n = {n}, seed {seed}: {run.Observer.FirstViolation}");
            Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
            Assert.Contains(Describe(run.Simulation, TraceEventKind.Byzantine), l => l.Contains("equivocated", StringComparison.Ordinal));
        }
    }

    [Theory(DisplayName = "PBFT checkpoints: a replica cut off for a quarter of the run installs a stable checkpoint's state from the others (a StateReply delivered to it), then executes the rest itself and ends in their state")]
    [InlineData(4, 0, 4)]
    [InlineData(4, 0, 1)]
    [InlineData(7, 0, 3)]
    [InlineData(7, 1, 5)]
    [InlineData(6, 1, 4)]
    public void Pbft_LaggingReplica_CatchesUpByStateTransfer(int n, int faulty, int interval)
    {
        const int Lagging = 3;
        PbftRun run = PbftCluster.Play(7, new PbftOptions(Replicas: n, Faulty: faulty, Fault: PbftFault.Silent, Operations: 15, CheckpointInterval: interval, Lagging: Lagging));

        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(30, run.Completed);
        Assert.DoesNotContain(Lagging, run.Behaviors.Keys);
        Assert.True(run.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && (e.Node.Value == Lagging || e.Peer?.Value == Lagging)) > 0, "the cut did not cut");
        Assert.Contains(
            run.Simulation.Trace.Events,
            e => e.Kind == TraceEventKind.Deliver && e.Node.Value == Lagging && run.Simulation.Trace.Describe(e).Contains("StateReply {", StringComparison.Ordinal));
        Assert.Contains(run.Observer.Transfers, t => t.Replica == Lagging);
        Assert.DoesNotContain(run.Observer.Transfers, t => t.Replica != Lagging);
        long seq = run.Observer.Transfers.Last(t => t.Replica == Lagging).Seq;
        Assert.True(seq > 2 * interval, $"installed checkpoint {seq}, within the window of {2 * interval}");

        PbftReplica lagging = (PbftReplica)run.Simulation.GetNode(new NodeId(Lagging))!;
        PbftReplica[] honest = [.. Enumerable.Range(0, n).Where(i => !run.Behaviors.ContainsKey(i)).Select(i => (PbftReplica)run.Simulation.GetNode(new NodeId(i))!)];
        Assert.True(lagging.LastExecuted > seq, "executed nothing after the state it installed");
        Assert.Equal(0, lagging.Fetching);
        Assert.All(honest, r => Assert.Equal(honest[0].LastExecuted, r.LastExecuted));
        Assert.All(honest, r => Assert.Equal(honest[0].Snapshot().Digest(), r.Snapshot().Digest()));
        Assert.NotEmpty(lagging.Values);
        Assert.Equal(0, run.Observer.HonestMessagesRefused);
    }

    [Theory(DisplayName = "PBFT, silent or equivocating primary: view-change and new-view messages are sent, and the new primary's view executes requests")]
    [InlineData(4, PbftFault.Silent)]
    [InlineData(7, PbftFault.Silent)]
    [InlineData(4, PbftFault.Equivocate)]
    [InlineData(7, PbftFault.Equivocate)]
    [InlineData(6, PbftFault.Equivocate)]
    public void Pbft_FaultyPrimary_ChangesView(int n, PbftFault fault)
    {
        PbftRun run = PbftCluster.Play(3, new PbftOptions(Replicas: n, Faulty: (n - 1) / 3, Fault: fault, FaultyPrimary: true, Operations: 10));

        Assert.Contains(0, run.Behaviors.Keys);
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
        Assert.Equal(20, run.Completed);
        string[] sends = [.. Describe(run.Simulation, TraceEventKind.Send)];
        Assert.Contains(sends, s => s.Contains("ViewChange {", StringComparison.Ordinal));
        Assert.Contains(sends, s => s.Contains("NewView {", StringComparison.Ordinal));
        Assert.True(run.Observer.NewViewsSent >= 1);
        Assert.True(run.Observer.HighestView >= 1);
        int primary = (int)(run.Observer.HighestView % n);
        Assert.True(run.Observer.IsHonest(primary), $"view {run.Observer.HighestView}'s primary r{primary} is faulty");
        Assert.True(run.Observer.ExecutedAfterViewChange > 0);
        Assert.Contains(Describe(run.Simulation, TraceEventKind.Byzantine), l => l.Contains(fault == PbftFault.Silent ? "did not send" : "equivocated", StringComparison.Ordinal));
    }

    [Fact(DisplayName = "PBFT: forged packets are rejected by the authenticated link, tampered messages by their signatures")]
    public void Pbft_ForgedAndTamperedMessages_AreRejected()
    {
        PbftRun forged = PbftCluster.Play(5, new PbftOptions(Replicas: 4, Fault: PbftFault.Forge, Operations: 10));
        Assert.Contains(Describe(forged.Simulation, TraceEventKind.Byzantine), l => l.Contains("claiming to be", StringComparison.Ordinal));
        Assert.True(forged.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Rejected) > 0);
        Assert.Equal(0, forged.Observer.Violations);

        PbftRun tampered = PbftCluster.Play(5, new PbftOptions(Replicas: 4, Fault: PbftFault.Tamper, Operations: 10));
        Assert.Contains(Describe(tampered.Simulation, TraceEventKind.Byzantine), l => l.Contains("tampered", StringComparison.Ordinal));
        Assert.True(tampered.Observer.Rejections > 0);
        Assert.Equal(0, tampered.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, tampered.Verdict.Verdict);
    }

    [Theory(DisplayName = "PBFT: a faulty replica flooding signed view-changes for every view, messages for far views and numbers, bogus checkpoints and state requests neither grows an honest replica's tables past their bounds nor stops the run")]
    [InlineData(4, 2, 1)]
    [InlineData(4, 8, 2)]
    [InlineData(7, 3, 3)]
    public void Pbft_FloodingReplica_TablesStayBounded(int n, int interval, ulong seed)
    {
        int window = 2 * interval;
        PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: (n - 1) / 3, Operations: 40, CheckpointInterval: interval), behavior: () => new Flood());

        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(80, run.Completed);
        Assert.True(Describe(run.Simulation, TraceEventKind.Byzantine).Count(l => l.Contains("flooded", StringComparison.Ordinal)) >= 80, "the flood did not flood");
        foreach (int i in Enumerable.Range(0, n).Where(run.Observer.IsHonest))
        {
            IReadOnlyDictionary<string, int> t = ((PbftReplica)run.Simulation.GetNode(new NodeId(i))!).TableSizes();
            string all = string.Join(", ", t.Select(kv => $"{kv.Key} {kv.Value}"));
            Assert.True(t["slots"] <= window && t["certificates"] <= window && t["committed"] <= window, all);
            Assert.True(t["snapshots"] <= 3 && t["proofs"] <= window / interval + 1, all);
            Assert.True(t["checkpointVotes"] <= n * ((window / interval) + 2), all);
            Assert.True(t["viewChanges"] <= n, all);
            Assert.True(t["assigned"] <= window && t["pending"] <= 2, all);
            Assert.True(t["buffered"] <= n * 12 * window && t["bufferedFromOneSender"] <= 12 * window, all);
        }

        // A state request is answered once per checkpoint: each faulty replica's stream of requests got at most one
        // reply per stable checkpoint from each honest replica (thousands of requests were sent).
        int faulty = run.Behaviors.Count;
        long stable = run.Observer.HighestStable / interval;
        long replies = run.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Send && e.Payload is StateReply && run.Observer.IsHonest(e.Node.Value));
        Assert.True(run.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Send && e.Payload is FetchState) > 10 * stable * faulty);
        Assert.InRange(replies, 1, stable * (n - faulty) * faulty);
    }

    [Theory(DisplayName = "PBFT: a replica the faulty primary never sends pre-prepares to cannot execute; it learns the stable checkpoints, and within a timeout fetches their state even when they are within its window, ending at the last one")]
    [InlineData(1, 10)]
    [InlineData(2, 15)]
    [InlineData(3, 12)]
    [InlineData(4, 14)]
    [InlineData(6, 15)]
    public void Pbft_ShunnedReplica_CatchesUpToTheLastStableCheckpoint(int interval, int operations)
    {
        PbftRun run = PbftCluster.Play(
            4, new PbftOptions(Replicas: 4, Faulty: 1, FaultyPrimary: true, Operations: operations, CheckpointInterval: interval), behavior: () => new ShunReplica3());

        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(2 * operations, run.Completed);
        Assert.Contains(Describe(run.Simulation, TraceEventKind.Byzantine), l => l.Contains("no pre-prepare for r3", StringComparison.Ordinal));
        var shunned = (PbftReplica)run.Simulation.GetNode(new NodeId(3))!;
        var other = (PbftReplica)run.Simulation.GetNode(new NodeId(1))!;
        long last = 2 * operations / interval * interval;
        Assert.Equal(last, other.StableCheckpoint);
        Assert.Equal(last, shunned.LastExecuted);
        Assert.False(run.Observer.ExecutionsBy.ContainsKey(3), "r3 executed something itself"); // all by state transfer, the last one too
        Assert.Equal(0, shunned.Fetching);
        Assert.Contains(run.Observer.Transfers, t => t.Replica == 3 && t.Seq == last);
    }

    [Fact(DisplayName = "PBFT: messages for the view after next are not kept (a faulty replica's flood of them leaves every honest buffer empty); one per replica of its view-changes is")]
    public void Pbft_FarViewMessages_AreNotBuffered()
    {
        PbftRun run = PbftCluster.Play(5, new PbftOptions(Replicas: 4, Faulty: 1, Operations: 20, CheckpointInterval: 4), behavior: () => new Flood(farViewsOnly: true));

        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(40, run.Completed);
        Assert.True(run.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Payload is Prepare { View: >= 2 }) >= 40);
        foreach (int i in Enumerable.Range(0, 4).Where(run.Observer.IsHonest))
        {
            IReadOnlyDictionary<string, int> t = ((PbftReplica)run.Simulation.GetNode(new NodeId(i))!).TableSizes();
            Assert.Equal(0, t["buffered"]);
            Assert.InRange(t["viewChanges"], 0, 4);
        }
    }

    [Theory(DisplayName = "PBFT: validly signed messages with nulls where arrays or nested messages belong (view-changes, new-views, state replies) are rejected as malformed; no honest replica's code fails on them")]
    [InlineData(4, 1)]
    [InlineData(7, 2)]
    public void Pbft_MalformedMessages_AreRejected(int n, ulong seed)
    {
        PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: (n - 1) / 3, Operations: 10, CheckpointInterval: 2), behavior: () => new Malformed(n));

        Assert.Null(run.Simulation.Failure);
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(20, run.Completed);
        Assert.True(run.Observer.Rejected.GetValueOrDefault("ViewChange(malformed)") > 0);
        Assert.True(run.Observer.Rejected.GetValueOrDefault("NewView(malformed)") > 0);
        Assert.True(run.Observer.Rejected.GetValueOrDefault("StateReply(malformed)") > 0);
    }

    /// <summary>An attack: besides each honest message to a replica, signed messages with a null where an array or a nested message belongs.</summary>
    private sealed class Malformed(int n) : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message)
        {
            context.Send(to, message);
            if (to.Value >= n)
            {
                return; // a client
            }

            context.RecordFault(FaultKinds.Lie, "malformed");
            int me = context.Id.Value;
            long ownView = me + (1000L * n); // a view whose primary is this replica
            PbftSnapshot noValues = new(null!, []);
            Send(context, to, new ViewChange(1, 0, null!, [], me));
            Send(context, to, new ViewChange(1, 0, [], [null!], me));
            Send(context, to, new NewView(ownView, null!, [], me));
            Send(context, to, new NewView(ownView, [null!], null!, me));
            Send(context, to, new StateReply(1_000_000, null!, [], me));
            Send(context, to, new StateReply(1_000_000, noValues, null!, me));
        }

        private static void Send(ByzantineSendContext context, NodeId to, IPbftSigned m) => context.Send(to, m.WithSig(context.Sign(m.Unsigned())));
    }

    /// <summary>A faulty primary that sends its pre-prepares to every backup but replica 3.</summary>
    private sealed class ShunReplica3 : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message)
        {
            if (to.Value == 3 && message is PrePrepare)
            {
                context.RecordFault(FaultKinds.Silence, "no pre-prepare for r3");
                return;
            }

            context.Send(to, message);
        }
    }

    /// <summary>
    /// An attack: besides each honest message, a faulty replica sends the receiver validly signed view-changes for ever
    /// higher views, a prepare for the view after next and one far beyond any window, a checkpoint of a made-up digest
    /// far ahead, and a request for the whole state.
    /// </summary>
    /// <param name="farViewsOnly">Only the view-changes and the prepares for the view after next.</param>
    private sealed class Flood(bool farViewsOnly = false) : ByzantineBehavior
    {
        private long _view = 1;
        private long _seq = 1_000_000;

        protected override void OnSend(ByzantineSendContext context, NodeId to, object message)
        {
            context.Send(to, message);
            if (to.Value >= 10 || message is PbftReply)
            {
                return; // a client
            }

            context.RecordFault(FaultKinds.Lie, "flooded");
            int me = context.Id.Value;
            long view = message is Prepare p ? p.View : message is Commit c ? c.View : 0;
            _view += 3;
            _seq += 8;
            context.Send(to, Sign(context, new ViewChange(_view, 0, [], [], me)));
            context.Send(to, Sign(context, new Prepare(view + 2, 1, "x", me)));
            if (farViewsOnly)
            {
                return;
            }

            context.Send(to, Sign(context, new Prepare(view + 1, _seq % 1000, "x", me)));
            context.Send(to, Sign(context, new Prepare(view, _seq, "x", me)));
            context.Send(to, Sign(context, new Checkpoint(_seq, new string('0', 64), me)));
            context.Send(to, Sign(context, new FetchState(0, me)));
        }

        private static object Sign(ByzantineSendContext context, IPbftSigned m) => m.WithSig(context.Sign(m.Unsigned()));
    }

    [Fact(DisplayName = "PBFT state transfer: a faulty replica's made-up state (validly signed, with a real proof) is rejected by its digest; the lagging replica installs the proved state")]
    public void Pbft_ForgedState_IsRejected()
    {
        PbftRun[] runs = [.. Enumerable.Range(1, 6).Select(seed => PbftCluster.Play(
            (ulong)seed, new PbftOptions(Replicas: 6, Faulty: 1, Fault: PbftFault.Equivocate, Operations: 20, CheckpointInterval: 3, Lagging: 3)))];

        Assert.All(runs, r => Assert.Equal(0, r.Observer.Violations));
        Assert.All(runs, r => Assert.Contains(r.Observer.Transfers, t => t.Replica == 3));
        Assert.Contains(runs, r => r.Observer.Rejected.ContainsKey(nameof(StateReply)));
        PbftRun run = runs.First(r => r.Observer.Rejected.ContainsKey(nameof(StateReply)));
        Assert.Contains(Describe(run.Simulation, TraceEventKind.Byzantine), l => l.Contains("StateReply {", StringComparison.Ordinal));
        PbftReplica lagging = (PbftReplica)run.Simulation.GetNode(new NodeId(3))!;
        Assert.DoesNotContain("forged", lagging.Values.Keys);
        PbftReplica other = (PbftReplica)run.Simulation.GetNode(new NodeId(run.Behaviors.ContainsKey(2) ? 4 : 2))!;
        Assert.Equal(other.Snapshot().Digest(), lagging.Snapshot().Digest());
    }

    [Fact(DisplayName = "PBFT checkpoints: the primary cut off after checkpoints forces a view change that starts from a stable checkpoint above 0 (view-changes carry its proof)")]
    public void Pbft_ViewChangeAfterCheckpoints_StartsFromTheStableCheckpoint()
    {
        PbftRun run = PbftCluster.Play(2, new PbftOptions(Replicas: 4, Faulty: 0, Operations: 20, CheckpointInterval: 2, Lagging: 0));

        Assert.True(run.Observer.HighestNewViewStart > 0, $"new views started from {run.Observer.HighestNewViewStart}");
        Assert.Contains(Describe(run.Simulation, TraceEventKind.Send), s => s.Contains("ViewChange {", StringComparison.Ordinal) && s.Contains("Stable = ", StringComparison.Ordinal) && !s.Contains("Stable = 0,", StringComparison.Ordinal));
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
        Assert.Equal(40, run.Completed);
        Assert.True(run.Observer.ExecutedAfterViewChange > 0);
    }

    [Theory(DisplayName = "PBFT fault-free: messages equal 1 + (n-1) + (n-1)^2 + n(n-1) + n a request, and n(n-1) checkpoints every K")]
    [InlineData(4, 29, 8)]
    [InlineData(7, 92, 8)]
    [InlineData(10, 191, 8)]
    [InlineData(4, 29, 5)]
    [InlineData(5, 46, 1)]
    public void Pbft_MessagesPerRequest_EqualThePrediction(int n, long predicted, int interval)
    {
        Assert.Equal(predicted, PbftOptions.PredictedMessagesPerRequest(n));
        PbftRun run = PbftCluster.Play(11, new PbftOptions(Replicas: n, Faulty: 0, Operations: 15, CheckpointInterval: interval));
        Assert.Equal(30, run.Completed);
        Assert.Equal((predicted * 30) + (30 / interval * n * (long)(n - 1)), run.Simulation.Messages.Sent);
        Assert.Equal(PbftOptions.PredictedMessages(n, 30, interval), run.Simulation.Messages.Sent);
        Assert.Equal(run.Simulation.Messages.Sent, run.Observer.MessagesSent);
        Assert.Equal(30 * (n - 1) * (long)(n - 1), run.Observer.Sent["Prepare"]);
        Assert.Equal(30 / interval * n * (long)(n - 1), run.Observer.Sent["Checkpoint"]);
        Assert.Equal(0, run.Observer.ViewChangesSent);
        Assert.Equal(0, run.Observer.StateTransfers);
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(30 / interval * interval, ((PbftReplica)run.Simulation.GetNode(new NodeId(i))!).StableCheckpoint));
    }

    [Fact(DisplayName = "byzantine: same seed, same fingerprint; another seed, another")]
    public void SameSeed_SameFingerprint()
    {
        Assert.Equal(
            PbftCluster.Play(21, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint,
            PbftCluster.Play(21, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint);
        Assert.NotEqual(
            PbftCluster.Play(21, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint,
            PbftCluster.Play(22, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint);
        Assert.Equal(
            RaftLiar.Play(21, RaftLiar.Options(3, 5), liar: true).Simulation.Trace.Fingerprint,
            RaftLiar.Play(21, RaftLiar.Options(3, 5), liar: true).Simulation.Trace.Fingerprint);
    }

    [Fact(DisplayName = "byzantine --sweep 5 --json: one line; Raft with the liar unsafe, PBFT safe, exit 0; --honest makes Raft safe")]
    public void Cli_Json_ReportsBothProtocols()
    {
        (int code, string output, string error) = RunnerCli.Run("byzantine", "--sweep", "5", "--ops", "10", "--json");
        Assert.True(code == 0, error + output);
        Assert.Single(output.TrimEnd().Split('\n'));
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement r = doc.RootElement;
        Assert.True(r.GetProperty("safetyViolations").GetProperty("raft").GetInt64() > 0);
        Assert.Equal(0, r.GetProperty("safetyViolations").GetProperty("pbft").GetInt64());
        Assert.True(r.GetProperty("raft").GetProperty("liarDeviations").GetProperty("byzantineEvents").GetInt64() > 0);
        Assert.Equal(3, r.GetProperty("messagesPerRequest").GetArrayLength());
        Assert.All(r.GetProperty("messagesPerRequest").EnumerateArray(), m => Assert.Equal(m.GetProperty("predicted").GetDouble(), m.GetProperty("measured").GetDouble()));

        (int honestCode, string honest, _) = RunnerCli.Run("byzantine", "--sweep", "5", "--ops", "10", "--honest", "--protocol", "raft", "--json");
        Assert.Equal(0, honestCode);
        using JsonDocument h = JsonDocument.Parse(honest);
        Assert.Equal(0, h.RootElement.GetProperty("safetyViolations").GetProperty("raft").GetInt64());
        Assert.Equal(0, h.RootElement.GetProperty("raft").GetProperty("badRuns").GetInt32());
    }

    [Theory(DisplayName = "byzantine: a bad --checkpoint-interval or --lagging-replica is a usage error naming the option and its value")]
    [InlineData("--checkpoint-interval", "0")]
    [InlineData("--lagging-replica", "4")]
    [InlineData("--lagging-replica", "-1")]
    public void Cli_BadCheckpointOptions_AreUsageErrors(string option, string value)
    {
        (int code, string output, string error) = RunnerCli.Run("byzantine", "--protocol", "pbft", "--honest", option, value);
        Assert.True(code == 2, output + error);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "byzantine --lagging-replica with a Byzantine replica and no quorum left without the lagging one: a usage error; --faulty-primary refuses replica 0")]
    public void Cli_LaggingReplica_NeedsAQuorum()
    {
        (int code, _, string error) = RunnerCli.Run("byzantine", "--protocol", "pbft", "--n", "5", "--lagging-replica", "2");
        Assert.Equal(2, code);
        Assert.Contains("quorum of 4", error, StringComparison.Ordinal);
        (int primary, _, string primaryError) = RunnerCli.Run("byzantine", "--protocol", "pbft", "--n", "6", "--faulty-primary", "--lagging-replica", "0");
        Assert.Equal(2, primary);
        Assert.Contains("--lagging-replica", primaryError, StringComparison.Ordinal);
        Assert.Contains("faulty primary", primaryError, StringComparison.Ordinal);
        (int fine, _, string fineError) = RunnerCli.Run("byzantine", "--protocol", "pbft", "--n", "6", "--faulty-primary", "--lagging-replica", "1", "--ops", "4");
        Assert.True(fine == 0, fineError);
        (int raft, _, string raftError) = RunnerCli.Run("byzantine", "--protocol", "raft", "--checkpoint-interval", "3");
        Assert.Equal(2, raft);
        Assert.Contains("--checkpoint-interval", raftError, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => PbftCluster.Play(1, new PbftOptions(Replicas: 4, Faulty: 1, Lagging: 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PbftCluster.Play(1, new PbftOptions(Replicas: 6, Faulty: 1, FaultyPrimary: true, Lagging: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PbftCluster.Play(1, new PbftOptions(CheckpointInterval: 0)));
    }
}
