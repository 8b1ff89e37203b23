namespace DistSim;

/// <summary>
/// The pending events and the one place that decides which runs next: by time, and among events due at
/// the same time either in the order they were scheduled (FIFO, the default) or in a seeded random order
/// (<see cref="SchedulingStrategy.RandomTieBreak"/>: the tiebreak key is a draw from the <c>scheduler</c>
/// stream). Further exploration strategies (PCT) belong here and nowhere else.
/// </summary>
/// <remarks>
/// The heap orders small entries (a slab index and an <see cref="EventKey"/>, 24 bytes) so that a
/// sift moves as little memory as a bare priority queue of keys would; the events themselves stay put
/// in a slab array with a free list. Neither allocates once the arrays have grown.
/// </remarks>
internal sealed class EventQueue(DistSim.Random.RandomStream? tieBreak = null)
{
    private readonly PriorityQueue<int, EventKey> _heap = new(initialCapacity: 1024);
    private ScheduledEvent[] _slab = new ScheduledEvent[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _slabUsed;
    private long _sequence;

    public int Count => _heap.Count;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Schedule(long time, in ScheduledEvent e)
    {
        int slot;
        if (_freeCount > 0)
        {
            slot = _free[--_freeCount];
        }
        else
        {
            if (_slabUsed == _slab.Length)
            {
                Array.Resize(ref _slab, _slab.Length * 2);
            }

            slot = _slabUsed++;
        }

        _slab[slot] = e;
        _heap.Enqueue(slot, new EventKey(time, tieBreak is null ? _sequence++ : (long)(tieBreak.NextUInt64() >> 1)));
    }

    /// <summary>The event that runs next and its time, without removing it.</summary>
    public bool TryPeekNext(out ScheduledEvent e, out long time)
    {
        if (_heap.TryPeek(out int slot, out EventKey key))
        {
            e = _slab[slot];
            time = key.Time;
            return true;
        }

        e = default;
        time = 0;
        return false;
    }

    /// <summary>Removes the event <see cref="TryPeekNext"/> returned.</summary>
    public void RemoveNext()
    {
        int slot = _heap.Dequeue();
        // The slot keeps its stale payload reference until it is reused (slots are reused last-in first-out,
        // so soon): clearing it would cost a GC write barrier on every event.
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = slot;
    }
}

/// <summary>How the scheduler orders events that are due at the same virtual time.</summary>
public enum SchedulingStrategy
{
    /// <summary>In the order they were scheduled (the default).</summary>
    Fifo,

    /// <summary>In a random order drawn from the seed (stream <c>scheduler</c>): explores interleavings, still reproducibly.</summary>
    RandomTieBreak,
}
