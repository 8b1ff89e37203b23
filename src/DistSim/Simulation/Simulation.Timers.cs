using System.Runtime.CompilerServices;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// Timers, of nodes and of link sessions, kept in the <see cref="TimerTable"/>. Cancelling a timer cancels its event in
/// the queue; a queued timer event whose number no longer matches its slot (its node crashed while it waited, deferred
/// by a pause) is discarded when it reaches the head of the queue, without counting as an event.
/// </summary>
public sealed partial class Simulation
{
    private readonly TimerTable _timers = new();

    internal TimerId SetTimerFor(int node, TimeSpan delay, object? state)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be >= 0");
        }

        (int slot, long number) = _timers.TakeForNode(node);
        long at = SaturatingAdd(_now, delay.Ticks);
        RecordEvent(TraceEventKind.TimerSet, node, -1, 0, 0, number, DropCause.None, state);
        _timers.EventOf(slot) = Schedule(at, new ScheduledEvent(EventKind.Timer, node, -1, slot, number, 0, state));
        return new TimerId(number, slot);
    }

    /// <summary>A link session's timer: fires as a link-timer event of pair <paramref name="pairIndex"/> with <paramref name="token"/>.</summary>
    internal TimerId SetLinkTimer(int pairIndex, TimeSpan delay, long token)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be >= 0");
        }

        (int slot, long number) = _timers.TakeForLink(pairIndex);
        var e = new ScheduledEvent(EventKind.LinkTimer, _network.Pairs[pairIndex].From, slot, pairIndex, token, number, null);
        _timers.EventOf(slot) = Schedule(SaturatingAdd(_now, delay.Ticks), e);
        return new TimerId(number, slot);
    }

    /// <summary>Cancels a link session's timer; false when it already fired or was cancelled.</summary>
    internal bool CancelLinkTimer(int pairIndex, TimerId timer)
    {
        if (!_timers.IsPendingFor(timer.Slot, timer.Number, -1 - pairIndex))
        {
            return false;
        }

        CancelQueued(timer.Slot);
        ReleaseTimer(timer.Slot);
        return true;
    }

    internal bool CancelTimerOf(int node, TimerId timer)
    {
        if (!_timers.IsPendingFor(timer.Slot, timer.Number, node))
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
        if (e.TimerSlot >= 0 && IsTimerPending(e.TimerSlot, e.TimerNumber))
        {
            _timers.EventOf(e.TimerSlot) = queued;
        }
    }

    /// <summary>
    /// Takes the pending timer in <paramref name="slot"/> out of the queue, if its event is still there: an event
    /// deferred by a pause has left the queue (and its queue slot may hold another event by now).
    /// </summary>
    private void CancelQueued(int slot)
    {
        int queued = _timers.EventOf(slot);
        if (queued < 0)
        {
            return; // its event waits out a pause, outside the queue
        }

        long number = _timers.NumberAt(slot);
        ref readonly ScheduledEvent e = ref _queue.At(queued);
        if (e.TimerSlot == slot && e.TimerNumber == number)
        {
            _queue.Cancel(queued);
        }
    }

    /// <summary><paramref name="now"/> + <paramref name="ticks"/>, or the end of time if that overflows: such an event simply never happens within the time limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long SaturatingAdd(long now, long ticks)
    {
        long at = now + ticks;
        return at < now ? long.MaxValue : at;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsTimerPending(int slot, long number) => _timers.IsPending(slot, number);

    private void ReleaseTimer(int slot) => _timers.Release(slot);
}
