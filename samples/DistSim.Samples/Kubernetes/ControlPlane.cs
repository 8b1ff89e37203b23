using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Samples.Kubernetes;

/// <summary>
/// The control plane as one node: the API server's objects (Nodes, Pods) and the loops that act on them — the node
/// lifecycle controller (NotReady after the grace period without a heartbeat; the node's Pods marked not ready), taint-based
/// eviction after <c>tolerationSeconds</c>, the ReplicaSet and StatefulSet controllers, the scheduler, the endpoints
/// controller, and (with <c>--force-delete</c>) the operator who force-deletes Pods stuck terminating on an unreachable node.
/// </summary>
internal sealed class ControlPlane(KubernetesOptions options, NodeId[] workers, NodeId balancer, KubernetesObserver observer) : Node
{
    private readonly List<PodObject> _pods = [];
    private SimTime[] _lastHeartbeat = [];
    private bool[] _ready = [];
    private SimTime?[] _notReadySince = [];
    private long _nextUid = 1, _endpointsVersion;
    private string _published = string.Empty;

    public override void OnStart()
    {
        _lastHeartbeat = new SimTime[workers.Length];
        _ready = Enumerable.Repeat(true, workers.Length).ToArray();
        _notReadySince = new SimTime?[workers.Length];
        for (int i = 0; i < workers.Length; i++)
        {
            _lastHeartbeat[i] = LocalNow;
        }

        Reconcile();
        SetTimer(KubernetesOptions.MonitorPeriod, "monitor");
        SetTimer(KubernetesOptions.ReconcilePeriod, "reconcile");
    }

    public override void OnTimer(TimerId timer, object? state)
    {
        if (state is "monitor")
        {
            MonitorNodes();
            SetTimer(KubernetesOptions.MonitorPeriod, "monitor");
        }
        else
        {
            Reconcile();
            SetTimer(KubernetesOptions.ReconcilePeriod, "reconcile");
        }
    }

    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case NodeHeartbeat h:
                OnHeartbeat(h);
                break;
            case PodReady r when Find(r.Uid) is { } pod:
                pod.Ready = true;
                PublishEndpoints();
                break;
            case PodGone g when Find(g.Uid) is { } pod:
                _pods.Remove(pod); // the kubelet confirmed: the object goes, and a StatefulSet may reuse the name
                Reconcile();
                break;
        }
    }

    private void OnHeartbeat(NodeHeartbeat h)
    {
        int w = h.Worker;
        _lastHeartbeat[w] = LocalNow;
        if (!_ready[w])
        {
            _ready[w] = true;
            _notReadySince[w] = null;
            observer.MarkedReady(w);
        }

        for (int i = 0; i < h.Running.Length; i++)
        {
            PodObject? pod = Find(h.Running[i]);
            if (pod is null || pod.Worker != w)
            {
                Send(workers[w], new KillPod(h.Running[i])); // force-deleted while the node was away: the kubelet must stop it
            }
            else if (pod.Terminating is not null)
            {
                Send(workers[w], new KillPod(pod.Spec.Uid));
            }
            else
            {
                pod.Ready = h.Ready[i];
            }
        }

        foreach (PodObject pod in _pods.Where(p => p.Worker == w && p.Terminating is null && Array.IndexOf(h.Running, p.Spec.Uid) < 0))
        {
            Send(workers[w], new RunPod(pod.Spec)); // the kubelet does not run it (yet): tell it again
        }

        PublishEndpoints();
    }

    /// <summary>The node lifecycle controller: a node silent for longer than the grace period is NotReady, and its Pods are not ready.</summary>
    private void MonitorNodes()
    {
        for (int w = 0; w < workers.Length; w++)
        {
            if (_ready[w] && LocalNow - _lastHeartbeat[w] > options.GraceOrDefault)
            {
                _ready[w] = false;
                _notReadySince[w] = LocalNow; // the unreachable taint, with its time
                observer.MarkedNotReady(w);
                foreach (PodObject pod in _pods.Where(p => p.Worker == w))
                {
                    pod.Ready = false;
                }
            }
        }

        PublishEndpoints();
    }

    private void Reconcile()
    {
        SimTime now = LocalNow;
        foreach (PodObject pod in _pods.ToList())
        {
            if (pod.Worker is not { } w || _ready[w])
            {
                continue;
            }

            if (pod.Terminating is null && _notReadySince[w] is { } since && now - since >= options.TolerationOrDefault)
            {
                pod.Terminating = now; // taint-based eviction: the Pod is deleted gracefully; the kubelet must confirm
                pod.Ready = false;
                observer.Evicted(pod.Spec);
                Send(workers[w], new KillPod(pod.Spec.Uid));
            }
            else if (pod.Terminating is { } t && options.ForceDeleteAfter is { } after && now - t >= after)
            {
                _pods.Remove(pod); // force delete: the object is gone at once, whatever still runs on the node
                observer.ForceDeleted(pod.Spec);
            }
        }

        if (options.Deployment)
        {
            // The ReplicaSet controller: terminating Pods do not count; a replacement gets a new name and uid.
            int active = _pods.Count(p => p.Spec.Workload == Workload.Deployment && p.Terminating is null);
            for (; active < options.Replicas; active++)
            {
                long uid = _nextUid++;
                Create(new PodSpec(uid, Invariant($"api-{(uid * 0x9E3779B1L) & 0xFFFFF:x5}"), Workload.Deployment, -1));
            }
        }

        if (options.StatefulSet)
        {
            // The StatefulSet controller: web-k is created only when no Pod object named web-k exists, terminating or not.
            for (int k = 0; k < options.Replicas; k++)
            {
                if (!_pods.Any(p => p.Spec.Workload == Workload.StatefulSet && p.Spec.Ordinal == k))
                {
                    Create(new PodSpec(_nextUid++, Invariant($"web-{k}"), Workload.StatefulSet, k));
                }
            }
        }

        Schedule();
        PublishEndpoints();
    }

    private void Create(PodSpec spec)
    {
        _pods.Add(new PodObject(spec));
        observer.PodCreated(spec);
    }

    /// <summary>The scheduler: each unscheduled Pod to the Ready worker with the fewest Pods (the lowest index on a tie).</summary>
    private void Schedule()
    {
        foreach (PodObject pod in _pods.Where(p => p.Worker is null))
        {
            int best = -1, bestLoad = int.MaxValue;
            for (int w = 0; w < workers.Length; w++)
            {
                int load = _pods.Count(p => p.Worker == w && p.Terminating is null);
                if (_ready[w] && load < bestLoad)
                {
                    (best, bestLoad) = (w, load);
                }
            }

            if (best >= 0)
            {
                pod.Worker = best;
                Send(workers[best], new RunPod(pod.Spec));
            }
        }
    }

    /// <summary>The endpoints controller: the ready Pods on Ready nodes, sent to the load balancer when they change.</summary>
    private void PublishEndpoints()
    {
        Endpoint[] endpoints = _pods
            .Where(p => p.Ready && p.Terminating is null && p.Worker is { } w && _ready[w])
            .OrderBy(p => p.Spec.Uid)
            .Select(p => new Endpoint(p.Spec, workers[p.Worker!.Value]))
            .ToArray();
        string key = string.Join(",", endpoints.Select(e => e.Pod.Uid));
        if (key != _published)
        {
            _published = key;
            Send(balancer, new EndpointsUpdate(++_endpointsVersion, endpoints));
        }
    }

    private PodObject? Find(long uid) => _pods.FirstOrDefault(p => p.Spec.Uid == uid);

    /// <summary>A Pod object in the API server.</summary>
    private sealed class PodObject(PodSpec spec)
    {
        public PodSpec Spec { get; } = spec;

        public int? Worker { get; set; }

        public bool Ready { get; set; }

        public SimTime? Terminating { get; set; }
    }
}
