using DistSim.Nodes;

namespace DistSim.Samples.Kubernetes;

/// <summary>What a Pod can do: act through the kubelet that hosts it.</summary>
internal interface IPodHost
{
    /// <summary>The storage node (the volumes' network-attached storage).</summary>
    NodeId Storage { get; }

    /// <summary>Sends a message from the Pod's node.</summary>
    void Send(NodeId to, object message);

    /// <summary>Sets a timer of the Pod.</summary>
    void SetTimer(TimeSpan delay, long uid, string what);

    /// <summary>The Pod passed its readiness check.</summary>
    void Ready(long uid);

    /// <summary>The Pod answered a client (for the observer).</summary>
    void Served(long uid);

    /// <summary>The Pod loaded its volume (for the observer).</summary>
    void Loaded(long uid, long value);
}

/// <summary>A Pod: an actor inside its kubelet. Its fields are its memory, lost when it stops or its node crashes.</summary>
internal abstract class Pod(PodSpec spec, IPodHost host)
{
    public PodSpec Spec => spec;

    public bool Ready { get; protected set; }

    protected IPodHost Host => host;

    public abstract void OnTimer(string what);

    public abstract void OnRequest(Forward request);
}

/// <summary>A Deployment's Pod: answers every request from memory (how many it has served); nothing durable.</summary>
internal sealed class StatelessPod(PodSpec spec, IPodHost host) : Pod(spec, host)
{
    private long _served;

    public override void OnTimer(string what)
    {
        Ready = true;
        Host.Ready(Spec.Uid);
    }

    public override void OnRequest(Forward request)
    {
        if (!Ready)
        {
            return;
        }

        _served++;
        Host.Served(Spec.Uid);
        Host.Send(request.Client, new Response(request.Id, Spec.Name, Spec.Uid, _served));
    }
}

/// <summary>
/// A StatefulSet's Pod <c>web-k</c>: at start it reads the counter on its volume <c>data-web-k</c> (on the storage node),
/// then counts: each client request and each tick of its background job is one increment, written to the volume (one
/// write in flight at a time, so its own writes never reorder) and answered once stored.
/// </summary>
internal sealed class StatefulPod(PodSpec spec, IPodHost host) : Pod(spec, host)
{
    private readonly Queue<(long Id, NodeId Client)> _queue = new();
    private long _counter;
    private bool _loaded, _writing;
    private NodeId _client;

    public override void OnTimer(string what)
    {
        if (what == "start")
        {
            Host.Send(Host.Storage, new VolumeRead(Spec.Ordinal, Spec.Uid)); // mount the volume, read it
            return;
        }

        _queue.Enqueue((-1, default)); // the background job's increment
        Pump();
        Host.SetTimer(KubernetesOptions.BackgroundInterval, Spec.Uid, "tick");
    }

    public void OnLoaded(VolumeState state)
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        _counter = state.Value;
        Host.Loaded(Spec.Uid, state.Value);
        Ready = true;
        Host.Ready(Spec.Uid);
        Host.SetTimer(KubernetesOptions.BackgroundInterval, Spec.Uid, "tick");
    }

    public override void OnRequest(Forward request)
    {
        if (Ready)
        {
            _queue.Enqueue((request.Id, request.Client));
            Pump();
        }
    }

    public void OnAck(VolumeAck ack)
    {
        _writing = false;
        if (ack.Request >= 0)
        {
            Host.Served(Spec.Uid);
            Host.Send(_client, new Response(ack.Request, Spec.Name, Spec.Uid, ack.Value));
        }

        Pump();
    }

    private void Pump()
    {
        if (_writing || _queue.Count == 0)
        {
            return;
        }

        (long id, NodeId client) = _queue.Dequeue();
        _client = client;
        _writing = true;
        _counter++;
        Host.Send(Host.Storage, new VolumeWrite(Spec.Ordinal, Spec.Uid, _counter, id));
    }
}
