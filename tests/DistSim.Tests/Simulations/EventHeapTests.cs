using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

/// <summary>
/// The kernel's heap against a sorted-set model, over random mixes of its operations: entries leave in key order (time,
/// then sequence) whatever the mix, a lazy <see cref="EventHeap.RemoveTop"/> is indistinguishable from an immediate
/// removal to every later operation (a push that replaces the top, a peek, a scan, a rebuild), a rebuild from any
/// subset keeps exactly that subset, and the prefetch guess (<see cref="EventHeap.TryGuessNext"/>) is the entry that
/// leaves next when nothing is pushed first.
/// </summary>
public class EventHeapTests
{
    [Property(MaxTest = 100)]
    public bool EntriesLeaveInKeyOrder_AndALazyRemovalIsARemoval_ForAnyMixOfOperations(ulong seed, PositiveInt length, bool branches)
    {
        var random = new DistSim.Random.RandomStream(seed);

        // Both ways a sift picks a child: without branches (a heap that fits in the caches) and with them (a larger one).
        var heap = new EventHeap(capacity: 1 + (int)random.NextBelow(8), branchFreeUpTo: branches ? 0 : int.MaxValue); // small: growth happens too
        var model = new SortedSet<(long Time, long Sequence, int Slot)>();
        long sequence = 0;
        long fault = long.MinValue;
        int operations = 500 + (length.Get % 3000);
        for (int i = 0; i < operations; i++)
        {
            ulong op = random.NextBelow(20);
            if (op < 8 || model.Count == 0)
            {
                // Few distinct times, so ties are decided by the sequence; now and then a fault's negative sequence.
                long time = (long)random.NextBelow(12);
                long seq = random.NextBelow(10) == 0 ? fault++ : sequence++;
                var entry = new HeapEntry(time, seq, i, NodeOf(i)); // the node is a hint: it never takes part in the order
                heap.Enqueue(entry);
                model.Add((entry.Time, entry.Sequence, entry.Slot));
            }
            else if (op < 12)
            {
                // The lazy pop: the kernel takes the top, then usually pushes (a timer set again).
                if (!heap.TryPeek(out HeapEntry top) || top != ToEntry(model.Min))
                {
                    return false;
                }

                heap.RemoveTop();
                model.Remove(model.Min);

                // The prefetch guess is exact when no push follows: the smallest of the old top's children is the
                // smallest entry left (and is what the next peek returns).
                if (heap.TryGuessNext(out HeapEntry guess) != model.Count > 0 || (model.Count > 0 && guess != ToEntry(model.Min)))
                {
                    return false;
                }
            }
            else if (op < 15)
            {
                int slot = heap.Dequeue();
                if (slot != model.Min.Slot)
                {
                    return false;
                }

                model.Remove(model.Min);
            }
            else if (op < 17)
            {
                HashSet<(long, long, int)> scanned = [.. heap.Entries.ToArray().Select(e => (e.Time, e.Sequence, e.Slot))];
                if (!scanned.SetEquals(model))
                {
                    return false;
                }
            }
            else if (op < 18)
            {
                // A rebuild from a random subset (the queue drops cancelled entries this way).
                HeapEntry[] kept = [.. heap.Entries.ToArray().Where(_ => random.NextBelow(3) != 0)];
                heap.Rebuild(kept);
                model = new SortedSet<(long, long, int)>(kept.Select(e => (e.Time, e.Sequence, e.Slot)));
            }
            else if (op < 19 && random.NextBelow(20) == 0)
            {
                heap.Rebuild([]); // emptied
                model.Clear();
            }

            if (heap.Count != model.Count || (model.Count > 0 && (!heap.TryGuessNext(out HeapEntry next) || next != ToEntry(model.Min))))
            {
                return false;
            }
        }

        while (model.Count > 0)
        {
            if (heap.Dequeue() != model.Min.Slot)
            {
                return false;
            }

            model.Remove(model.Min);
        }

        return heap.Count == 0 && !heap.TryPeek(out _);
    }

    [Fact]
    public void APushAfterALazyRemoval_TakesTheTopsPlace_AndTheRestIsUntouched()
    {
        var heap = new EventHeap(capacity: 4);
        foreach (long t in new long[] { 5, 1, 9, 3, 7 })
        {
            heap.Enqueue(new HeapEntry(t, t, (int)t, -1));
        }

        heap.RemoveTop(); // the entry at time 1
        Assert.Equal(4, heap.Count);
        heap.Enqueue(new HeapEntry(4, 100, 4, -1));
        Assert.Equal(5, heap.Count);
        var order = new List<long>();
        while (heap.Count > 0)
        {
            order.Add(heap.Dequeue());
        }

        Assert.Equal([3L, 4, 5, 7, 9], order);
    }

    private static HeapEntry ToEntry((long Time, long Sequence, int Slot) m) => new(m.Time, m.Sequence, m.Slot, NodeOf(m.Slot));

    private static int NodeOf(int slot) => (int)((uint)slot * 2654435761u % 1000) - 1; // unrelated to the key: −1 … 998
}
