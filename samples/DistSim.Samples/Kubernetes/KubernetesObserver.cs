using DistSim.Time;

namespace DistSim.Samples.Kubernetes;

/// <summary>The life of one Pod as it really ran on a worker (ground truth, not the API server's view).</summary>
/// <param name="Spec">The Pod.</param>
/// <param name="Worker">The worker it ran on.</param>
/// <param name="Started">When its containers started.</param>
public sealed record PodLife(PodSpec Spec, int Worker, SimTime Started)
{
    /// <summary>When it stopped (killed by its kubelet, or its worker crashed); null while it runs.</summary>
    public SimTime? Stopped { get; set; }

    /// <summary>When it first answered a client; null if never.</summary>
    public SimTime? FirstServed { get; set; }

    /// <summary>Requests it answered.</summary>
    public long Served { get; set; }

    /// <summary>For a StatefulSet Pod: the counter it loaded from its volume at start; null before it loaded.</summary>
    public long? Loaded { get; set; }
}

/// <summary>One write the storage node stored and flushed.</summary>
/// <param name="At">When.</param>
/// <param name="Ordinal">The volume.</param>
/// <param name="Uid">The writing Pod.</param>
/// <param name="Value">The value written.</param>
/// <param name="Previous">The value it replaced.</param>
public sealed record StoredWrite(SimTime At, int Ordinal, long Uid, long Value, long Previous)
{
    /// <summary>Whether the writer had seen the volume's latest value (it wrote exactly one more); false: it overwrote a write it never saw.</summary>
    public bool Clean => Value == Previous + 1;
}

/// <summary>
/// What really happened in a <c>kubernetes</c> run, fed by the nodes as they act (they run on the simulation's thread, one
/// at a time): Pods started and stopped per worker, first answers, the node controller's decisions, the writes stored.
/// </summary>
/// <param name="clock">The simulation's true time.</param>
public sealed class KubernetesObserver(Func<SimTime> clock)
{
    private readonly List<PodLife> _pods = [];
    private readonly Dictionary<long, PodLife> _byUid = [];
    private readonly SortedDictionary<string, int> _maxPerIdentity = new(StringComparer.Ordinal);

    /// <summary>Every Pod that ran, in start order.</summary>
    public IReadOnlyList<PodLife> Pods => _pods;

    /// <summary>When a worker was marked NotReady: (worker, time), in order.</summary>
    public List<(int Worker, SimTime At)> NotReady { get; } = [];

    /// <summary>When a worker was Ready again after being NotReady.</summary>
    public List<(int Worker, SimTime At)> ReadyAgain { get; } = [];

    /// <summary>Pods evicted (marked for deletion after <c>tolerationSeconds</c>): (Pod, time).</summary>
    public List<(PodSpec Pod, SimTime At)> Evictions { get; } = [];

    /// <summary>Pods force-deleted by the operator: (Pod, time).</summary>
    public List<(PodSpec Pod, SimTime At)> ForceDeletes { get; } = [];

    /// <summary>Pod objects the controllers created: (Pod, time).</summary>
    public List<(PodSpec Pod, SimTime At)> Created { get; } = [];

    /// <summary>The writes the storage node stored, in order.</summary>
    public List<StoredWrite> Writes { get; } = [];

    /// <summary>Per Pod name, the most Pods of that name running at once, in name order.</summary>
    public IReadOnlyDictionary<string, int> MaxPodsPerIdentity => _maxPerIdentity;

    /// <summary>The Pod with this uid, if it ever ran.</summary>
    /// <param name="uid">The uid.</param>
    public PodLife? Find(long uid) => _byUid.GetValueOrDefault(uid);

    /// <summary>A kubelet started a Pod's containers.</summary>
    /// <param name="spec">The Pod.</param>
    /// <param name="worker">The worker.</param>
    public void Started(PodSpec spec, int worker)
    {
        var life = new PodLife(spec, worker, clock());
        _pods.Add(life);
        _byUid.Add(spec.Uid, life);
        int running = _pods.Count(p => p.Stopped is null && p.Spec.Name == spec.Name);
        _maxPerIdentity[spec.Name] = Math.Max(running, _maxPerIdentity.GetValueOrDefault(spec.Name));
    }

    /// <summary>A Pod stopped.</summary>
    /// <param name="uid">The Pod.</param>
    public void Stopped(long uid)
    {
        if (_byUid.TryGetValue(uid, out PodLife? life) && life.Stopped is null)
        {
            life.Stopped = clock();
        }
    }

    /// <summary>A worker crashed: every Pod on it stopped.</summary>
    /// <param name="worker">The worker.</param>
    public void WorkerCrashed(int worker)
    {
        foreach (PodLife p in _pods.Where(p => p.Worker == worker && p.Stopped is null))
        {
            p.Stopped = clock();
        }
    }

    /// <summary>A Pod answered a client.</summary>
    /// <param name="uid">The Pod.</param>
    public void Served(long uid)
    {
        PodLife life = _byUid[uid];
        life.Served++;
        life.FirstServed ??= clock();
    }

    /// <summary>A StatefulSet Pod loaded its volume.</summary>
    /// <param name="uid">The Pod.</param>
    /// <param name="value">The counter it found.</param>
    public void Loaded(long uid, long value) => _byUid[uid].Loaded = value;

    /// <summary>The storage node stored a write.</summary>
    /// <param name="ordinal">The volume.</param>
    /// <param name="uid">The writer.</param>
    /// <param name="value">The value.</param>
    /// <param name="previous">The value it replaced.</param>
    public void Stored(int ordinal, long uid, long value, long previous) => Writes.Add(new StoredWrite(clock(), ordinal, uid, value, previous));

    /// <summary>The node controller marked a worker NotReady.</summary>
    /// <param name="worker">The worker.</param>
    public void MarkedNotReady(int worker) => NotReady.Add((worker, clock()));

    /// <summary>A NotReady worker's heartbeat arrived again.</summary>
    /// <param name="worker">The worker.</param>
    public void MarkedReady(int worker) => ReadyAgain.Add((worker, clock()));

    /// <summary>The taint manager evicted a Pod.</summary>
    /// <param name="pod">The Pod.</param>
    public void Evicted(PodSpec pod) => Evictions.Add((pod, clock()));

    /// <summary>The operator force-deleted a Pod.</summary>
    /// <param name="pod">The Pod.</param>
    public void ForceDeleted(PodSpec pod) => ForceDeletes.Add((pod, clock()));

    /// <summary>A controller created a Pod object.</summary>
    /// <param name="pod">The Pod.</param>
    public void PodCreated(PodSpec pod) => Created.Add((pod, clock()));
}
