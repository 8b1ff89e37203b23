using DistSim.Nodes;

namespace DistSim.Samples.Kubernetes;

/// <summary>
/// The storage node: network-attached storage holding one volume per StatefulSet ordinal (<c>data-web-k</c>) in its
/// durable storage. A write is stored and flushed before it is acknowledged, so a Pod that mounts the volume later —
/// on any node — finds every acknowledged write. It does not fence: any Pod that can reach it may write any volume.
/// </summary>
internal sealed class StorageNode(KubernetesObserver observer) : Node
{
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case VolumeRead r:
                Send(from, new VolumeState(r.Ordinal, r.Uid, Value(r.Ordinal)));
                break;
            case VolumeWrite w:
                long previous = Value(w.Ordinal);
                Storage.PutString(Key(w.Ordinal), w.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Storage.AppendString(Invariant($"{w.Ordinal}:{w.Uid}:{w.Value}"));
                Storage.Flush();
                observer.Stored(w.Ordinal, w.Uid, w.Value, previous);
                Send(from, new VolumeAck(w.Ordinal, w.Uid, w.Value, w.Request));
                break;
        }
    }

    private long Value(int ordinal) =>
        Storage.GetString(Key(ordinal)) is { } s ? long.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static string Key(int ordinal) => Invariant($"data-web-{ordinal}");
}

/// <summary>
/// The Services' load balancer (kube-proxy): routes each Deployment request round-robin over the ready endpoints it last
/// heard of, and each StatefulSet request to the Pod <c>web-k</c> it names; answers <see cref="Unavailable"/> when there
/// is none. It knows only what the endpoints controller told it: a Pod that died is still routed to until then.
/// </summary>
internal sealed class LoadBalancer : Node
{
    private Endpoint[] _endpoints = [];
    private long _next, _version;

    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case EndpointsUpdate u when u.Version > _version: // a watch delivers in order: an older update that overtook is ignored
                _version = u.Version;
                _endpoints = u.Endpoints;
                break;
            case Request r:
                Endpoint[] candidates = r.Workload == Workload.Deployment
                    ? [.. _endpoints.Where(e => e.Pod.Workload == Workload.Deployment)]
                    : [.. _endpoints.Where(e => e.Pod.Workload == Workload.StatefulSet && e.Pod.Ordinal == r.Ordinal)];
                if (candidates.Length == 0)
                {
                    Send(from, new Unavailable(r.Id));
                    break;
                }

                Endpoint target = r.Workload == Workload.Deployment ? candidates[_next++ % candidates.Length] : candidates[^1];
                Send(target.Worker, new Forward(r.Id, target.Pod.Uid, from));
                break;
        }
    }
}

/// <summary>
/// The clients: from 10 s on (once the first Pods are up), every 100 ms one request to each Service that runs (the StatefulSet's cycling over web-0…web-(N−1));
/// counts answers, 503s and silence per workload. Requests are numbered: even ids for the Deployment, odd for the StatefulSet.
/// </summary>
internal sealed class Client(NodeId balancer, KubernetesOptions options) : Node
{
    private readonly HashSet<long> _answered = [];
    private long _round;

    /// <summary>Requests sent, per workload (Deployment, StatefulSet).</summary>
    public long[] Sent { get; } = new long[2];

    /// <summary>Requests answered by a Pod, per workload.</summary>
    public long[] Served { get; } = new long[2];

    /// <summary>Requests answered 503 (no ready endpoint), per workload.</summary>
    public long[] Unavailable { get; } = new long[2];

    /// <summary>Requests never answered at all: lost with a Pod that could not answer.</summary>
    public long Lost(Workload w) => Sent[(int)w] - Served[(int)w] - Unavailable[(int)w];

    /// <summary>Whether the request with this id was answered (by a Pod or with a 503).</summary>
    public bool Answered(long id) => _answered.Contains(id);

    public override void OnStart() => SetTimer(KubernetesOptions.WarmUp); // once every Pod is up

    public override void OnTimer(TimerId timer, object? state)
    {
        if (options.Deployment)
        {
            Sent[0]++;
            Send(balancer, new Request(_round * 2, Workload.Deployment, -1));
        }

        if (options.StatefulSet)
        {
            Sent[1]++;
            Send(balancer, new Request((_round * 2) + 1, Workload.StatefulSet, (int)(_round % options.Replicas)));
        }

        _round++;
        if (LocalNow.SinceStart < options.DurationOrDefault - KubernetesOptions.Drain)
        {
            SetTimer(KubernetesOptions.RequestInterval);
        }
    }

    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case Response r when _answered.Add(r.Id):
                Served[r.Id % 2]++;
                break;
            case Unavailable u when _answered.Add(u.Id):
                Unavailable[u.Id % 2]++;
                break;
        }
    }
}
