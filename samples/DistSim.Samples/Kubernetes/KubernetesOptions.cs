namespace DistSim.Samples.Kubernetes;

/// <summary>How the chosen worker fails.</summary>
public enum WorkerFailure
{
    /// <summary>No failure (a baseline).</summary>
    None,

    /// <summary>Crash-stop: the worker and its Pods die and never come back.</summary>
    Crash,

    /// <summary>The worker is cut off from the control plane, the load balancer, the clients and the other workers; its Pods keep running and still reach the storage network. Heals after <see cref="KubernetesOptions.HealAfter"/>.</summary>
    Partition,
}

/// <summary>The options of one <c>kubernetes</c> run.</summary>
/// <param name="Deployment">Whether the Deployment runs.</param>
/// <param name="StatefulSet">Whether the StatefulSet runs.</param>
/// <param name="Replicas">Pods of each workload.</param>
/// <param name="Workers">Worker nodes.</param>
/// <param name="Grace">The node controller's node-monitor grace period.</param>
/// <param name="Toleration">The Pods' <c>tolerationSeconds</c> for the not-ready/unreachable taints.</param>
/// <param name="Failure">How worker 0 fails.</param>
/// <param name="ForceDeleteAfter">When set: the operator force-deletes a Pod stuck terminating on an unreachable node this long after its eviction.</param>
/// <param name="HealAfter">A partition heals this long after it began; null: never.</param>
/// <param name="Duration">How long the system runs.</param>
public sealed record KubernetesOptions(
    bool Deployment = true,
    bool StatefulSet = true,
    int Replicas = 3,
    int Workers = 3,
    TimeSpan? Grace = null,
    TimeSpan? Toleration = null,
    WorkerFailure Failure = WorkerFailure.Crash,
    TimeSpan? ForceDeleteAfter = null,
    TimeSpan? HealAfter = null,
    TimeSpan? Duration = null)
{
    /// <summary>The default node-monitor grace period: 40 s.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(40);

    /// <summary>The default <c>tolerationSeconds</c>: 300 s.</summary>
    public static readonly TimeSpan DefaultToleration = TimeSpan.FromSeconds(300);

    /// <summary>The default run length: 1200 s.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(1200);

    /// <summary>The kubelet's node-status update frequency: 10 s.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>The node controller's monitor period: 5 s.</summary>
    public static readonly TimeSpan MonitorPeriod = TimeSpan.FromSeconds(5);

    /// <summary>The other controllers' resync period: 1 s.</summary>
    public static readonly TimeSpan ReconcilePeriod = TimeSpan.FromSeconds(1);

    /// <summary>From <c>RunPod</c> to the containers running (image pulled, process up): 2 s.</summary>
    public static readonly TimeSpan PodStartup = TimeSpan.FromSeconds(2);

    /// <summary>The clients send one request to each Service every 100 ms.</summary>
    public static readonly TimeSpan RequestInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The clients start sending after this warm-up, when the first Pods are up: 10 s.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    /// <summary>A StatefulSet Pod's background job writes one increment to its volume every second.</summary>
    public static readonly TimeSpan BackgroundInterval = TimeSpan.FromSeconds(1);

    /// <summary>The earliest failure of the worker; the latest is 60 s later (drawn from the seed).</summary>
    public static readonly TimeSpan FailureAtMin = TimeSpan.FromSeconds(60);

    /// <summary>The clients stop this long before the end, so every request still in flight is answered or lost for good.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);

    /// <summary>The node-monitor grace period in force.</summary>
    public TimeSpan GraceOrDefault => Grace ?? DefaultGrace;

    /// <summary>The toleration in force.</summary>
    public TimeSpan TolerationOrDefault => Toleration ?? DefaultToleration;

    /// <summary>The run length in force.</summary>
    public TimeSpan DurationOrDefault => Duration ?? DefaultDuration;
}
