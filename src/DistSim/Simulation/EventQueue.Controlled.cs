using DistSim.Nodes;
using DistSim.Scheduling;
using DistSim.Time;

namespace DistSim;

/// <summary>
/// The queue under a strategy that picks (<see cref="ScheduleControl"/>): the candidates are taken off the heap in FIFO
/// order, one is run, the others go back — those passed over and due earlier postponed to its instant.
/// </summary>
internal sealed partial class EventQueue
{
    /// <summary>The most candidates a strategy is offered at one step.</summary>
    public const int WindowMax = 64;

    // Made on the first step a strategy picks: a queue no strategy controls (the common case: a sweep's many small
    // simulations) never allocates them.
    private HeapEntry[]? _window;
    private SchedulingCandidate[]? _candidates;

    /// <summary>Whether the event <see cref="TryPeekNext"/> returned is a fault (faults are never offered to a strategy).</summary>
    public bool NextIsFault => !_peekedLane && _heap.TryPeek(out HeapEntry key) && key.Sequence < 0;

    /// <summary>
    /// Takes the event the strategy picks, the queue's next event (<see cref="TryPeekNext"/>: not a fault, within the
    /// limits) being the first candidate. Later events are candidates while every candidate before them may wait for
    /// them: a packet until its deadline (<see cref="ScheduleControl.DeadlineOf"/>), any other event not past its own
    /// instant; a fault, or an event beyond <paramref name="limit"/>, ends the candidates. Timers released meanwhile are
    /// dropped on the way.
    /// </summary>
    public void TakeChosen(ScheduleControl control, TimerTable timers, long limit, out ScheduledEvent e, out long time)
    {
        HeapEntry[] window = _window ??= new HeapEntry[WindowMax];
        SchedulingCandidate[] candidates = _candidates ??= new SchedulingCandidate[WindowMax];
        int n = 0;
        long horizon = limit;
        while (n < WindowMax && _heap.TryPeek(out HeapEntry key))
        {
            int slot = key.Slot;
            ref readonly ScheduledEvent next = ref _slab[slot];
            if (next.Kind == 0)
            {
                Free(_heap.Dequeue()); // cancelled
                _cancelled--;
                continue;
            }

            if (next.TimerSlot >= 0 && !timers.IsPending(next.TimerSlot, next.TimerNumber))
            {
                Free(_heap.Dequeue()); // a timer released while its event waited out a pause: not an event
                continue;
            }

            if (n > 0 && (key.Sequence < 0 || key.Time > horizon))
            {
                break; // a fault, or an event the candidates before it cannot all wait for
            }

            _heap.Dequeue();
            window[n] = key;
            candidates[n] = Candidate(next, key.Time);
            n++;
            horizon = Math.Min(horizon, next.Kind == EventKind.Packet ? control.DeadlineOf(next.Packet) : key.Time);
        }

        int chosen;
        try
        {
            chosen = control.Choose(new ReadOnlySpan<SchedulingCandidate>(candidates, 0, n));
        }
        catch
        {
            for (int i = 0; i < n; i++)
            {
                _heap.Enqueue(window[i]); // the queue as it was
            }

            throw;
        }

        time = window[chosen].Time;
        for (int i = 0; i < n; i++)
        {
            HeapEntry key = window[i];
            if (i != chosen)
            {
                _heap.Enqueue(key.Time < time ? key with { Time = time, Sequence = _sequence++ } : key); // postponed to the pick's instant, in FIFO order
            }
        }

        int taken = window[chosen].Slot;
        e = _slab[taken];
        if (e.Kind == EventKind.Continuation)
        {
            _slab[taken] = default;
        }

        Free(taken);
        _clock = time;
        Array.Clear(candidates, 0, n);
        if (e.Kind == EventKind.Packet)
        {
            control.Taken(e.Packet);
        }
    }

    private static SchedulingCandidate Candidate(in ScheduledEvent e, long time)
    {
        var due = new SimTime(time, trusted: true);
        return e.Kind switch
        {
            EventKind.Packet => new SchedulingCandidate(SchedulingEventKind.Packet, new NodeId(e.Node), new NodeId(e.Peer), due),
            EventKind.Timer => new SchedulingCandidate(SchedulingEventKind.Timer, new NodeId(e.Node), null, due),
            EventKind.LinkTimer => new SchedulingCandidate(SchedulingEventKind.LinkTimer, new NodeId(e.Node), null, due),
            EventKind.Start => new SchedulingCandidate(SchedulingEventKind.Start, new NodeId(e.Node), null, due),
            EventKind.NodeAction => new SchedulingCandidate(SchedulingEventKind.NodeAction, new NodeId(e.Node), null, due),
            EventKind.Continuation => new SchedulingCandidate(SchedulingEventKind.Continuation, new NodeId(e.Node), null, due),
            _ => new SchedulingCandidate(SchedulingEventKind.Action, null, null, due),
        };
    }
}
