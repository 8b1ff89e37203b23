using System.Runtime.CompilerServices;
using System.Globalization;
using DistSim.Diagnostics;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim;

/// <summary>The event loop: stepping, running and the limits.</summary>
public sealed partial class Simulation
{
    /// <summary>Runs one event. Returns false when none could run (nothing pending, a limit, or a fault).</summary>
    /// <exception cref="SimulationFailureException">Node code threw and <see cref="SimulationOptions.ThrowOnNodeFault"/> is set.</exception>
    public bool Step()
    {
        using ThreadClaim claim = ClaimRun(nameof(Step));
        ApplyPendingSchedule();
        _running = true;
        Simulation? outer = t_running;
        t_running = this;
        bool stepped;
        try
        {
            stepped = TryStep(long.MaxValue, out RunOutcome outcome);
            if (EndOfRun(stepped ? RunOutcome.ConditionMet : outcome, long.MaxValue) is RunOutcome.NodeFaulted or RunOutcome.PropertyViolated) // a step that ran: no end-of-run judgement of suspended handlers
            {
                stepped = false;
            }
        }
        finally
        {
            t_running = outer;
            _running = false;
        }

        ThrowIfFaulted();
        return stepped;
    }

    /// <summary>Runs until nothing is pending or a limit stops the run.</summary>
    /// <exception cref="SimulationFailureException">Node code threw and <see cref="SimulationOptions.ThrowOnNodeFault"/> is set.</exception>
    public RunResult Run()
    {
        using ThreadClaim claim = ClaimRun(nameof(Run));
        return RunCore(long.MaxValue, null);
    }

    /// <summary>
    /// Runs every event up to and including <paramref name="time"/>, then advances <see cref="Now"/> to it.
    /// Returns <see cref="RunOutcome.TimeReached"/> (events remain) or <see cref="RunOutcome.Quiescent"/>
    /// (none remain), unless a limit or fault stopped the run first.
    /// </summary>
    /// <param name="time">The instant to run to; not before <see cref="Now"/>.</param>
    public RunResult RunUntil(SimTime time)
    {
        using ThreadClaim claim = ClaimRun(nameof(RunUntil));
        if (time.Ticks < _loop.Now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"must not be before Now ({CurrentTime})");
        }

        RunResult result = RunCore(time.Ticks, null);
        if (result.Outcome is RunOutcome.TimeReached or RunOutcome.Quiescent)
        {
            _loop.Now = Math.Max(_loop.Now, Math.Min(time.Ticks, _loop.TimeLimit));
            result = result with { Time = CurrentTime };
        }

        return result;
    }

    /// <summary>Runs until <paramref name="condition"/> holds (checked before the first and after every event).</summary>
    /// <param name="condition">Evaluated between events; must not change the simulation.</param>
    public RunResult RunUntil(Func<bool> condition)
    {
        using ThreadClaim claim = ClaimRun(nameof(RunUntil));
        ArgumentNullException.ThrowIfNull(condition);
        return RunCore(long.MaxValue, condition);
    }

    /// <summary>The loop of every run call; the caller holds the thread claim and has checked re-entrance.</summary>
    private RunResult RunCore(long bound, Func<bool>? condition)
    {
        ApplyPendingSchedule();
        _running = true;
        Simulation? outer = t_running;
        t_running = this;
        try
        {
            return RunLoop(bound, condition);
        }
        finally
        {
            t_running = outer;
            _running = false;
        }
    }

    private RunResult RunLoop(long bound, Func<bool>? condition)
    {
        RunOutcome outcome;
        if (condition is not null && condition())
        {
            outcome = RunOutcome.ConditionMet;
        }
        else
        {
            while (true)
            {
                if (!TryStep(bound, out outcome))
                {
                    break;
                }

                if (condition is not null && condition())
                {
                    outcome = RunOutcome.ConditionMet;
                    break;
                }
            }
        }

        outcome = EndOfRun(outcome, bound);
        ThrowIfFaulted();
        return new RunResult(outcome, CurrentTime, _loop.Executed, _trace.Fingerprint, _failure);
    }

    /// <summary>
    /// The checks at the end of every run call (<see cref="Run"/>, <see cref="RunUntil(SimTime)"/>, <see cref="Step"/>):
    /// tasks of async node code dropped with an exception nobody observed, handlers left suspended on something outside
    /// the simulation, and reports from other threads. Each failure names the event it came from; the run call's outcome
    /// becomes <see cref="RunOutcome.NodeFaulted"/>. Called from a frame that never held an event (see
    /// <see cref="TryStep"/>), so that a collection can find a dropped task unreachable.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RunOutcome EndOfRun(RunOutcome outcome, long bound)
    {
        if (_failure is null && _monitor is { HasOpenEventually: true } && outcome is RunOutcome.Quiescent or RunOutcome.TimeLimit or RunOutcome.TimeReached)
        {
            AdvanceProperties(_loop.NextTime, bound); // the state is final up to the next event (or for good): windows that closed meanwhile
        }

        if (_failure is null && ThrewInAsyncCode)
        {
            JudgeDroppedTasks();
        }

        if (_failure is null && _watched.Count > 0 && outcome is RunOutcome.Quiescent or RunOutcome.TimeLimit or RunOutcome.TimeReached or RunOutcome.EventLimit)
        {
            JudgeSuspended();
        }

        if (_failure is null && _foreign is not null)
        {
            SurfaceForeignFailure(); // node code that ran on another thread during the run: reported where it came from
        }

        if (_failure is null && _pending is not null)
        {
            SurfacePendingFailure();
        }

        return _failure is null ? outcome : _failure.InnerException is Checking.PropertyViolationException ? RunOutcome.PropertyViolated : RunOutcome.NodeFaulted;
    }

    /// <summary>Runs the next event if one may run (the event loop decides); otherwise says why not.</summary>
    /// <remarks>Never inlined: once it returns, no frame holds the event it ran (see <see cref="JudgeDroppedTasks"/>).</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryStep(long bound, out RunOutcome stopped)
    {
        if (_failure is not null || _pending is not null)
        {
            SurfacePendingFailure();
            stopped = RunOutcome.NodeFaulted;
            return false;
        }

        if (_monitor is { HasOpenEventually: true })
        {
            AdvanceProperties(_loop.NextTime, bound); // Eventually windows that opened or closed before the next event
            if (_failure is not null)
            {
                stopped = RunOutcome.PropertyViolated;
                return false;
            }
        }

        if (_exploration is not null && _loop.NextTime <= bound && !_exploration.BeforeEvent(this))
        {
            stopped = RunOutcome.Pruned; // the search cut this path: its state was explored already
            return false;
        }

        if (!_loop.TryTake(bound, out ScheduledEvent e, out stopped))
        {
            return false;
        }

        long first = _trace.Count;
        try
        {
            Dispatch(e);
        }
        catch (Exception ex)
        {
            // Node code is caught in its handler; what reaches here came from a link protocol, the adversary's
            // tamper function or another plug-in. The run fails as loudly as for node code, never escapes raw.
            FailOutsideNodeCode(e, ex);
        }

        _loop.PrefetchNext(); // the next event's timer and node object, while the checks below run

        if (_monitor is { Active: true } && _failure is null)
        {
            CheckProperties(first < _trace.Count ? first : _trace.Count - 1); // free when no property is registered: this test
        }

        if (_pending is not null)
        {
            SurfacePendingFailure();
        }

        stopped = _failure is not null ? RunOutcome.NodeFaulted : _loop.QueueLimitHit ? RunOutcome.QueueLimit : default;
        return _failure is null && !_loop.QueueLimitHit;
    }

    /// <summary>Hands an event to the part it belongs to: a node's handler, the message pipeline, a link session.</summary>
    private void Dispatch(in ScheduledEvent e)
    {
        NodeRecord? node = e.Kind == EventKind.Control ? null : _nodes[e.Node];
        if (node is { Paused: true })
        {
            // A paused node handles nothing: the event waits for its resume, outside the queue.
            _loop.Defer(e);
            node.Deferred.Add(e);
            return;
        }

        switch (e.Kind)
        {
            case EventKind.Timer:
                _loop.Timers.Release(e.Slot);
                RecordEvent(TraceEventKind.TimerFired, e.Node, -1, 0, 0, e.Id, DropCause.None, e.Payload, clock: _vectorClocks ? TickClock(e.Node) : null);
                InvokeTimer(node!, e.Id, e.Slot, e.Payload);
                break;
            case EventKind.Packet:
                _pipeline.Arrive(e);
                break;
            case EventKind.LinkTimer:
                _loop.Timers.Release(e.Peer);
                _network.OnLinkTimer(e.Slot, e.Id);
                break;
            case EventKind.Start:
                if (!_nodes[e.Node].Up || e.Id != _nodes[e.Node].StartGeneration)
                {
                    break; // crashed before it could start, or superseded by a later restart at the same instant
                }

                RecordEvent(TraceEventKind.NodeStarted, e.Node, -1, 0, 0, 0, DropCause.None, e.Slot == 1 ? "recover" : null, clock: _vectorClocks ? TickClock(e.Node) : null);
                InvokeStart(e.Node, recover: e.Slot == 1);
                break;
            case EventKind.Control:
                InvokeAction((Action)e.Payload!);
                break;
            case EventKind.NodeAction:
                InvokeNodeAction(e.Node, (Action<Node>)e.Payload!);
                break;
            case EventKind.Continuation:
                Continue(e);
                break;
        }
    }

    // One small method per handler kind keeps the hot path (timers, deliveries) free of a generic dispatcher;
    // the catch blocks hand over to Fault, which is cold. An exception from node code stops the run with a
    // SimulationFailureException.
    private void InvokeTimer(NodeRecord node, long number, int slot, object? state)
    {
        long index = _trace.Count - 1; // the timer-fired event, recorded just before
        SynchronizationContext? saved = EnterNode(node);
        try
        {
            if (state is Time.KernelTimerState owned)
            {
                owned.Fire(new TimerId(number, slot)); // a timer of the node's TimeProvider: its callback, not OnTimer
            }
            else
            {
                node.Instance!.OnTimer(new TimerId(number, slot), state);
            }
        }
        catch (Exception ex)
        {
            Fault(node.Index, string.Create(CultureInfo.InvariantCulture, $"timer {number} fired"), 0, index, ex);
        }
        finally
        {
            LeaveNode(saved);
        }
    }

    internal void InvokeMessage(int nodeIndex, int from, long message, long packet, object payload)
    {
        long index = _trace.Count - 1; // the deliver event, recorded just before
        NodeRecord node = _nodes[nodeIndex];
        SynchronizationContext? saved = EnterNode(node);
        try
        {
            node.Instance!.OnMessage(new NodeId(from), payload);
        }
        catch (Exception ex)
        {
            Fault(
                nodeIndex,
                string.Create(CultureInfo.InvariantCulture, $"deliver message {message} (packet {packet}) of type {payload.GetType().Name} from {_nodes[from].Name}"),
                message,
                index,
                ex);
        }
        finally
        {
            LeaveNode(saved);
        }
    }

    private void InvokeStart(int nodeIndex, bool recover)
    {
        NodeRecord node = _nodes[nodeIndex];
        long index = _trace.Count - 1; // the node-started event, recorded just before
        node.Incarnation++;
        node.Context = new NodeContext(node, node.Incarnation); // a context per incarnation
        if (node.Incarnation > 1)
        {
            _loop.ReleaseTimersOf(nodeIndex); // nothing of an earlier incarnation reaches this one (a first start has none: no scan)
        }
        SynchronizationContext? saved = EnterNode(node);
        try
        {
            Node instance = node.Factory() ?? throw new InvalidOperationException("the node factory returned null");
            instance.Attach(node.Context);
            SwitchAsyncCode(node, instance is AsyncNode);
            node.Instance = instance;
            if (recover)
            {
                instance.OnRecover();
            }
            else
            {
                instance.OnStart();
            }
        }
        catch (Exception ex)
        {
            Fault(nodeIndex, recover ? "recover" : "start", 0, index, ex);
        }
        finally
        {
            LeaveNode(saved);
        }
    }

    private void FailOutsideNodeCode(in ScheduledEvent e, Exception ex)
    {
        string what = e.Kind switch
        {
            EventKind.Packet => string.Create(CultureInfo.InvariantCulture, $"packet {e.Packet} of message {e.Id} from {_nodes[e.Peer].Name} arrived (link protocol or adversary)"),
            EventKind.LinkTimer => "link timer fired (link protocol or adversary)",
            _ => e.Kind.ToString(),
        };
        _failure = new SimulationFailureException(Seed, CurrentTime, new NodeId(e.Node), _nodes[e.Node].Name, _trace.Count - 1, what, _trace, ex);
    }

    /// <summary>A scripted action (<see cref="At(Time.SimTime, Action)"/>) runs; if it throws, the run fails as if a handler had.</summary>
    private void InvokeAction(Action action)
    {
        long index = _trace.Count - 1;
        try
        {
            action();
        }
        catch (Exception ex)
        {
            _failure = new SimulationFailureException(Seed, CurrentTime, null, "simulation", index, "scheduled action (Simulation.At)", _trace, ex);
        }
    }

    /// <summary>A scripted action inside a node (<see cref="At{TNode}"/>): it runs as one of the node's handlers.</summary>
    private void InvokeNodeAction(int nodeIndex, Action<Node> action)
    {
        NodeRecord node = _nodes[nodeIndex];
        long index = _trace.Count - 1;
        if (node.Instance is not { } instance)
        {
            string why = node.Up ? "has not started yet" : "is down";
            Fault(nodeIndex, "scripted action (Simulation.At)", 0, index, new InvalidOperationException($"the scripted action cannot run inside node {node.Name}: it {why} at {CurrentTime}"));
            return;
        }

        SynchronizationContext? saved = EnterNode(node);
        try
        {
            action(instance);
        }
        catch (Exception ex)
        {
            Fault(nodeIndex, "scripted action (Simulation.At)", 0, index, ex);
        }
        finally
        {
            LeaveNode(saved);
        }
    }

    /// <summary>Records the fault of node code; the run stops after the current event.</summary>
    private void Fault(int nodeIndex, string description, long message, long index, Exception ex) =>
        FailNode(nodeIndex, _loop.Now, index, description, ex, message);

    /// <summary>
    /// The run's failure in node <paramref name="nodeIndex"/>'s code: traced (<c>node-faulted</c>, now) and kept, naming the
    /// event (<paramref name="eventIndex"/>) and the time (<paramref name="time"/>) it came from.
    /// </summary>
    private void FailNode(int nodeIndex, long time, long eventIndex, string description, Exception ex, long message = 0)
    {
        RecordEvent(TraceEventKind.NodeFaulted, nodeIndex, -1, message, 0, 0, DropCause.None, ex);
        _failure = new SimulationFailureException(Seed, new SimTime(time, trusted: true), new NodeId(nodeIndex), _nodes[nodeIndex].Name, eventIndex, description, _trace, ex);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void RecordEvent(
        TraceEventKind kind, int node, int peer, long message, long packet, long timer, DropCause cause, object? payload, PacketMark mark = PacketMark.None, long[]? clock = null) =>
        _trace.Record(CurrentTime, kind, node, peer, message, packet, timer, cause, payload, mark, clock);

    private void ThrowIfFaulted()
    {
        if (_failure is not null && Options.ThrowOnNodeFault)
        {
            throw _failure;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Schedule(long time, in ScheduledEvent e) => _loop.Schedule(time, e);
}
