using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Sweeps;

namespace DistSim.Samples.Kubernetes;

/// <summary>What a sweep keeps of one <c>kubernetes</c> run (and a shard writes).</summary>
/// <param name="Deployment">The Deployment's figures, or null.</param>
/// <param name="StatefulSet">The StatefulSet's figures, or null.</param>
/// <param name="NotReadySeconds">From the failure until the node controller marked worker 0 NotReady; null if it never did.</param>
/// <param name="EvictionSeconds">From the failure until the first eviction of a Pod on it; null if none.</param>
public sealed record KubernetesRecord(WorkloadResult? Deployment, WorkloadResult? StatefulSet, double? NotReadySeconds, double? EvictionSeconds)
{
    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static KubernetesRecord Of(KubernetesRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        double? Since(Time.SimTime? t) => t is { } at && r.FailureAt is { } f ? (at - f).TotalSeconds : null;
        Time.SimTime? notReady = r.Observer.NotReady.Where(n => n.Worker == 0).Select(n => (Time.SimTime?)n.At).FirstOrDefault();
        Time.SimTime? evicted = r.Observer.Evictions.Select(e => (Time.SimTime?)e.At).FirstOrDefault();
        return new(r.Deployment, r.StatefulSet, Since(notReady), Since(evicted));
    }
}

/// <summary>
/// The <c>kubernetes</c> scenario: a small model of the control plane (API server, node lifecycle controller, taint-based
/// eviction, ReplicaSet and StatefulSet controllers, scheduler, endpoints) with kubelets heartbeating it, Pods as actors on
/// worker nodes, a load balancer and clients. Worker 0 crashes or is partitioned away; the Deployment's Pod is replaced
/// after the grace period plus <c>tolerationSeconds</c> by a new Pod with empty memory; the StatefulSet's Pod keeps its
/// identity and waits for the node, unless <c>--force-delete</c>, which can run two Pods of one identity on one volume.
/// See <c>docs/samples/kubernetes.md</c>.
/// </summary>
public sealed class KubernetesScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "kubernetes";

    /// <inheritdoc />
    public string Summary => "a worker fails under a Deployment and a StatefulSet: requests lost, recovery after grace + tolerationSeconds, --force-delete splits an identity";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("workload", "W", "deployment, statefulset or both", "both"),
        new("replicas", "N", "Pods of each workload (1-20)", "3"),
        new("workers", "N", "worker nodes (2-20); worker 0 fails", "3"),
        new("failure", "F", "how worker 0 fails, at a seeded time in [60 s, 120 s]: crash (crash-stop), partition (cut from the cluster, storage still reachable) or none", "crash"),
        new("grace-period", "S", "node-monitor grace period in seconds: NotReady after this long without a heartbeat", "40"),
        new("toleration-seconds", "S", "tolerationSeconds of the not-ready/unreachable taints: eviction this long after NotReady", "300"),
        new("force-delete", null, "the operator force-deletes Pods stuck terminating on the unreachable node (see --force-delete-after)"),
        new("force-delete-after", "S", "with --force-delete: seconds after the eviction", "60"),
        new("heal-after", "S", "with --failure partition: the partition heals S seconds after it began ('never': it does not)", "600"),
        new("duration", "S", "seconds the system runs (the clients stop 10 s before)", "1200"),
    ];

    /// <summary>Reads the options.</summary>
    /// <param name="args">The parsed options.</param>
    public static KubernetesOptions Parse(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string workload = args.GetChoice("workload", "both", "deployment", "statefulset", "both");
        WorkerFailure failure = args.GetChoice("failure", "crash", "crash", "partition", "none") switch
        {
            "crash" => WorkerFailure.Crash,
            "partition" => WorkerFailure.Partition,
            _ => WorkerFailure.None,
        };
        args.RejectUnless("force-delete-after", args.Has("force-delete"), "only with --force-delete");
        args.RejectUnless("heal-after", failure == WorkerFailure.Partition, "only with --failure partition (a crashed worker never returns)");
        string heal = args.GetString("heal-after", "600");
        TimeSpan? healAfter = heal == "never" ? null : Seconds(args, "heal-after", 600, 1);
        int duration = args.GetInt("duration", 1200, min: 140, max: 1_000_000);
        return new KubernetesOptions(
            Deployment: workload != "statefulset",
            StatefulSet: workload != "deployment",
            Replicas: args.GetInt("replicas", 3, min: 1, max: 20),
            Workers: args.GetInt("workers", 3, min: 2, max: 20),
            Grace: Seconds(args, "grace-period", 40, 1),
            Toleration: Seconds(args, "toleration-seconds", 300, 0),
            Failure: failure,
            ForceDeleteAfter: args.Has("force-delete") ? Seconds(args, "force-delete-after", 60, 0) : null,
            HealAfter: failure == WorkerFailure.Partition ? healAfter : null,
            Duration: TimeSpan.FromSeconds(duration));
    }

    private static TimeSpan Seconds(ScenarioArgs args, string name, int fallback, int min) =>
        TimeSpan.FromSeconds(args.GetInt(name, fallback, min, max: 1_000_000));

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        KubernetesOptions o = Parse(args);
        var deployment = new WorkloadTally("deployment");
        var statefulSet = new WorkloadTally("statefulset");
        var metrics = new SweepStatistics();
        var notReady = new SweepStatistics();
        RunSummary summary = Sweep.Fold(args, (seed, settings) => KubernetesCluster.Play(seed, o, settings), KubernetesRecord.Of, (_, r) =>
        {
            deployment.Add(r.Deployment, metrics);
            statefulSet.Add(r.StatefulSet, metrics);
            if (r.NotReadySeconds is { } n)
            {
                notReady.Add("notReadyAfterSeconds", n);
            }

            if (r.EvictionSeconds is { } e)
            {
                notReady.Add("evictedAfterSeconds", e);
            }
        }, out _);
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary, metrics);
                json.WriteString("workload", o.Deployment && o.StatefulSet ? "both" : o.Deployment ? "deployment" : "statefulset");
                json.WriteNumber("replicas", o.Replicas);
                json.WriteNumber("workers", o.Workers);
                json.WriteString("failure", o.Failure.ToString().ToLowerInvariant());
                json.WriteNumber("gracePeriodSeconds", o.GraceOrDefault.TotalSeconds);
                json.WriteNumber("tolerationSeconds", o.TolerationOrDefault.TotalSeconds);
                json.WriteBoolean("forceDelete", o.ForceDeleteAfter is not null);
                WriteSeconds(json, "forceDeleteAfterSeconds", o.ForceDeleteAfter);
                WriteSeconds(json, "healAfterSeconds", o.HealAfter);
                json.WriteNumber("durationSeconds", o.DurationOrDefault.TotalSeconds);
                json.WriteNumber("runs", summary.Runs);
                WorkloadTally.WriteMean(json, "notReadyAfterSeconds", notReady);
                WorkloadTally.WriteMean(json, "evictedAfterSeconds", notReady);
                if (o.Deployment)
                {
                    deployment.Write(json);
                }

                if (o.StatefulSet)
                {
                    statefulSet.Write(json);
                }
            }));
            return summary.ExitCode;
        }

        string heal = o.Failure != WorkerFailure.Partition ? string.Empty : o.HealAfter is { } h ? Invariant($", healing after {h.TotalSeconds:0} s") : ", never healing";
        string force = o.ForceDeleteAfter is { } f ? Invariant($"; the operator force-deletes {f.TotalSeconds:0} s after eviction") : string.Empty;
        output.WriteLine(Invariant($"kubernetes: {summary.Runs} run(s) of {o.DurationOrDefault.TotalSeconds:0} s, {o.Workers} workers, {o.Replicas} replicas per workload; worker 0 fails by {o.Failure.ToString().ToLowerInvariant()}{heal}; grace period {o.GraceOrDefault.TotalSeconds:0} s, tolerationSeconds {o.TolerationOrDefault.TotalSeconds:0}{force}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine("  after the failure: " + WorkloadTally.MeanText("NotReady", notReady, "notReadyAfterSeconds", " s") + "; " + WorkloadTally.MeanText("first eviction", notReady, "evictedAfterSeconds", " s"));
        if (o.Deployment)
        {
            deployment.WriteText(output);
        }

        if (o.StatefulSet)
        {
            statefulSet.WriteText(output);
        }

        Report.WriteStatistics(output, summary, metrics);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }

    private static void WriteSeconds(Utf8JsonWriter json, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v.TotalSeconds);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
