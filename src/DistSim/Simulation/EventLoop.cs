using System.Runtime.CompilerServices;
using DistSim.Nodes;

namespace DistSim;

/// <summary>
/// The event loop's state and its one decision: which event runs next, and whether it may run. It owns the queue, the
/// clock (true virtual time), the count of events run, the run's limits, and the timer table (a timer is an event that
/// can be cancelled by its slot, so the two are kept side by side). What an event does is not decided here: the
/// simulation's dispatch hands the event to the part it belongs to (a node's handler, the message pipeline, a link
/// session).
/// </summary>
/// <remarks>
/// Reading order of the kernel: <see cref="EventLoop"/> (this: the next event), <c>Simulation.Dispatch</c> (who handles
/// it), <see cref="NodeTable"/> (the nodes), <see cref="MessagePipeline"/> (a message from send to delivery),
/// <see cref="Network.PairTable"/> (per-pair state), <see cref="TimerTable"/> (timers).
/// </remarks>
internal sealed class EventLoop(SimulationOptions options, NodeTable nodes, Random.RandomStream? tieBreak, ScheduleControl? control = null)
{
    private readonly NodeTable _nodes = nodes; // for prefetch hints only

    /// <summary>
    /// Prefetching starts at this many nodes. Below it a run's per-node data (records, node objects, timers, the slab)
    /// mostly stays in the processor's caches, so a hint is pure cost, a few nanoseconds an event. Measured with
    /// <c>bench --workload timers</c>, hints on at every K against none, alternating: K = 300 lost about a tenth, K = 1,000
    /// from nothing to 15 %; K = 3,000 gained a fifth, K = 5,000 and above half or more.
    /// </summary>
    public const int PrefetchFromNodes = 2048;
    private readonly EventQueue _queue = new(tieBreak, controlled: control is not null);
    private readonly ScheduleControl? _control = control; // null under FIFO and random tie-break: the queue's own order
    private readonly long _eventLimit = options.EventLimit;
    private readonly long _timeLimit = options.TimeLimit.Ticks;
    private readonly int _queueLimit = options.QueueLimit;

    /// <summary>Whether to prefetch at all (tests turn it off to check that hints change no run).</summary>
    public bool Prefetching { get; set; } = true;

    /// <summary>Whether hints are given now: the queue's own order (a strategy that picks reorders the heap), switched on, enough nodes.</summary>
    private bool HintsOn
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _nodes.Count >= PrefetchFromNodes && _control is null && Prefetching;
    }

    /// <summary>True virtual time in ticks: the time of the event taken last, or the time a run was advanced to.</summary>
    public long Now;

    /// <summary>Events run so far.</summary>
    public long Executed;

    /// <summary>The pending timers of nodes and link sessions.</summary>
    public TimerTable Timers { get; } = new();

    /// <summary>True once more events were pending than <see cref="SimulationOptions.QueueLimit"/> allows: the run stops.</summary>
    public bool QueueLimitHit { get; private set; }

    /// <summary>The time limit in ticks.</summary>
    public long TimeLimit => _timeLimit;

    /// <summary>Events waiting in the queue (cancelled ones excluded; events deferred by a pause wait outside it).</summary>
    public int Pending => _queue.Count;

    /// <summary>Schedules <paramref name="e"/> at <paramref name="time"/>; returns its queue slot, the handle to cancel it (−1: not cancellable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Schedule(long time, in ScheduledEvent e)
    {
        int slot = _queue.Schedule(time, e);
        if (_queue.Count > _queueLimit)
        {
            QueueLimitHit = true;
        }

        if (_control is not null && e.Kind == EventKind.Packet)
        {
            _control.Sent(e.Packet, Now, time);
        }

        return slot;
    }

    /// <summary>Schedules a fault event at <paramref name="time"/>: first among the events of its instant (see <see cref="EventQueue.ScheduleFault"/>).</summary>
    public int ScheduleFault(long time, in ScheduledEvent e)
    {
        int slot = _queue.ScheduleFault(time, e);
        if (_queue.Count > _queueLimit)
        {
            QueueLimitHit = true;
        }

        return slot;
    }

    /// <summary>
    /// Takes the next event if it may run: not beyond <paramref name="bound"/>, the time limit or the event limit. On
    /// success the clock moves to the event's time and the event counts as run; otherwise <paramref name="stopped"/>
    /// says why not. A timer event whose timer was released meanwhile is dropped on the way, without counting.
    /// </summary>
    public bool TryTake(long bound, out ScheduledEvent e, out RunOutcome stopped)
    {
        if (QueueLimitHit)
        {
            e = default;
            stopped = RunOutcome.QueueLimit;
            return false;
        }

        long time;
        while (true)
        {
            if (!_queue.TryPeekNext(out e, out time))
            {
                stopped = RunOutcome.Quiescent;
                return false;
            }

            if (e.TimerSlot < 0 || Timers.IsPending(e.TimerSlot, e.TimerNumber))
            {
                break;
            }

            _queue.RemoveNext(); // a timer released since (its node crashed while the event waited out a pause): not an event
        }

        if (Executed >= _eventLimit)
        {
            stopped = RunOutcome.EventLimit; // checked after the queue: a run whose last allowed event left nothing pending is quiescent
            return false;
        }

        if (time > _timeLimit)
        {
            stopped = RunOutcome.TimeLimit;
            return false;
        }

        if (time > bound)
        {
            stopped = RunOutcome.TimeReached;
            return false;
        }

        if (_control is null || _queue.NextIsFault)
        {
            _queue.RemoveNext();
            if (HintsOn)
            {
                // While this event runs, bring in the slab slot and the node record of the one likely to follow: at a
                // hundred thousand nodes each is a cache miss otherwise. A hint: it changes nothing (see Prefetch).
                _nodes.PrefetchRecord(_queue.PrefetchLikelyNext());
            }
        }
        else
        {
            _queue.TakeChosen(_control, Timers, Math.Min(bound, _timeLimit), out e, out time); // the strategy picks; never before the next event's time
        }

        Now = time;
        Executed++;
        stopped = default;
        return true;
    }

    /// <summary>
    /// Prefetches, for the heap event that runs next, what its handler reads beyond the slab slot and the record that
    /// <see cref="TryTake"/> had prefetched: its timer slot, its node object and context. Call it between events. It
    /// changes no run (it may carry out the heap's pending lazy removal early, which changes the heap's shape, never
    /// its order: see <see cref="EventHeap"/>). Below <see cref="PrefetchFromNodes"/> nodes it is a count compare.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchNext()
    {
        if (HintsOn)
        {
            PrefetchNextNow();
        }
    }

    private void PrefetchNextNow()
    {
        if (_queue.TryPeekTopHint(out int node, out int timerSlot))
        {
            Timers.PrefetchSlot(timerSlot);
            _nodes.PrefetchHandler(node);
        }
    }

    /// <summary>The time of the earliest queued event (perhaps a timer released since: never later than the next event that runs); <see cref="long.MaxValue"/> when none.</summary>
    public long NextTime => _queue.TryPeekNext(out _, out long time) ? time : long.MaxValue;

    /// <summary>Sets a node timer: a table slot and its queued event. Returns the timer's id.</summary>
    public TimerId SetNodeTimer(int node, long at, object? state, out long number)
    {
        (int slot, number) = Timers.TakeForNode(node);
        Timers.EventOf(slot) = Schedule(at, new ScheduledEvent(EventKind.Timer, node, -1, slot, number, 0, state));
        return new TimerId(number, slot);
    }

    /// <summary>Sets a link session's timer (of pair <paramref name="pairIndex"/>, whose sender is <paramref name="from"/>).</summary>
    public TimerId SetLinkTimer(int pairIndex, int from, long at, long token)
    {
        (int slot, long number) = Timers.TakeForLink(pairIndex);
        Timers.EventOf(slot) = Schedule(at, new ScheduledEvent(EventKind.LinkTimer, from, slot, pairIndex, token, number, null));
        return new TimerId(number, slot);
    }

    /// <summary>Cancels <paramref name="timer"/> if it is pending and belongs to <paramref name="owner"/> (a node, or −1 − a pair index).</summary>
    public bool CancelTimer(TimerId timer, int owner)
    {
        if (!Timers.IsPendingFor(timer.Slot, timer.Number, owner))
        {
            return false;
        }

        CancelQueued(timer.Slot);
        Timers.Release(timer.Slot);
        return true;
    }

    /// <summary>Releases every pending timer of <paramref name="node"/> (its crash or restart), with their queued events.</summary>
    public void ReleaseTimersOf(int node)
    {
        for (int slot = Timers.AnyOf(node); slot >= 0; slot = Timers.AnyOf(node))
        {
            CancelQueued(slot);
            Timers.Release(slot);
        }
    }

    /// <summary>An event leaves the queue to wait out its node's pause: a timer forgets its queue handle until <see cref="Requeue"/>.</summary>
    public void Defer(in ScheduledEvent e)
    {
        if (e.TimerSlot >= 0)
        {
            Timers.EventOf(e.TimerSlot) = -1;
        }
    }

    /// <summary>Puts an event that waited out a pause back in the queue, now; a timer's event gets its handle back.</summary>
    public void Requeue(in ScheduledEvent e)
    {
        int queued = Schedule(Now, e);
        if (_control is not null && e.Kind == EventKind.Packet)
        {
            _control.Pinned(e.Packet, Now);
        }

        if (e.TimerSlot >= 0 && Timers.IsPending(e.TimerSlot, e.TimerNumber))
        {
            Timers.EventOf(e.TimerSlot) = queued;
        }
    }

    /// <summary>An order-free digest of the pending events (see <see cref="EventQueue.Digest"/>).</summary>
    public ulong Digest(int[]? rename) => _queue.Digest(Now, rename);

    /// <summary>Marks the queued packets from <paramref name="from"/> to <paramref name="to"/> not yet counted in flight; returns how many.</summary>
    public int MarkPackets(int from, int to) => _queue.MarkPackets(from, to);

    /// <summary>
    /// Takes the pending timer in <paramref name="slot"/> out of the queue, if its event is still there: an event
    /// deferred by a pause has left the queue (and its queue slot may hold another event by now).
    /// </summary>
    private void CancelQueued(int slot)
    {
        int queued = Timers.EventOf(slot);
        if (queued < 0)
        {
            return; // its event waits out a pause, outside the queue
        }

        long number = Timers.NumberAt(slot);
        ref readonly ScheduledEvent e = ref _queue.At(queued);
        if (e.TimerSlot == slot && e.TimerNumber == number)
        {
            _queue.Cancel(queued);
        }
    }
}
