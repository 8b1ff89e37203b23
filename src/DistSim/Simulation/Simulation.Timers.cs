using System.Runtime.CompilerServices;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// Timers, of nodes and of link sessions: a slot table so that setting, firing and cancelling allocate nothing in
/// steady state. A slot holds the number of the pending timer in it (0 when free), its owner (a node, or −1 − the
/// pair index for a link session's timer) and the queue slot of its event. Cancelling a timer cancels its event in the
/// queue; a queued timer event whose number no longer matches its slot (its node crashed while it waited, deferred by
/// a pause) is discarded when it reaches the head of the queue, without counting as an event.
/// </summary>
public sealed partial class Simulation
{
    private long[] _timerNumbers = new long[64];
    private int[] _timerOwners = new int[64];
    private int[] _timerEvents = new int[64];
    private int[] _freeSlots = new int[64];
    private int _freeCount;
    private int _slotsUsed;
    private long _lastTimerNumber;
    private long _lastLinkTimerNumber; // counts down: link timers never take a node timer's number (the trace shows those)

    internal TimerId SetTimerFor(int node, TimeSpan delay, object? state)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be >= 0");
        }

        int slot = TakeSlot();
        long number = ++_lastTimerNumber;
        _timerNumbers[slot] = number;
        _timerOwners[slot] = node;
        long at = SaturatingAdd(_now, delay.Ticks);
        RecordEvent(TraceEventKind.TimerSet, node, -1, 0, 0, number, DropCause.None, state);
        _timerEvents[slot] = Schedule(at, new ScheduledEvent(EventKind.Timer, node, -1, slot, number, 0, state));
        return new TimerId(number, slot);
    }

    /// <summary>A link session's timer: fires as a link-timer event of pair <paramref name="pairIndex"/> with <paramref name="token"/>.</summary>
    internal TimerId SetLinkTimer(int pairIndex, TimeSpan delay, long token)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be >= 0");
        }

        int slot = TakeSlot();
        long number = --_lastLinkTimerNumber;
        _timerNumbers[slot] = number;
        _timerOwners[slot] = -1 - pairIndex;
        var e = new ScheduledEvent(EventKind.LinkTimer, _network.Pairs[pairIndex].From, slot, pairIndex, token, number, null);
        _timerEvents[slot] = Schedule(SaturatingAdd(_now, delay.Ticks), e);
        return new TimerId(number, slot);
    }

    /// <summary>Cancels a link session's timer; false when it already fired or was cancelled.</summary>
    internal bool CancelLinkTimer(int pairIndex, TimerId timer)
    {
        if (timer.Number == 0 || !IsTimerPending(timer.Slot, timer.Number) || _timerOwners[timer.Slot] != -1 - pairIndex)
        {
            return false;
        }

        CancelQueued(timer.Slot);
        ReleaseTimer(timer.Slot);
        return true;
    }

    internal bool CancelTimerOf(int node, TimerId timer)
    {
        if (timer.Number == 0 || !IsTimerPending(timer.Slot, timer.Number) || _timerOwners[timer.Slot] != node)
        {
            return false;
        }

        CancelQueued(timer.Slot);
        ReleaseTimer(timer.Slot);
        RecordEvent(TraceEventKind.TimerCancelled, node, -1, 0, 0, timer.Number, DropCause.None, null);
        return true;
    }

    /// <summary>Puts an event that waited out a pause back in the queue, now; a timer's event keeps its handle for cancelling.</summary>
    private void Requeue(in ScheduledEvent e)
    {
        int queued = Schedule(_now, e);
        if (e.Kind == EventKind.Timer && IsTimerPending(e.Slot, e.Id))
        {
            _timerEvents[e.Slot] = queued;
        }
        else if (e.Kind == EventKind.LinkTimer && IsTimerPending(e.Peer, e.Packet))
        {
            _timerEvents[e.Peer] = queued;
        }
    }

    /// <summary>
    /// Takes the pending timer in <paramref name="slot"/> out of the queue, if its event is still there: an event
    /// deferred by a pause has left the queue (and its queue slot may hold another event by now).
    /// </summary>
    private void CancelQueued(int slot)
    {
        int queued = _timerEvents[slot];
        long number = _timerNumbers[slot];
        ref readonly ScheduledEvent e = ref _queue.At(queued);
        if ((e.Kind == EventKind.Timer && e.Slot == slot && e.Id == number) || (e.Kind == EventKind.LinkTimer && e.Peer == slot && e.Packet == number))
        {
            _queue.Cancel(queued);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsTimerPending(int slot, long number) => (uint)slot < (uint)_slotsUsed && _timerNumbers[slot] == number;

    private void ReleaseTimer(int slot)
    {
        _timerNumbers[slot] = 0;
        if (_freeCount == _freeSlots.Length)
        {
            Array.Resize(ref _freeSlots, _freeSlots.Length * 2);
        }

        _freeSlots[_freeCount++] = slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TakeSlot()
    {
        if (_freeCount > 0)
        {
            return _freeSlots[--_freeCount];
        }

        if (_slotsUsed == _timerNumbers.Length)
        {
            Array.Resize(ref _timerNumbers, _timerNumbers.Length * 2);
            Array.Resize(ref _timerOwners, _timerOwners.Length * 2);
            Array.Resize(ref _timerEvents, _timerEvents.Length * 2);
        }

        return _slotsUsed++;
    }
}
