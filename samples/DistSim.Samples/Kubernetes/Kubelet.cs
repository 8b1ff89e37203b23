using DistSim.Nodes;

namespace DistSim.Samples.Kubernetes;

/// <summary>
/// A worker node's kubelet, hosting its Pods as actors in its memory (a crash of the worker kills them all): runs and
/// stops Pods as the API server says, reports node status every 10 s, and hands each Pod its messages and timers.
/// A kubelet that cannot reach the API server keeps its Pods running, as a real one does.
/// </summary>
internal sealed class Kubelet(int index, NodeId controlPlane, NodeId storage, KubernetesObserver observer) : Node, IPodHost
{
    private readonly SortedDictionary<long, Pod> _pods = [];

    NodeId IPodHost.Storage => storage;

    public override void OnStart()
    {
        // Each kubelet's status loop has its own phase in the 10 s period (drawn from the seed).
        SetTimer(TimeSpan.FromTicks((long)Random.NextBelow((ulong)KubernetesOptions.HeartbeatInterval.Ticks) + 1), "heartbeat");
    }

    public override void OnTimer(TimerId timer, object? state)
    {
        switch (state)
        {
            case "heartbeat":
                long[] running = [.. _pods.Keys];
                Send(controlPlane, new NodeHeartbeat(index, running, [.. running.Select(u => _pods[u].Ready)]));
                SetTimer(KubernetesOptions.HeartbeatInterval, "heartbeat");
                break;
            case PodTimer t when _pods.TryGetValue(t.Uid, out Pod? pod):
                pod.OnTimer(t.What);
                break;
        }
    }

    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case RunPod r when !_pods.ContainsKey(r.Pod.Uid):
                _pods.Add(r.Pod.Uid, r.Pod.Workload == Workload.Deployment ? new StatelessPod(r.Pod, this) : new StatefulPod(r.Pod, this));
                observer.Started(r.Pod, index);
                SetTimer(KubernetesOptions.PodStartup, new PodTimer(r.Pod.Uid, "start"));
                break;
            case KillPod k:
                if (_pods.Remove(k.Uid))
                {
                    observer.Stopped(k.Uid);
                }

                Send(controlPlane, new PodGone(k.Uid)); // confirmed gone (also for a Pod it never ran)
                break;
            case Forward f when _pods.TryGetValue(f.Uid, out Pod? pod):
                pod.OnRequest(f);
                break;
            case VolumeState s when _pods.TryGetValue(s.Uid, out Pod? pod):
                ((StatefulPod)pod).OnLoaded(s);
                break;
            case VolumeAck a when _pods.TryGetValue(a.Uid, out Pod? pod):
                ((StatefulPod)pod).OnAck(a);
                break;
        }
    }

    void IPodHost.Send(NodeId to, object message) => Send(to, message);

    void IPodHost.SetTimer(TimeSpan delay, long uid, string what) => SetTimer(delay, new PodTimer(uid, what));

    void IPodHost.Ready(long uid) => Send(controlPlane, new PodReady(uid));

    void IPodHost.Served(long uid) => observer.Served(uid);

    void IPodHost.Loaded(long uid, long value) => observer.Loaded(uid, value);

    /// <summary>A Pod's timer, as the kubelet's timer state.</summary>
    /// <param name="Uid">The Pod.</param>
    /// <param name="What">Which of its timers.</param>
    internal sealed record PodTimer(long Uid, string What);
}
