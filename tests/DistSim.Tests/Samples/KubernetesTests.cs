using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.Kubernetes;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

public class KubernetesTests
{
    private static readonly TimeSpan Grace = KubernetesOptions.DefaultGrace;

    private static KubernetesRun Play(ulong seed, KubernetesOptions options, bool record = true) =>
        KubernetesCluster.Play(seed, options, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, Runner.Execute([.. args, "--json"], output, new StringWriter()));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    /// <summary>When the control plane last received a heartbeat from worker 0.</summary>
    private static SimTime LastHeartbeat(KubernetesRun run, SimTime before) =>
        run.Simulation.Trace.Events.Last(e => e.Kind == TraceEventKind.Deliver && e.Node == KubernetesRun.ControlPlaneId
            && e.Payload is NodeHeartbeat { Worker: 0 } && e.Time < before).Time;

    [Theory(DisplayName = "kubernetes, worker crash: crash traced, NotReady after the grace period, eviction after tolerationSeconds")]
    [InlineData(300)]
    [InlineData(120)]
    public void Crash_NotReadyAfterGrace_EvictedAfterToleration(int toleration)
    {
        KubernetesRun run = Play(3, new KubernetesOptions(Toleration: TimeSpan.FromSeconds(toleration)));
        SimTime failure = run.FailureAt!.Value;
        TraceEvent crash = Assert.Single(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Crash);
        Assert.Equal(KubernetesRun.Worker(0), crash.Node);
        Assert.Equal(failure, crash.Time);
        Assert.DoesNotContain(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Send && e.Node == KubernetesRun.Worker(0) && e.Time > failure);

        // NotReady once the last heartbeat is older than the grace period, seen at the next 5 s monitor tick.
        (int worker, SimTime notReady) = Assert.Single(run.Observer.NotReady);
        Assert.Equal(0, worker);
        TimeSpan silent = notReady - LastHeartbeat(run, failure);
        Assert.InRange(silent, Grace, Grace + KubernetesOptions.MonitorPeriod + TimeSpan.FromMilliseconds(10));

        // Both Pods on worker 0 (one per workload) evicted tolerationSeconds after NotReady, at the next 1 s controller tick.
        Assert.Equal(2, run.Observer.Evictions.Count);
        Assert.All(run.Observer.Evictions, e => Assert.InRange(e.At - notReady, TimeSpan.FromSeconds(toleration), TimeSpan.FromSeconds(toleration + 1)));
    }

    [Fact(DisplayName = "kubernetes, Deployment: the replacement has a new name and uid, starts with empty memory, and serves ≈ grace + toleration after the crash")]
    public void Deployment_ReplacementHasNewIdentityAndEmptyMemory()
    {
        KubernetesRun run = Play(5, new KubernetesOptions(StatefulSet: false));
        SimTime failure = run.FailureAt!.Value;
        var first = run.Observer.Pods.Where(p => p.Started < failure).ToList();
        Assert.Equal(3, first.Count);
        PodLife dead = Assert.Single(first, p => p.Worker == 0);
        Assert.True(dead.Served > 100); // it had served (and counted) many requests
        PodLife replacement = Assert.Single(run.Observer.Pods, p => p.Started > failure);
        Assert.NotEqual(0, replacement.Worker);
        Assert.DoesNotContain(first, p => p.Spec.Name == replacement.Spec.Name || p.Spec.Uid == replacement.Spec.Uid);

        // Its first answer counts from 1: nothing of the dead Pod's memory.
        Response firstAnswer = run.Simulation.Trace.Events
            .Where(e => e.Kind == TraceEventKind.Deliver && e.Payload is Response r && r.Uid == replacement.Spec.Uid)
            .Select(e => (Response)e.Payload!).First();
        Assert.Equal(1, firstAnswer.Value);
        Assert.Equal(replacement.Spec.Name, firstAnswer.Pod);

        double recovery = run.Deployment!.RecoverySeconds!.Value;
        double expected = (Grace + KubernetesOptions.DefaultToleration).TotalSeconds;
        Assert.InRange(recovery, expected - KubernetesOptions.HeartbeatInterval.TotalSeconds, expected + 10);
        Assert.Equal((replacement.FirstServed!.Value - failure).TotalSeconds, recovery, 6);
    }

    [Fact(DisplayName = "kubernetes, Deployment: requests lost = those routed to the dead Pod until the endpoints update, hand-checked")]
    public void Deployment_RequestsLost_HandChecked()
    {
        KubernetesRun run = Play(11, new KubernetesOptions(StatefulSet: false));
        SimTime failure = run.FailureAt!.Value;
        var events = run.Simulation.Trace.Events;

        // The load balancer's first endpoints update after the failure drops the dead Pod.
        TraceEvent update = events.First(e => e.Kind == TraceEventKind.Deliver && e.Node == KubernetesRun.BalancerId && e.Payload is EndpointsUpdate && e.Time > failure);
        Assert.DoesNotContain(((EndpointsUpdate)update.Payload!).Endpoints, ep => ep.Worker == KubernetesRun.Worker(0));

        // Every request forwarded to worker 0 after the crash is lost, and those are all the lost ones.
        var doomed = events.Where(e => e.Kind == TraceEventKind.Send && e.Node == KubernetesRun.BalancerId && e.Peer == KubernetesRun.Worker(0) && e.Time > failure)
            .Select(e => ((Forward)e.Payload!).Id).ToList();
        Assert.All(events.Where(e => e.Kind == TraceEventKind.Send && e.Node == KubernetesRun.BalancerId && e.Payload is Forward), e => Assert.True(e.Time < update.Time || e.Peer != KubernetesRun.Worker(0)));
        Assert.Equal(doomed.Count, run.Deployment!.Lost);
        Client client = run.Simulation.GetNode<Client>(KubernetesRun.ClientId);
        Assert.All(doomed, id => Assert.False(client.Answered(id)));

        // By hand: a request every 100 ms, round-robin over 3 Pods, so a third of those sent in that window.
        double window = (update.Time - failure).TotalSeconds;
        Assert.InRange(doomed.Count, Math.Floor(window / 0.1 / 3) - 1, Math.Ceiling(window / 0.1 / 3) + 1);
        Assert.Equal(0, run.Deployment.Unavailable); // two Pods always remained
    }

    [Fact(DisplayName = "kubernetes, StatefulSet after a crash: never replaced while the node is unreachable; force-deleted, web-k returns with its identity and its volume's flushed data")]
    public void StatefulSet_KeepsIdentity_RecoversVolume()
    {
        KubernetesRun stuck = Play(2, new KubernetesOptions(Deployment: false));
        Assert.Null(stuck.StatefulSet!.RecoverySeconds);
        Assert.Equal(3, stuck.Observer.Created.Count); // web-0 was never created anew
        Assert.True(stuck.StatefulSet.Unavailable > 2000); // its requests got 503s for the rest of the run

        KubernetesRun run = Play(2, new KubernetesOptions(Deployment: false, ForceDeleteAfter: TimeSpan.FromSeconds(60)));
        SimTime failure = run.FailureAt!.Value;
        PodLife old = Assert.Single(run.Observer.Pods, p => p.Worker == 0 && p.Started < failure);
        PodLife successor = Assert.Single(run.Observer.Pods, p => p.Started > failure);
        Assert.Equal(old.Spec.Name, successor.Spec.Name);
        Assert.NotEqual(old.Spec.Uid, successor.Spec.Uid);
        Assert.NotEqual(0, successor.Worker);

        // It loaded exactly the last write the storage node acknowledged to the dead Pod (flushed before the ack).
        StoredWrite last = run.Observer.Writes.Last(w => w.Uid == old.Spec.Uid);
        Assert.True(last.Value > 50);
        Assert.Equal(last.Value, successor.Loaded);
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Deliver && e.Payload is VolumeState s && s.Uid == successor.Spec.Uid && s.Value == last.Value);
        Assert.Equal(0, run.StatefulSet!.DuplicateIdentities); // the old Pod was really dead
        Assert.Equal(0, run.StatefulSet.ConflictingWrites);
        Assert.InRange(run.StatefulSet.RecoverySeconds!.Value, 330 + 60, 350 + 60);
    }

    [Property(MaxTest = 12, DisplayName = "kubernetes without --force-delete: never two Pods with one identity, whatever the failure, toleration and heal time")]
    public bool WithoutForceDelete_AtMostOnePodPerIdentity(ulong seed, bool partition, byte toleration, byte heal, bool twoWorkers)
    {
        var options = new KubernetesOptions(
            Workers: twoWorkers ? 2 : 3,
            Toleration: TimeSpan.FromSeconds(toleration % 200),
            Failure: partition ? WorkerFailure.Partition : WorkerFailure.Crash,
            HealAfter: partition ? TimeSpan.FromSeconds(20 + heal) : null,
            Duration: TimeSpan.FromSeconds(600));
        KubernetesRun run = Play(seed, options, record: false);
        bool evictedBeforeHeal = toleration % 200 + 45 < 20 + heal;
        SimTime failure = run.FailureAt!.Value;
        var hit = run.Observer.Pods.Where(p => p.Worker == 0 && p.Spec.Workload == Workload.StatefulSet && p.Started < failure).ToList();
        bool replaced = hit.Count > 0 && hit.All(h => run.Observer.Pods.Count(p => p.Spec.Name == h.Spec.Name) == 2); // the replacement path really ran
        bool noneReplaced = hit.All(h => run.Observer.Pods.Count(p => p.Spec.Name == h.Spec.Name) == 1);
        return run.Observer.MaxPodsPerIdentity.Values.All(v => v == 1)
            && run.StatefulSet!.DuplicateIdentities == 0 && run.StatefulSet.ConflictingWrites == 0 && run.StatefulSet.LostUpdates == 0
            && (!partition || !evictedBeforeHeal || replaced) && (partition || noneReplaced);
    }

    [Fact(DisplayName = "kubernetes, partition + --force-delete: two web-0 Pods run at once and both write its volume; detected as conflicting writes and lost updates")]
    public void ForceDelete_UnderPartition_SplitsAnIdentity()
    {
        KubernetesRun run = Play(4, new KubernetesOptions(Deployment: false, Failure: WorkerFailure.Partition, ForceDeleteAfter: TimeSpan.FromSeconds(60), HealAfter: TimeSpan.FromSeconds(600)));
        SimTime failure = run.FailureAt!.Value;
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Partition && e.Time == failure);
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Heal && e.Time == failure + TimeSpan.FromSeconds(600));
        var web0 = run.Observer.Pods.Where(p => p.Spec.Name == "web-0").ToList();
        Assert.Equal(2, web0.Count);
        (PodLife old, PodLife twin) = (web0[0], web0[1]);
        Assert.True(old.Stopped > twin.Started); // both ran at once
        Assert.Equal(2, run.Observer.MaxPodsPerIdentity["web-0"]);
        Assert.Equal(1, run.StatefulSet!.DuplicateIdentities);

        // Both wrote volume 0 while both ran, interleaved at the storage node.
        var overlap = run.Observer.Writes.Where(w => w.Ordinal == 0 && w.At > twin.Started && w.At < old.Stopped).ToList();
        Assert.Contains(overlap, w => w.Uid == old.Spec.Uid);
        Assert.Contains(overlap, w => w.Uid == twin.Spec.Uid);
        Assert.True(run.StatefulSet.ConflictingWrites > 100);
        Assert.True(run.StatefulSet.LostUpdates > 50);
        Assert.All(run.Observer.Writes.Where(w => w.Ordinal != 0), w => Assert.True(w.Clean)); // the other volumes are fine
    }

    [Fact(DisplayName = "kubernetes, partition without --force-delete: web-0 waits for the node to return (≈ heal time)")]
    public void Partition_StatefulSetWaitsForHeal()
    {
        JsonElement json = Json("kubernetes", "--workload", "statefulset", "--failure", "partition", "--heal-after", "500");
        JsonElement sts = json.GetProperty("statefulset");
        Assert.InRange(sts.GetProperty("recoverySeconds").GetProperty("mean").GetDouble(), 500, 515);
        Assert.Equal(0, sts.GetProperty("duplicateIdentities").GetInt32());
        Assert.Equal(0, sts.GetProperty("conflictingWrites").GetInt32());
        Assert.True(sts.GetProperty("requestsLost").GetInt64() > 50);
    }

    [Fact(DisplayName = "kubernetes --sweep: per-workload means with confidence intervals; same seed, same fingerprint")]
    public void Sweep_ReportsIntervals_Deterministic()
    {
        JsonElement a = Json("kubernetes", "--sweep", "6", "--duration", "500", "--toleration-seconds", "100");
        JsonElement b = Json("kubernetes", "--sweep", "6", "--duration", "500", "--toleration-seconds", "100");
        Assert.Equal(a.GetProperty("fingerprint").GetString(), b.GetProperty("fingerprint").GetString());
        JsonElement recovery = a.GetProperty("deployment").GetProperty("recoverySeconds");
        Assert.Equal(6, recovery.GetProperty("count").GetInt32());
        Assert.InRange(recovery.GetProperty("mean").GetDouble(), 130, 150);
        Assert.True(recovery.GetProperty("low").GetDouble() < recovery.GetProperty("high").GetDouble());
        Assert.Equal(JsonValueKind.Object, a.GetProperty("deployment").GetProperty("requestsLostPerRun").ValueKind);
        Assert.Equal(JsonValueKind.Null, a.GetProperty("statefulset").GetProperty("recoverySeconds").ValueKind);
        Assert.True(a.GetProperty("statistics").TryGetProperty("deployment.requestsLost", out _));
        Assert.NotEqual(a.GetProperty("fingerprint").GetString(), Json("kubernetes", "--seed", "2", "--sweep", "6", "--duration", "500", "--toleration-seconds", "100").GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void BadOptions_AreUsageErrors()
    {
        var error = new StringWriter();
        Assert.Equal(2, Runner.Execute(["kubernetes", "--heal-after", "100"], new StringWriter(), error));
        Assert.Contains("--heal-after", error.ToString());
        Assert.Equal(2, Runner.Execute(["kubernetes", "--force-delete-after", "10"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, Runner.Execute(["kubernetes", "--workload", "daemonset"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, Runner.Execute(["kubernetes", "--replicas", "0"], new StringWriter(), new StringWriter()));
    }
}
