namespace DistSim;

/// <summary>
/// The pending events and the one place that decides which runs next: by time, and among events due at
/// the same time either in the order they were scheduled (FIFO, the default) or in a seeded random order
/// (<see cref="SchedulingStrategy.RandomTieBreak"/>: the tiebreak key is a draw from the <c>scheduler</c>
/// stream), or, under a strategy that picks (<see cref="Scheduling.Scheduler"/>: PCT, delay-bounding, a user's), as
/// the strategy picks among the candidates this queue offers (<c>EventQueue.Controlled.cs</c>).
/// </summary>
/// <remarks>
/// <para>The heap (<see cref="EventHeap"/>) orders small entries (a key, a slab index and a node to prefetch: 24 bytes) so that a
/// sift moves as little memory as a bare priority queue of keys would; the events themselves stay put
/// in a slab array with a free list. Neither allocates once the arrays have grown.</para>
/// <para>Cancellation (a cancelled timer, an acknowledged message's retransmission timer) empties the event's slab
/// slot at once; its heap entry is dropped when it reaches the top, or earlier, all together, when cancelled entries
/// outnumber live ones (the heap is rebuilt without them). So the heap never holds more than about twice the live
/// events, and cancelling costs O(1) amortised with no per-sift bookkeeping. Removing entries never reorders the
/// others: runs are the same with and without the rebuilds.</para>
/// <para>The lane. In FIFO order, events scheduled one after another for one instant (typically the instant of the
/// event that ran last: a node's start, a scripted action, a zero-delay packet, an event released by a resume) are
/// already sorted among themselves: they go to a plain first-in first-out ring instead of the heap, and the ring's head
/// and the heap's top are compared by key (time, then sequence) when the next event is taken, so the order is exactly
/// the heap's alone. The ring holds its events inline and shrinks back when it drains, so a
/// million nodes starting at time zero leave no slab or heap behind. Timers never take the lane (they can be
/// cancelled by their slot).</para>
/// </remarks>
internal sealed partial class EventQueue(DistSim.Random.RandomStream? tieBreak = null, bool controlled = false)
{
    // Small at first: a sweep builds a simulation per seed, and most runs never hold more than a few dozen events at
    // once (every array here doubles as needed).
    private readonly EventHeap _heap = new(capacity: InitialCapacity);
    private ScheduledEvent[] _slab = new ScheduledEvent[InitialCapacity];
    private int[] _free = new int[InitialCapacity];
    private int _freeCount;
    private int _slabUsed;
    private long _sequence;
    private long _faultSequence = long.MinValue; // fault events sort before every other event of their instant
    private int _cancelled;
    private HeapEntry[] _survivors = [];
    private LaneEntry[] _lane = new LaneEntry[LaneMinimum];
    private int _laneHead;
    private int _laneCount;
    private long _clock; // the time of the event taken last
    private long _laneTime; // the time of every event in the lane
    private bool _peekedLane;
    private readonly bool _laneOpen = tieBreak is null && !controlled; // a strategy that picks sees every event in the heap

    private const int LaneMinimum = 64;
    private const int InitialCapacity = 64;

    /// <summary>Live events: scheduled, not yet run, not cancelled.</summary>
    public int Count => _heap.Count - _cancelled + _laneCount;

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

    /// <summary>
    /// Marks every pending packet from <paramref name="from"/> to <paramref name="to"/> not yet counted in its path's
    /// in-flight total as counted; returns how many. O(pending events): only a capacity set on a path in use needs it.
    /// </summary>
    public int MarkPackets(int from, int to)
    {
        int marked = 0;
        foreach (HeapEntry entry in _heap.Entries)
        {
            ref ScheduledEvent e = ref _slab[entry.Slot];
            if (e.Kind == EventKind.Packet && e.Peer == from && e.Node == to && !e.Counted)
            {
                e = e.AsCounted();
                marked++;
            }
        }

        for (int i = 0; i < _laneCount; i++)
        {
            ref LaneEntry entry = ref _lane[(_laneHead + i) & (_lane.Length - 1)];
            if (entry.Event is { Kind: EventKind.Packet, Counted: false } e && e.Peer == from && e.Node == to)
            {
                entry = entry with { Event = e.AsCounted() };
                marked++;
            }
        }

        return marked;
    }

    /// <summary>
    /// An order-free digest of the live pending events — kind, node, peer, time from <paramref name="now"/>, and the
    /// payload's canonical encoding (its type name when it has none) — for the explorer's state hash. Ids are left out:
    /// two paths that reach one state number their messages differently. O(pending events).
    /// </summary>
    public ulong Digest(long now, int[]? rename = null)
    {
        ulong sum = 0;
        foreach (HeapEntry entry in _heap.Entries)
        {
            if (_slab[entry.Slot].Kind != 0)
            {
                sum += EventDigest(_slab[entry.Slot], entry.Time - now, rename);
            }
        }

        for (int i = 0; i < _laneCount; i++)
        {
            sum += EventDigest(_lane[(_laneHead + i) & (_lane.Length - 1)].Event, _laneTime - now, rename);
        }

        return sum;
    }

    private static ulong EventDigest(in ScheduledEvent e, long delay, int[]? rename)
    {
        static int Renamed(int node, int[]? rename) => rename is not null && (uint)node < (uint)rename.Length ? rename[node] : node;
        ulong h = (ulong)e.Kind * 0x9E3779B97F4A7C15UL;
        h = (h ^ (uint)(e.Kind == EventKind.Control ? e.Node : Renamed(e.Node, rename))) * 0xC2B2AE3D27D4EB4FUL; // a control event's node is no node
        h = (h ^ (uint)Renamed(e.Peer, rename)) * 0x165667B19E3779F9UL;
        h = (h ^ (ulong)delay) * 0x85EBCA77C2B2AE63UL;
        h = (h ^ (ulong)e.TimerSlot) * 0x9E3779B97F4A7C15UL; // two timers of one node due together are two events
        return (h ^ (e.Kind is EventKind.Control or EventKind.NodeAction or EventKind.Continuation ? TypeDigest(e.Payload) : PayloadDigest(Links.FrameCarrier.Observe(e.Payload)))) * 0x27D4EB2F165667C5UL;
    }

    private static ulong TypeDigest(object? payload) => payload is null ? 0 : Messages.TypeNames.Tag(payload.GetType());

    private static ulong PayloadDigest(object? payload)
    {
        if (payload is null)
        {
            return 0;
        }

        try
        {
            return System.IO.Hashing.XxHash64.HashToUInt64(Messages.MessageCodec.Encode(payload));
        }
        catch (Messages.MessageEncodingException)
        {
            return TypeDigest(payload);
        }
    }

    /// <summary>Schedules an event; returns its slot, the handle for <see cref="Cancel"/> (−1 for an event in the lane, which cannot be cancelled).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Schedule(long time, in ScheduledEvent e)
    {
        if (_laneOpen && (_laneCount == 0 ? time == _clock : time == _laneTime) && e.Kind is not (EventKind.Timer or EventKind.LinkTimer))
        {
            _laneTime = time;
            ToLane(e);
            return -1;
        }

        int slot = TakeSlot();
        _slab[slot] = e;
        _heap.Enqueue(new HeapEntry(time, tieBreak is null ? _sequence++ : (long)(tieBreak.NextUInt64() >> 1), slot, e.Node));
        return slot;
    }

    /// <summary>
    /// Schedules a fault (a crash, restart, pause, partition … injected by the nemesis or a fault schedule): among the
    /// events due at <paramref name="time"/> it runs before every other, faults among themselves in the order they were
    /// scheduled, whatever the strategy; it draws nothing from the tie-break stream. So where a fault sits in its
    /// instant does not depend on when it was scheduled, and a run whose faults are replayed from a schedule written
    /// down in advance is the run that drew them at random. Returns the slot (cancellable like any heap event).
    /// </summary>
    public int ScheduleFault(long time, in ScheduledEvent e)
    {
        int slot = TakeSlot();
        _slab[slot] = e;
        _heap.Enqueue(new HeapEntry(time, _faultSequence++, slot, e.Node));
        return slot;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int TakeSlot()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if (_slabUsed == _slab.Length)
        {
            Array.Resize(ref _slab, _slab.Length * 2);
        }

        return _slabUsed++;
    }

    /// <summary>The event that runs next and its time, without removing it (cancelled events are dropped on the way).</summary>
    public bool TryPeekNext(out ScheduledEvent e, out long time)
    {
        while (_heap.TryPeek(out HeapEntry key))
        {
            int slot = key.Slot;
            if (_slab[slot].Kind == 0)
            {
                Free(_heap.Dequeue()); // cancelled
                _cancelled--;
                continue;
            }

            if (_laneCount > 0 && (key.Time > _laneTime || (key.Time == _laneTime && key.Sequence > _lane[_laneHead].Sequence)))
            {
                break; // the lane's head comes first
            }

            _peekedLane = false;
            e = _slab[slot];
            time = key.Time;
            return true;
        }

        if (_laneCount > 0)
        {
            _peekedLane = true;
            e = _lane[_laneHead].Event;
            time = _laneTime;
            return true;
        }

        e = default;
        time = 0;
        return false;
    }

    private void ToLane(in ScheduledEvent e)
    {
        if (_laneCount == _lane.Length)
        {
            var grown = new LaneEntry[_lane.Length * 2];
            for (int i = 0; i < _laneCount; i++)
            {
                grown[i] = _lane[(_laneHead + i) & (_lane.Length - 1)];
            }

            _lane = grown;
            _laneHead = 0;
        }

        _lane[(_laneHead + _laneCount) & (_lane.Length - 1)] = new LaneEntry(e, _sequence++);
        _laneCount++;
    }

    private void TakeFromLane()
    {
        _lane[_laneHead] = default; // the ring is small and short-lived: release the payload now
        _laneHead = (_laneHead + 1) & (_lane.Length - 1);
        if (--_laneCount == 0 && _lane.Length > 4096)
        {
            _lane = new LaneEntry[LaneMinimum]; // a burst (a million starts) does not stay allocated
            _laneHead = 0;
        }
    }

    /// <summary>Rebuilds the heap from its live entries (in O(n)); their order is a function of their keys alone.</summary>
    private void DropCancelled()
    {
        if (_survivors.Length < _heap.Count)
        {
            _survivors = new HeapEntry[_heap.Count];
        }

        int live = 0;
        foreach (HeapEntry entry in _heap.Entries)
        {
            if (_slab[entry.Slot].Kind == 0)
            {
                Free(entry.Slot);
            }
            else
            {
                _survivors[live++] = entry;
            }
        }

        _heap.Rebuild(new ReadOnlySpan<HeapEntry>(_survivors, 0, live));
        _cancelled = 0;
    }

    /// <summary>
    /// Prefetches the slab slot of the heap event likely to run after the one just taken (see
    /// <see cref="EventHeap.TryGuessNext"/>) and returns its node for the caller to prefetch (−1: no guess). Changes nothing.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int PrefetchLikelyNext()
    {
        if (!_heap.TryGuessNext(out HeapEntry next))
        {
            return -1;
        }

        Prefetch.Line(ref _slab[next.Slot]);
        return next.Node;
    }

    /// <summary>
    /// The node and the timer slot (−1: not a timer) of the heap event that runs next unless an event is scheduled before
    /// it (the heap's top, cancelled or not; the lane is not consulted); false when the heap is empty. For prefetching:
    /// it carries out a pending lazy removal (as the next <see cref="TryPeekNext"/> would: the heap's shape may differ
    /// from a run without hints, its order cannot, see <see cref="EventHeap"/>) and changes nothing else.
    /// </summary>
    public bool TryPeekTopHint(out int node, out int timerSlot)
    {
        if (!_heap.TryPeek(out HeapEntry top))
        {
            node = -1;
            timerSlot = -1;
            return false;
        }

        node = top.Node;
        timerSlot = _slab[top.Slot].TimerSlot;
        return true;
    }

    /// <summary>Removes the event <see cref="TryPeekNext"/> returned.</summary>
    public void RemoveNext()
    {
        if (_peekedLane)
        {
            TakeFromLane();
            _peekedLane = false;
            return;
        }

        _heap.TryPeek(out HeapEntry key);
        _heap.RemoveTop(); // lazily: a push that follows (a timer set again, an answer) takes its place with one sift
        int slot = key.Slot;
        _clock = key.Time;
        if (_slab[slot].Kind == EventKind.Continuation)
        {
            _slab[slot] = default; // a continuation holds node code's task: let it be collected (a fire-and-forget task is judged by that)
        }

        Free(slot);
    }

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

/// <summary>An event in the lane, with its place in the FIFO order.</summary>
internal readonly record struct LaneEntry(ScheduledEvent Event, long Sequence);

/// <summary>How the scheduler orders events that are due at the same virtual time.</summary>
public enum SchedulingStrategy
{
    /// <summary>In the order they were scheduled (the default).</summary>
    Fifo,

    /// <summary>In a random order drawn from the seed (stream <c>scheduler</c>): explores interleavings, still reproducibly.</summary>
    RandomTieBreak,
}
