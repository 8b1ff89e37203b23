using DistSim.Nodes;

namespace DistSim.Samples.Kubernetes;

/// <summary>Which controller owns a Pod.</summary>
public enum Workload
{
    /// <summary>A Deployment (ReplicaSet): stateless, interchangeable Pods with fresh names.</summary>
    Deployment,

    /// <summary>A StatefulSet: Pods <c>web-0</c>…<c>web-(N−1)</c>, each with its own volume.</summary>
    StatefulSet,
}

/// <summary>What the API server tells a kubelet to run.</summary>
/// <param name="Uid">The Pod's unique id: a new Pod object always gets a new one, even under an old name.</param>
/// <param name="Name">The Pod's name: <c>api-…</c> (new every time) or <c>web-k</c> (the StatefulSet identity).</param>
/// <param name="Workload">Its controller.</param>
/// <param name="Ordinal">The StatefulSet ordinal k; -1 for a Deployment Pod.</param>
public sealed record PodSpec(long Uid, string Name, Workload Workload, int Ordinal);

/// <summary>The kubelet's node status, every 10 s: the Pods it runs and whether each is ready.</summary>
/// <param name="Worker">The worker's index.</param>
/// <param name="Running">The uids of the Pods running there, ascending.</param>
/// <param name="Ready">For each of them, whether it is ready.</param>
public sealed record NodeHeartbeat(int Worker, long[] Running, bool[] Ready);

/// <summary>API server to kubelet: run this Pod (sent again on a heartbeat that does not list it).</summary>
/// <param name="Pod">The Pod.</param>
public sealed record RunPod(PodSpec Pod);

/// <summary>API server to kubelet: the Pod was deleted (evicted); stop it.</summary>
/// <param name="Uid">The Pod.</param>
public sealed record KillPod(long Uid);

/// <summary>Kubelet to API server: the Pod passed its readiness check.</summary>
/// <param name="Uid">The Pod.</param>
public sealed record PodReady(long Uid);

/// <summary>Kubelet to API server: the Pod's containers are stopped; its object may go.</summary>
/// <param name="Uid">The Pod.</param>
public sealed record PodGone(long Uid);

/// <summary>One ready endpoint of a Service.</summary>
/// <param name="Pod">The Pod.</param>
/// <param name="Worker">The node (kubelet) it runs on.</param>
public sealed record Endpoint(PodSpec Pod, NodeId Worker);

/// <summary>The endpoints controller to the load balancer: the ready endpoints now, in uid order.</summary>
/// <param name="Version">Increases with every change.</param>
/// <param name="Endpoints">The ready endpoints.</param>
public sealed record EndpointsUpdate(long Version, Endpoint[] Endpoints);

/// <summary>A client's request to the Service (the load balancer).</summary>
/// <param name="Id">Its number, unique per client.</param>
/// <param name="Workload">The Deployment's Service, or the StatefulSet's headless Service.</param>
/// <param name="Ordinal">For the StatefulSet: the Pod <c>web-k</c> asked for; -1 for the Deployment.</param>
public sealed record Request(long Id, Workload Workload, int Ordinal);

/// <summary>The load balancer forwards a request to a Pod's node.</summary>
/// <param name="Id">The request.</param>
/// <param name="Uid">The endpoint's Pod.</param>
/// <param name="Client">Who to answer.</param>
public sealed record Forward(long Id, long Uid, NodeId Client);

/// <summary>A Pod's answer to the client.</summary>
/// <param name="Id">The request.</param>
/// <param name="Pod">The Pod's name.</param>
/// <param name="Uid">The Pod's uid.</param>
/// <param name="Value">Deployment: requests this Pod has served (its memory); StatefulSet: the counter on its volume after the write.</param>
public sealed record Response(long Id, string Pod, long Uid, long Value);

/// <summary>The load balancer's answer when the Service has no ready endpoint (HTTP 503).</summary>
/// <param name="Id">The request.</param>
public sealed record Unavailable(long Id);

/// <summary>A StatefulSet Pod reads its volume at start.</summary>
/// <param name="Ordinal">The volume (<c>data-web-k</c>).</param>
/// <param name="Uid">The reader.</param>
public sealed record VolumeRead(int Ordinal, long Uid);

/// <summary>The volume's durable contents, to the reader.</summary>
/// <param name="Ordinal">The volume.</param>
/// <param name="Uid">The reader.</param>
/// <param name="Value">The counter stored (flushed) there; 0 for a new volume.</param>
public sealed record VolumeState(int Ordinal, long Uid, long Value);

/// <summary>A StatefulSet Pod writes its counter (one increment) to its volume.</summary>
/// <param name="Ordinal">The volume.</param>
/// <param name="Uid">The writer.</param>
/// <param name="Value">The new counter.</param>
/// <param name="Request">The client request it serves; -1 for the Pod's background job.</param>
public sealed record VolumeWrite(int Ordinal, long Uid, long Value, long Request);

/// <summary>The storage node stored and flushed a write.</summary>
/// <param name="Ordinal">The volume.</param>
/// <param name="Uid">The writer.</param>
/// <param name="Value">The value written.</param>
/// <param name="Request">The client request, or -1.</param>
public sealed record VolumeAck(int Ordinal, long Uid, long Value, long Request);
