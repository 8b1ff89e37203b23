using System.Runtime.CompilerServices;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// Timers, of nodes and of link sessions: the event loop keeps them (<see cref="EventLoop"/>, <see cref="TimerTable"/>);
/// here they are checked, traced and handed out. Cancelling a timer cancels its event in the queue; a queued timer event
/// whose number no longer matches its slot (its node crashed while it waited, deferred by a pause) is discarded when it
/// reaches the head of the queue, without counting as an event.
/// </summary>
public sealed partial class Simulation
{
    internal TimerId SetTimerFor(int node, TimeSpan delay, object? state)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be >= 0");
        }

        TimerId timer = _loop.SetNodeTimer(node, SaturatingAdd(_loop.Now, delay.Ticks), state, out long number);
        RecordEvent(TraceEventKind.TimerSet, node, -1, 0, 0, number, DropCause.None, state);
        return timer;
    }

    /// <summary>A link session's timer: fires as a link-timer event of pair <paramref name="pairIndex"/> with <paramref name="token"/>.</summary>
    internal TimerId SetLinkTimer(int pairIndex, TimeSpan delay, long token)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "must be >= 0");
        }

        return _loop.SetLinkTimer(pairIndex, _network.Pairs[pairIndex].From, SaturatingAdd(_loop.Now, delay.Ticks), token);
    }

    /// <summary>Cancels a link session's timer; false when it already fired or was cancelled.</summary>
    internal bool CancelLinkTimer(int pairIndex, TimerId timer) => _loop.CancelTimer(timer, -1 - pairIndex);

    internal bool CancelTimerOf(int node, TimerId timer)
    {
        if (!_loop.CancelTimer(timer, node))
        {
            return false;
        }

        RecordEvent(TraceEventKind.TimerCancelled, node, -1, 0, 0, timer.Number, DropCause.None, null);
        return true;
    }

    /// <summary><paramref name="now"/> + <paramref name="ticks"/>, or the end of time if that overflows: such an event simply never happens within the time limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long SaturatingAdd(long now, long ticks)
    {
        long at = now + ticks;
        return at < now ? long.MaxValue : at;
    }
}
