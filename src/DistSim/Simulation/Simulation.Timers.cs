using System.Runtime.CompilerServices;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// Timers: a slot table so that setting, firing and cancelling allocate nothing in steady state. A slot
/// holds the number of the pending timer in it (0 when free); a queued timer event whose number no
/// longer matches its slot was cancelled and is discarded when it reaches the head of the queue.
/// </summary>
public sealed partial class Simulation
{
    private long[] _timerNumbers = new long[64];
    private int[] _timerOwners = new int[64];
    private int[] _freeSlots = new int[64];
    private int _freeCount;
    private int _slotsUsed;
    private long _lastTimerNumber;

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
        Schedule(at, new ScheduledEvent(EventKind.Timer, node, -1, slot, number, 0, state));
        return new TimerId(number, slot);
    }

    internal bool CancelTimerOf(int node, TimerId timer)
    {
        if (timer.Number == 0 || !IsTimerPending(timer.Slot, timer.Number) || _timerOwners[timer.Slot] != node)
        {
            return false;
        }

        ReleaseTimer(timer.Slot);
        RecordEvent(TraceEventKind.TimerCancelled, node, -1, 0, 0, timer.Number, DropCause.None, null);
        return true;
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
        }

        return _slotsUsed++;
    }
}
