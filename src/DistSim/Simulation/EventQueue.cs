namespace DistSim;

/// <summary>
/// The pending events and the one place that decides which runs next: by time, and among events due at
/// the same time either in the order they were scheduled (FIFO, the default) or in a seeded random order
/// (<see cref="SchedulingStrategy.RandomTieBreak"/>: the tiebreak key is a draw from the <c>scheduler</c>
/// stream). Further exploration strategies (PCT) belong here and nowhere else.
/// </summary>
/// <remarks>
/// <para>The heap orders small entries (a slab index and an <see cref="EventKey"/>, 24 bytes) so that a
/// sift moves as little memory as a bare priority queue of keys would; the events themselves stay put
/// in a slab array with a free list. Neither allocates once the arrays have grown.</para>
/// <para>Cancellation (a cancelled timer, an acknowledged message's retransmission timer) empties the event's slab
/// slot at once; its heap entry is dropped when it reaches the top, or earlier, all together, when cancelled entries
/// outnumber live ones (the heap is rebuilt without them). So the heap never holds more than about twice the live
/// events, and cancelling costs O(1) amortised with no per-sift bookkeeping. Removing entries never reorders the
/// others: runs are the same with and without the rebuilds.</para>
/// </remarks>
internal sealed class EventQueue(DistSim.Random.RandomStream? tieBreak = null)
{
    private readonly PriorityQueue<int, EventKey> _heap = new(initialCapacity: 1024);
    private ScheduledEvent[] _slab = new ScheduledEvent[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _slabUsed;
    private long _sequence;
    private int _cancelled;
    private (int Slot, EventKey Key)[] _survivors = [];

    /// <summary>Live events: scheduled, not yet run, not cancelled.</summary>
    public int Count => _heap.Count - _cancelled;

    /// <summary>The pending event in <paramref name="slot"/> (as returned by <see cref="Schedule"/>).</summary>
    public ref readonly ScheduledEvent At(int slot) => ref _slab[slot];

    /// <summary>
    /// Cancels the pending event in <paramref name="slot"/>; the caller has checked that the slot still holds the
    /// event it means (slots are reused once an event leaves the queue).
    /// </summary>
    public void Cancel(int slot)
    {
        _slab[slot] = default; // kind 0: cancelled; the payload is released now
        _cancelled++;
        if (_cancelled > 1024 && _cancelled > _heap.Count / 2)
        {
            DropCancelled();
        }
    }

    /// <summary>Schedules an event; returns its slot, the handle for <see cref="Cancel"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Schedule(long time, in ScheduledEvent e)
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
        return slot;
    }

    /// <summary>The event that runs next and its time, without removing it (cancelled events are dropped on the way).</summary>
    public bool TryPeekNext(out ScheduledEvent e, out long time)
    {
        while (_heap.TryPeek(out int slot, out EventKey key))
        {
            if (_slab[slot].Kind == 0)
            {
                RemoveNext(); // cancelled
                _cancelled--;
                continue;
            }

            e = _slab[slot];
            time = key.Time;
            return true;
        }

        e = default;
        time = 0;
        return false;
    }

    /// <summary>Rebuilds the heap from its live entries (in O(n)); their order is a function of their keys alone.</summary>
    private void DropCancelled()
    {
        if (_survivors.Length < _heap.Count)
        {
            _survivors = new (int, EventKey)[_heap.Count];
        }

        int live = 0;
        foreach ((int slot, EventKey key) in _heap.UnorderedItems)
        {
            if (_slab[slot].Kind == 0)
            {
                Free(slot);
            }
            else
            {
                _survivors[live++] = (slot, key);
            }
        }

        _heap.Clear();
        _heap.EnqueueRange(new ArraySegment<(int, EventKey)>(_survivors, 0, live));
        Array.Clear(_survivors, 0, live);
        _cancelled = 0;
    }

    /// <summary>Removes the event <see cref="TryPeekNext"/> returned.</summary>
    public void RemoveNext() => Free(_heap.Dequeue());

    private void Free(int slot)
    {
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
