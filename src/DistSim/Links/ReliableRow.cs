namespace DistSim.Links;

/// <summary>
/// The whole state of one ordered pair of the reliable link, as a value: what a <see cref="ReliableProtocol"/> keeps in
/// its table. It holds no reference (the outstanding entries and the receiver's flags are places in the protocol's
/// slabs, the backlog is in a side table), so a table of a million rows is never scanned by the garbage collector.
/// </summary>
internal struct ReliableRow
{
    /// <summary>The session's counts (<see cref="LinkCounters"/> views them).</summary>
    public LinkCounts Counts;

    // The sender's half. Messages [Base, NextSeq) are unacknowledged or acknowledged out of order.

    /// <summary>The next message's sequence number in the current stream.</summary>
    public long NextSeq;

    /// <summary>The oldest message of the stream not yet acknowledged (the window's start).</summary>
    public long Base;

    /// <summary>The sender end's boot counter (it survives the sender's crashes).</summary>
    public long SenderIncarnation;

    /// <summary>The receiver incarnation the stream is bound to (0: not known yet, so only one probe is on the wire).</summary>
    public long BoundTo;

    // The receiver's half. Every sequence number <= Cumulative of the stream (StreamFrom, ReceiverIncarnation) was
    // delivered; the seen flags cover (Cumulative, Cumulative + SeenLength].

    /// <summary>The highest sequence number up to which every message of the stream was delivered.</summary>
    public long Cumulative;

    /// <summary>The receiver end's boot counter (it survives its crashes).</summary>
    public long ReceiverIncarnation;

    /// <summary>The newest sender incarnation the receiver has taken a stream from (0: none yet).</summary>
    public long StreamFrom;

    /// <summary>+1 whenever the numbering or the binding changes: timers set before are ignored (its low 16 bits go into a timer's token).</summary>
    public int SenderEpoch;

    /// <summary>Where the send ring starts in the protocol's slab of outstanding entries.</summary>
    public int Ring;

    /// <summary>The send ring's length (a power of two), 0 while nothing is outstanding.</summary>
    public int RingLength;

    /// <summary>Where the receiver's ring of flags starts in the protocol's slab of flags.</summary>
    public int Seen;

    /// <summary>The receiver's ring length (a power of two), 0 while nothing beyond the cumulative point was delivered.</summary>
    public int SeenLength;

    /// <summary>How many flags of the receiver's ring are set (the ring goes back to the slab at 0).</summary>
    public int SeenCount;

    /// <summary>Messages in the backlog (the side table's queue of this row), waiting for the window to open.</summary>
    public int Queued;

    /// <summary>The pair's index in the network (the kernel's table), or 0 for a session of its own.</summary>
    public int Pair;

    /// <summary>The index of the opposite pair + 1 (its acknowledgements' path), 0 until looked up.</summary>
    public int Reverse;

    /// <summary>A fresh session's state: both incarnations 1, numbering from 1, nothing outstanding.</summary>
    public static ReliableRow Fresh(int pair) => new()
    {
        NextSeq = 1,
        Base = 1,
        SenderIncarnation = 1,
        ReceiverIncarnation = 1,
        Pair = pair,
    };
}

/// <summary>
/// Rings of many sessions in one array: a segment of a power-of-two length is taken and given back, and freed segments
/// of each length are reused first. Growing the array moves every segment: hold no reference into it across a call
/// that may take a segment.
/// </summary>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class SegmentSlab<T>
{
    private readonly List<int>?[] _free = new List<int>?[32]; // by log2 of the length
    private int _used;

    /// <summary>The entries; a segment is [start, start + length).</summary>
    public T[] Items { get; private set; } = [];

    /// <summary>Entries in use or free for reuse (the slab's high-water mark).</summary>
    public int Used => _used;

    /// <summary>A segment of <paramref name="length"/> (a power of two) cleared entries; returns its start.</summary>
    public int Take(int length)
    {
        int log = System.Numerics.BitOperations.Log2((uint)length);
        if (_free[log] is { Count: > 0 } free)
        {
            int start = free[^1];
            free.RemoveAt(free.Count - 1);
            return start;
        }

        if (_used + length > Items.Length)
        {
            T[] items = Items;
            Array.Resize(ref items, Math.Max(_used + length, Math.Max(16, Items.Length * 2)));
            Items = items;
        }

        int at = _used;
        _used += length;
        return at;
    }

    /// <summary>Gives back the segment at <paramref name="start"/> of <paramref name="length"/> entries, clearing it (it holds no reference then).</summary>
    public void Give(int start, int length)
    {
        Array.Clear(Items, start, length);
        (_free[System.Numerics.BitOperations.Log2((uint)length)] ??= []).Add(start);
    }
}
