using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Samples.Cli;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.Kubernetes;

/// <summary>What one workload went through in a run.</summary>
/// <param name="Sent">Requests the clients sent to its Service.</param>
/// <param name="Served">Requests a Pod answered.</param>
/// <param name="Lost">Requests never answered: routed to a Pod that could not answer (dead, or behind the partition).</param>
/// <param name="Unavailable">Requests answered 503: the Service had no ready endpoint.</param>
/// <param name="RecoverySeconds">From the worker's failure until every Pod lost with it had a replacement answering clients; null if that never happened in the run (or nothing was lost).</param>
/// <param name="PodsCreated">Pod objects its controller created, the first ones included.</param>
/// <param name="Identities">Distinct Pod names that ran.</param>
/// <param name="Evictions">Its Pods evicted after <c>tolerationSeconds</c>.</param>
/// <param name="ForceDeletes">Its Pods force-deleted by the operator.</param>
/// <param name="DuplicateIdentities">Names under which two or more Pods ran at the same time.</param>
/// <param name="MaxPodsPerIdentity">The most Pods running at once under one name.</param>
/// <param name="Writes">Writes stored on its volumes (StatefulSet).</param>
/// <param name="ConflictingWrites">Writes that overwrote a value their writer had never seen (the writer did not write exactly the stored value + 1).</param>
/// <param name="LostUpdates">Increments stored but missing from the volumes' final counters.</param>
public sealed record WorkloadResult(
    long Sent, long Served, long Lost, long Unavailable, double? RecoverySeconds, int PodsCreated, int Identities, int Evictions, int ForceDeletes,
    int DuplicateIdentities, int MaxPodsPerIdentity, int Writes, int ConflictingWrites, long LostUpdates);

/// <summary>One run of <c>kubernetes</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Options">The options.</param>
/// <param name="Observer">What really happened.</param>
/// <param name="FailureAt">When worker 0 failed (null: <c>--failure none</c>).</param>
/// <param name="Deployment">The Deployment's figures; null when it did not run.</param>
/// <param name="StatefulSet">The StatefulSet's figures; null when it did not run.</param>
public sealed record KubernetesRun(
    Simulation Simulation, RunResult Run, KubernetesOptions Options, KubernetesObserver Observer, SimTime? FailureAt,
    WorkloadResult? Deployment, WorkloadResult? StatefulSet) : IScenarioRun
{
    /// <summary>The control plane's node id.</summary>
    public static readonly NodeId ControlPlaneId = new(0);

    /// <summary>The load balancer's node id.</summary>
    public static readonly NodeId BalancerId = new(1);

    /// <summary>The storage node's id.</summary>
    public static readonly NodeId StorageId = new(2);

    /// <summary>The clients' node id.</summary>
    public static readonly NodeId ClientId = new(3);

    /// <summary>Worker <paramref name="index"/>'s node id; worker 0 is the one that fails.</summary>
    /// <param name="index">The worker's index.</param>
    public static NodeId Worker(int index) => new(4 + index);
}

/// <summary>Builds and plays one <c>kubernetes</c> run.</summary>
public static class KubernetesCluster
{
    /// <summary>Plays one run.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The options.</param>
    /// <param name="settings">Tracing and limits.</param>
    public static KubernetesRun Play(ulong seed, KubernetesOptions options, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
        }));
        var observer = new KubernetesObserver(() => simulation.Now);
        NodeId[] workers = [.. Enumerable.Range(0, options.Workers).Select(KubernetesRun.Worker)];
        simulation.AddNode("control-plane", () => new ControlPlane(options, workers, KubernetesRun.BalancerId, observer));
        simulation.AddNode("load-balancer", () => new LoadBalancer());
        simulation.AddNode("storage", () => new StorageNode(observer));
        simulation.AddNode("client", () => new Client(KubernetesRun.BalancerId, options));
        for (int i = 0; i < options.Workers; i++)
        {
            int index = i;
            simulation.AddNode(Invariant($"worker-{i}"), () => new Kubelet(index, KubernetesRun.ControlPlaneId, KubernetesRun.StorageId, observer), FailureModels.CrashStop);
        }

        SimTime? failureAt = null;
        if (options.Failure != WorkerFailure.None)
        {
            RandomStream draw = StreamSeed.Create(seed, "scenario:failure-time");
            SimTime at = SimTime.FromStart(KubernetesOptions.FailureAtMin + TimeSpan.FromMilliseconds((long)draw.NextBelow(60_000)));
            failureAt = at;
            simulation.At(at, () => Fail(simulation, observer, options, workers));
            if (options.Failure == WorkerFailure.Partition && options.HealAfter is { } heal)
            {
                simulation.At(at + heal, () => simulation.Network.Heal());
            }
        }

        RunResult run = simulation.RunUntil(SimTime.FromStart(options.DurationOrDefault));
        Client client = simulation.GetNode<Client>(KubernetesRun.ClientId);
        return new KubernetesRun(
            simulation, run, options, observer, failureAt,
            options.Deployment ? Result(Workload.Deployment, client, observer, failureAt) : null,
            options.StatefulSet ? Result(Workload.StatefulSet, client, observer, failureAt) : null);
    }

    private static void Fail(Simulation simulation, KubernetesObserver observer, KubernetesOptions options, NodeId[] workers)
    {
        NodeId failed = workers[0];
        if (options.Failure == WorkerFailure.Crash)
        {
            simulation.Crash(failed);
            observer.WorkerCrashed(0);
            return;
        }

        // The node network is cut both ways; the storage network (to the storage node) stays up.
        foreach (NodeId other in simulation.Nodes.Where(n => n != failed && n != KubernetesRun.StorageId))
        {
            simulation.Network.Cut(failed, other);
            simulation.Network.Cut(other, failed);
        }
    }

    private static WorkloadResult Result(Workload workload, Client client, KubernetesObserver observer, SimTime? failureAt)
    {
        var pods = observer.Pods.Where(p => p.Spec.Workload == workload).ToList();
        var maxima = observer.MaxPodsPerIdentity.Where(kv => pods.Any(p => p.Spec.Name == kv.Key)).Select(kv => kv.Value).ToList();
        var writes = workload == Workload.StatefulSet ? observer.Writes : [];
        long lostUpdates = writes.GroupBy(w => w.Ordinal).Sum(g => g.Count() - g.Last().Value);
        return new WorkloadResult(
            client.Sent[(int)workload], client.Served[(int)workload], client.Lost(workload), client.Unavailable[(int)workload],
            Recovery(pods, failureAt, workload),
            observer.Created.Count(c => c.Pod.Workload == workload),
            pods.Select(p => p.Spec.Name).Distinct(StringComparer.Ordinal).Count(),
            observer.Evictions.Count(e => e.Pod.Workload == workload),
            observer.ForceDeletes.Count(e => e.Pod.Workload == workload),
            maxima.Count(m => m > 1),
            maxima.Count == 0 ? 0 : maxima.Max(),
            writes.Count,
            writes.Count(w => !w.Clean),
            lostUpdates);
    }

    /// <summary>
    /// From the failure until every Pod that was running on worker 0 has a replacement (Deployment: any new Pod; StatefulSet:
    /// a new Pod with the same name) that answered a client; null if some never had one, or the failure hit none.
    /// </summary>
    private static double? Recovery(List<PodLife> pods, SimTime? failureAt, Workload workload)
    {
        if (failureAt is not { } at)
        {
            return null;
        }

        var hit = pods.Where(p => p.Worker == 0 && p.Started <= at && (p.Stopped is null || p.Stopped >= at)).ToList();
        if (hit.Count == 0)
        {
            return null;
        }

        var fresh = pods.Where(p => p.Started > at && p.FirstServed is not null).ToList();
        SimTime latest = at;
        for (int i = 0; i < hit.Count; i++)
        {
            PodLife? replacement = workload == Workload.Deployment
                ? fresh.OrderBy(p => p.FirstServed).Skip(i).FirstOrDefault()
                : fresh.Where(p => p.Spec.Name == hit[i].Spec.Name).OrderBy(p => p.FirstServed).FirstOrDefault();
            if (replacement?.FirstServed is not { } served)
            {
                return null;
            }

            latest = served > latest ? served : latest;
        }

        return (latest - at).TotalSeconds;
    }
}
