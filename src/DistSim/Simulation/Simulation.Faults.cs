using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>Faults injected into nodes: crash and restart, within each node's failure model.</summary>
public sealed partial class Simulation
{
    /// <summary>Node faults injected so far.</summary>
    public FaultCounters Faults
    {
        get
        {
            CheckThread(nameof(Faults));
            return _faults;
        }
    }

    private readonly FaultCounters _faults = new();

    /// <summary>The failure model of a node.</summary>
    /// <param name="node">A node of this simulation.</param>
    public FailureModel FailureModelOf(NodeId node)
    {
        CheckThread(nameof(FailureModelOf));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Model;
    }

    /// <summary>Whether a node is running (not crashed).</summary>
    /// <param name="node">A node of this simulation.</param>
    public bool IsUp(NodeId node)
    {
        CheckThread(nameof(IsUp));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Up;
    }

    /// <summary>Whether a node is paused (see <see cref="Pause"/>): it handles nothing until it resumes.</summary>
    /// <param name="node">A node of this simulation.</param>
    public bool IsPaused(NodeId node)
    {
        CheckThread(nameof(IsPaused));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Paused;
    }

    /// <summary>Which incarnation of the node runs (or ran last): 1 for the first object, +1 per restart; 0 before it started.</summary>
    /// <param name="node">A node of this simulation.</param>
    public int IncarnationOf(NodeId node)
    {
        CheckThread(nameof(IncarnationOf));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Incarnation;
    }

    /// <summary>The node's durable storage (for inspection; it outlives the node's objects).</summary>
    /// <param name="node">A node of this simulation.</param>
    public Storage.DurableStorage StorageOf(NodeId node)
    {
        CheckThread(nameof(StorageOf));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Storage;
    }

    /// <summary>
    /// Crashes a node now: its object is dropped (every field lost), its timers die, packets to it are
    /// dropped (cause <c>node-down</c>), unflushed storage writes are lost (or the last one torn), and the
    /// volatile state of its link sessions is lost. Traced as <c>crash</c>.
    /// </summary>
    /// <param name="node">A node whose failure model allows <see cref="FaultKinds.Stop"/>.</param>
    /// <returns>False if the node was already down.</returns>
    /// <exception cref="InvalidOperationException">The node's failure model does not allow it, or called from node code.</exception>
    public bool Crash(NodeId node)
    {
        using ThreadClaim claim = Claim(nameof(Crash));
        NodeRecord record = RequireFault(node, FaultKinds.Stop);
        if (!record.Up)
        {
            return false;
        }

        record.Up = false;
        record.Instance = null;
        record.Paused = false;
        record.CrashGeneration++;
        foreach (ScheduledEvent e in record.Deferred)
        {
            if (e.Kind == EventKind.Packet)
            {
                _pipeline.LeaveFlight(e); // it sat in the buffer of a machine that went down: no longer in flight
                _pipeline.Book?.Forget(e.Packet);
                _pipeline.Messages.Dropped++;
                RecordEvent(TraceEventKind.Drop, e.Peer, e.Node, e.Id, e.Packet, 0, DropCause.NodeDown, e.Payload, e.Mark);
                _pipeline.Discard(e);
            }
            else if (e.Kind == EventKind.Continuation)
            {
                _faults.AbandonedContinuations++; // deferred by the pause, dropped by the crash: it never resumes
            }
            else if (e.Kind is EventKind.NodeAction or EventKind.LinkTimer)
            {
                // A test's scripted action must not vanish (it runs now and fails, the node being down); a link timer
                // belongs to the link, whose state may survive the crash (durable state): it must go on firing.
                _loop.Requeue(e);
            }
        }

        record.Deferred.Clear();
        _loop.ReleaseTimersOf(node.Value);
        ForgetWatchedOf(node.Value); // the incarnation's tasks never resume: stop watching them

        _faults.Crashes++;
        RecordEvent(TraceEventKind.Crash, node.Value, -1, 0, 0, 0, DropCause.None, record.Model.Name);
        if (record.StorageIfUsed?.Crash(record.Model.TornWrites, record.Faults) is { } torn)
        {
            _faults.TornWrites++;
            RecordEvent(TraceEventKind.TornWrite, node.Value, -1, 0, 0, 0, DropCause.None, torn);
        }

        _network.OnCrash(node);
        return true;
    }

    /// <summary>
    /// Restarts a crashed node now: a new object is created from its factory and its
    /// <see cref="Node.OnRecover"/> runs (as an event of its own, at this time). Traced as <c>restart</c>.
    /// </summary>
    /// <param name="node">A crashed node whose failure model allows <see cref="FaultKinds.Restart"/>.</param>
    /// <returns>False if the node was up.</returns>
    public bool Restart(NodeId node)
    {
        using ThreadClaim claim = Claim(nameof(Restart));
        NodeRecord record = RequireFault(node, FaultKinds.Restart);
        if (record.Up)
        {
            return false;
        }

        record.Up = true;
        record.RestartDue = false;
        _faults.Restarts++;
        RecordEvent(TraceEventKind.Restart, node.Value, -1, 0, 0, 0, DropCause.None, record.Model.Name);
        Schedule(_loop.Now, new ScheduledEvent(EventKind.Start, node.Value, -1, 1, ++record.StartGeneration, 0, null));
        return true;
    }

    /// <summary>Crashes a node now and restarts it after <paramref name="downtime"/>.</summary>
    /// <param name="node">A node whose failure model allows Stop and Restart.</param>
    /// <param name="downtime">How long it stays down, at least zero.</param>
    public void CrashFor(NodeId node, TimeSpan downtime)
    {
        using ThreadClaim claim = Claim(nameof(CrashFor));
        RequireFault(node, FaultKinds.Stop | FaultKinds.Restart);
        if (downtime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(downtime), downtime, "must be >= 0");
        }

        if (Crash(node))
        {
            NodeRecord record = _nodes[node.Value];
            long crash = record.CrashGeneration;
            record.RestartDue = true;
            At(CurrentTime + downtime, () =>
            {
                if (record.CrashGeneration == crash)
                {
                    Restart(node); // unless the node was restarted and crashed again meanwhile: that later crash is not ours to end
                }
            });
        }
    }

    /// <summary>
    /// Pauses a node now (a garbage-collector stop-the-world, preemption): it handles nothing until
    /// <see cref="Resume"/> — packets wait in its buffer, its timers fire late, its link stops
    /// retransmitting. Allowed for every node: a pause is slowness, not a failure. Traced as <c>pause</c>.
    /// </summary>
    /// <param name="node">A node of this simulation.</param>
    /// <returns>False if it was already paused or is down.</returns>
    public bool Pause(NodeId node)
    {
        using ThreadClaim claim = Claim(nameof(Pause));
        NodeRecord record = RequireFault(node, FaultKinds.None);
        if (record.Paused || !record.Up)
        {
            return false;
        }

        record.Paused = true;
        record.PauseGeneration++;
        _faults.Pauses++;
        RecordEvent(TraceEventKind.Pause, node.Value, -1, 0, 0, 0, DropCause.None, null);
        if (_timing.StepBound is { } bound)
        {
            ResumeLater(record, node, bound); // the synchronous model bounds a step: no pause outlasts it
        }

        return true;
    }

    /// <summary>Resumes a paused node now: what came due meanwhile runs at once, in its original order. Traced as <c>resume</c>.</summary>
    /// <param name="node">A paused node.</param>
    /// <returns>False if it was not paused.</returns>
    public bool Resume(NodeId node)
    {
        using ThreadClaim claim = Claim(nameof(Resume));
        NodeRecord record = RequireFault(node, FaultKinds.None);
        if (!record.Paused)
        {
            return false;
        }

        record.Paused = false;
        RecordEvent(TraceEventKind.Resume, node.Value, -1, 0, 0, 0, DropCause.None, record.DeferredCount);
        foreach (ScheduledEvent e in record.Deferred)
        {
            _loop.Requeue(e);
        }

        record.Deferred.Clear();
        return true;
    }

    /// <summary>Pauses a node now and resumes it after <paramref name="duration"/>.</summary>
    /// <param name="node">A node of this simulation.</param>
    /// <param name="duration">How long, at least zero.</param>
    public void PauseFor(NodeId node, TimeSpan duration)
    {
        using ThreadClaim claim = Claim(nameof(PauseFor));
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "must be >= 0");
        }

        if (_timing.StepBound is { } bound && duration > bound)
        {
            duration = bound;
        }

        if (Pause(node))
        {
            ResumeLater(_nodes[node.Value], node, duration);
        }
    }

    /// <summary>Resumes the pause that is in force now, after <paramref name="duration"/>: not a later pause of the node.</summary>
    private void ResumeLater(NodeRecord record, NodeId node, TimeSpan duration)
    {
        long pause = record.PauseGeneration;
        At(CurrentTime + duration, () =>
        {
            if (record.PauseGeneration == pause)
            {
                Resume(node);
            }
        });
    }

    /// <summary>A node reports its own deviation (Byzantine behaviour); refused outside its model.</summary>
    internal void RecordNodeFault(int node, FaultKinds kind, string description)
    {
        NodeRecord record = _nodes[node];
        if (kind == FaultKinds.None || !record.Model.Allows(kind))
        {
            throw new InvalidOperationException(
                $"node {record.Name}: its failure model {record.Model} does not allow {(kind == FaultKinds.None ? kind : kind & ~record.Model.Allowed).Describe()}");
        }

        ArgumentNullException.ThrowIfNull(description);

        RecordEvent(TraceEventKind.Byzantine, node, -1, 0, 0, (long)kind, DropCause.None, description);
    }

    private NodeRecord RequireFault(NodeId node, FaultKinds kinds)
    {
        RequireNode(node, nameof(node));
        NodeRecord record = _nodes[node.Value];
        return record.Model.Allows(kinds)
            ? record
            : throw new InvalidOperationException($"node {record.Name}: its failure model {record.Model} does not allow {(kinds & ~record.Model.Allowed).Describe()}");
    }

    /// <summary>Marks the packets in flight from <paramref name="from"/> to <paramref name="to"/> (queued, or deferred by the paused receiver) as counted; returns how many.</summary>
    internal int MarkPacketsInFlight(int from, int to)
    {
        int marked = _loop.MarkPackets(from, to);
        NodeRecord receiver = _nodes[to];
        if (receiver.DeferredCount > 0)
        {
            List<ScheduledEvent> deferred = receiver.Deferred;
            for (int i = 0; i < deferred.Count; i++)
            {
                if (deferred[i] is { Kind: EventKind.Packet, Counted: false } e && e.Peer == from)
                {
                    deferred[i] = e.AsCounted();
                    marked++;
                }
            }
        }

        return marked;
    }
}
