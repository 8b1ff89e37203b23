using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistSim;

/// <summary>
/// The event queue's priority queue: a 4-ary min-heap of <see cref="HeapEntry"/> (a key — time, then sequence — the
/// event's slab slot and a node to prefetch), ordered by key. Keys are unique (the sequence is), so the order in which
/// entries leave is a function of the keys alone, never of the heap's shape: runs are the same whatever sifts happen,
/// and whenever a pending lazy removal is carried out (a prefetch hint may carry it out early).
/// </summary>
/// <remarks>
/// <para>Written for the kernel rather than taken from <see cref="PriorityQueue{TElement, TPriority}"/> for two
/// reasons. The comparison is two integer compares inlined into the sifts (the generic queue calls the key's
/// <c>CompareTo</c> at every level). And taking the top is lazy (<see cref="RemoveTop"/>): the common event — a timer
/// that fires and is set again, a message that is answered — pushes right after it pops, and the push then
/// <em>replaces</em> the top and sifts once (<c>heapreplace</c>), where a pop and a push would sift twice. Any other
/// operation first completes the pending pop, so the heap behaves exactly as if the pop had happened at once.</para>
/// <para>Under FIFO order and for faults the sequence is a counter, so keys are unique. Under random tie-break it is a
/// 63-bit draw: two events due at one instant with equal draws (one chance in about 10^19 per pair; a run that has a
/// billion such pairs has about one chance in 10^10 of meeting one) would leave in an order that depends on the
/// heap's shape, which is still the same for the same seed with prefetch hints off, but could differ with them on.</para>
/// </remarks>
internal sealed class EventHeap
{
    private const int Arity = 4;

    /// <summary>
    /// Up to this many entries (96 KB) a sift picks the smallest child without branches; in a larger heap, whose levels
    /// miss the caches, the branches let the processor guess the path and start loading the next level before the
    /// comparison is known, which is worth more than the mispredictions. Measured with <c>bench --workload timers</c>
    /// (a heap of K entries), alternating builds: without branches K = 1,000 gained 3–5 % (6 of 7 pairs of runs), while
    /// K = 100,000 lost about a tenth and K = 1,000,000 a fifth or more.
    /// </summary>
    private const int BranchFreeUpTo = 4096;
    private readonly int _branchFreeUpTo;
    private HeapEntry[] _entries;
    private int _count;
    private bool _topTaken; // RemoveTop was called and not yet carried out: _entries[0] is no longer in the heap

    /// <summary>An empty heap with room for <paramref name="capacity"/> entries before it grows.</summary>
    /// <param name="capacity">Room before the heap grows.</param>
    /// <param name="branchFreeUpTo">The size up to which a sift picks a child without branches (tests pick 0 to run the other way).</param>
    public EventHeap(int capacity, int branchFreeUpTo = BranchFreeUpTo)
    {
        _entries = new HeapEntry[Math.Max(capacity, Arity)];
        _branchFreeUpTo = branchFreeUpTo;
    }

    /// <summary>Entries in the heap.</summary>
    public int Count => _topTaken ? _count - 1 : _count;

    /// <summary>The entries, in no particular order (for a full scan: a digest, a mark, a rebuild). Valid until the next change.</summary>
    public ReadOnlySpan<HeapEntry> Entries
    {
        get
        {
            Settle();
            return new ReadOnlySpan<HeapEntry>(_entries, 0, _count);
        }
    }

    /// <summary>The smallest entry, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPeek(out HeapEntry top)
    {
        Settle();
        if (_count == 0)
        {
            top = default;
            return false;
        }

        top = _entries[0];
        return true;
    }

    /// <summary>Removes the smallest entry (there is one: see <see cref="TryPeek"/>) and returns its slot.</summary>
    public int Dequeue()
    {
        Settle();
        int slot = _entries[0].Slot;
        RemoveTopNow();
        return slot;
    }

    /// <summary>
    /// Removes the smallest entry (there is one), lazily: if the next call is <see cref="Enqueue"/>, the new entry takes
    /// its place with a single sift.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveTop()
    {
        Settle();
        _topTaken = true;
    }

    /// <summary>Adds an entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enqueue(in HeapEntry entry)
    {
        if (_topTaken)
        {
            _topTaken = false;
            SiftDown(0, entry);
            return;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        SiftUp(_count++, entry);
    }

    /// <summary>
    /// The entry most likely to be the top once the current event has run: while a <see cref="RemoveTop"/> is pending,
    /// the smallest of the old top's children (the new top, unless the push that follows sorts before it); otherwise the
    /// top. A guess for prefetching (<see cref="Prefetch"/>) and nothing more: it reads the heap and changes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGuessNext(out HeapEntry next)
    {
        HeapEntry[] entries = _entries;
        if (!_topTaken)
        {
            next = _count > 0 ? entries[0] : default;
            return _count > 0;
        }

        int end = Math.Min(1 + Arity, _count);
        if (end <= 1)
        {
            next = default;
            return false;
        }

        int min = 1;
        for (int c = 2; c < end; c++)
        {
            if (Less(entries[c], entries[min]))
            {
                min = c;
            }
        }

        next = entries[min];
        return true;
    }

    /// <summary>Replaces the entries with <paramref name="entries"/> and restores the heap order in O(n).</summary>
    public void Rebuild(ReadOnlySpan<HeapEntry> entries)
    {
        _topTaken = false;
        if (_entries.Length < entries.Length)
        {
            _entries = new HeapEntry[entries.Length];
        }

        entries.CopyTo(_entries);
        _count = entries.Length;
        for (int i = (_count - 2) / Arity; i >= 0; i--)
        {
            SiftDown(i, _entries[i]);
        }
    }

    /// <summary>Carries out a pending <see cref="RemoveTop"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Settle()
    {
        if (_topTaken)
        {
            _topTaken = false;
            RemoveTopNow();
        }
    }

    private void RemoveTopNow()
    {
        int last = --_count;
        if (last > 0)
        {
            SiftDown(0, _entries[last]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in HeapEntry a, in HeapEntry b) => a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    /// <summary><see cref="Less"/> computed without a branch (see <see cref="SiftDown"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool LessNoBranch(in HeapEntry a, in HeapEntry b) => (a.Time < b.Time) | ((a.Time == b.Time) & (a.Sequence < b.Sequence));

    /// <summary>Puts <paramref name="entry"/> in the hole at <paramref name="hole"/> (the last place, or a leaf's) and moves it up.</summary>
    private void SiftUp(int hole, in HeapEntry entry)
    {
        HeapEntry[] entries = _entries;
        while (hole > 0)
        {
            int parent = (hole - 1) / Arity;
            if (!Less(entry, entries[parent]))
            {
                break;
            }

            entries[hole] = entries[parent];
            hole = parent;
        }

        entries[hole] = entry;
    }

    /// <summary>Puts <paramref name="entry"/> in the hole at <paramref name="hole"/> and moves it down among the first <c>_count</c> entries.</summary>
    private void SiftDown(int hole, HeapEntry entry)
    {
        HeapEntry[] entries = _entries;
        ref HeapEntry at0 = ref MemoryMarshal.GetArrayDataReference(entries);
        int count = _count;
        while (true)
        {
            int first = (hole * Arity) + 1;
            int min;
            if (first + Arity <= count && count <= _branchFreeUpTo)
            {
                // All four children of a heap that fits in the caches: a tournament without branches. Which child is
                // smallest is a coin toss for the branch predictor, and a wrong guess costs more than the comparisons.
                // Keys are unique, so this picks the same child as the loop below.
                int m01 = Pick(LessNoBranch(Unsafe.Add(ref at0, first + 1), Unsafe.Add(ref at0, first)), first, first + 1);
                int m23 = Pick(LessNoBranch(Unsafe.Add(ref at0, first + 3), Unsafe.Add(ref at0, first + 2)), first + 2, first + 3);
                min = Pick(LessNoBranch(Unsafe.Add(ref at0, m23), Unsafe.Add(ref at0, m01)), m01, m23);
            }
            else if (first >= count)
            {
                break;
            }
            else
            {
                min = first;
                int end = Math.Min(first + Arity, count);
                for (int c = first + 1; c < end; c++)
                {
                    if (Less(entries[c], entries[min]))
                    {
                        min = c;
                    }
                }
            }

            if (!Less(Unsafe.Add(ref at0, min), entry))
            {
                break;
            }

            Unsafe.Add(ref at0, hole) = Unsafe.Add(ref at0, min);
            hole = min;
        }

        entries[hole] = entry;
    }

    /// <summary><paramref name="b"/> when <paramref name="takeB"/>, else <paramref name="a"/>, by a mask rather than a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Pick(bool takeB, int a, int b) => a ^ ((a ^ b) & -Unsafe.BitCast<bool, byte>(takeB));
}

/// <summary>
/// An entry of the <see cref="EventHeap"/>: the event's key (time, then sequence: unique), its slab slot, and the node
/// that will handle it. The node is a hint for prefetching (<see cref="Prefetch"/>) and takes the four bytes the entry
/// would otherwise pad with; the order uses the key alone.
/// </summary>
/// <param name="Time">When the event is due, in ticks.</param>
/// <param name="Sequence">The order among events due at one time (negative for faults: first).</param>
/// <param name="Slot">The event's slot in the queue's slab.</param>
/// <param name="Node">The node that handles the event (a control event, which has none, carries 0; −1 or any value out of range: nothing is prefetched); a hint, never part of the order.</param>
internal readonly record struct HeapEntry(long Time, long Sequence, int Slot, int Node);
