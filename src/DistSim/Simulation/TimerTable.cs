using System.Runtime.CompilerServices;

namespace DistSim;

/// <summary>
/// The pending timers, of nodes and of link sessions, in one array of 24-byte slots: the number of the timer in the slot
/// (0 when free), its owner (a node, or −1 − the pair index for a link session's timer), the queue slot of its event,
/// and the links of its node's list — one cache line holds all a timer event needs. A node's pending timers form a
/// doubly linked list, so a crash releases that node's timers without scanning everyone's (a million nodes, random
/// crashes). Setting, firing and cancelling allocate nothing once the arrays have grown; freed slots are reused last
/// in, first out. Node timers are numbered 1, 2, … (the trace shows those numbers); link timers −1, −2, …, so the two
/// never collide and a link's timers never shift a node's numbers.
/// </summary>
internal sealed class TimerTable
{
    private Slot[] _slots = new Slot[64];
    private int[] _heads = new int[64]; // per node: its first pending timer's slot + 1 (0: none)
    private int[] _free = new int[64];
    private int _freeCount;
    private long _lastNodeNumber;
    private long _lastLinkNumber;

    /// <summary>Slots ever used: every pending timer is in [0, <see cref="Used"/>).</summary>
    public int Used { get; private set; }

    /// <summary>Takes a slot for a new node timer of <paramref name="node"/>; returns the slot and the timer's number.</summary>
    public (int Slot, long Number) TakeForNode(int node)
    {
        (int slot, long number) = Take(++_lastNodeNumber, node);
        if (node >= _heads.Length)
        {
            Array.Resize(ref _heads, Math.Max(node + 1, _heads.Length * 2));
        }

        int head = _heads[node] - 1;
        ref Slot s = ref _slots[slot];
        s.Prev = -1;
        s.Next = head;
        if (head >= 0)
        {
            _slots[head].Prev = slot;
        }

        _heads[node] = slot + 1;
        return (slot, number);
    }

    /// <summary>The slot of one pending timer of node <paramref name="node"/>, or −1 when it has none.</summary>
    public int AnyOf(int node) => node < _heads.Length ? _heads[node] - 1 : -1;

    /// <summary>Takes a slot for a new timer of the link session of pair <paramref name="pairIndex"/>.</summary>
    public (int Slot, long Number) TakeForLink(int pairIndex) => Take(--_lastLinkNumber, -1 - pairIndex);

    /// <summary>Whether timer <paramref name="number"/> is pending in <paramref name="slot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsPending(int slot, long number) => (uint)slot < (uint)Used && _slots[slot].Number == number;

    /// <summary>Whether timer <paramref name="number"/> is pending in <paramref name="slot"/> and belongs to <paramref name="owner"/>.</summary>
    public bool IsPendingFor(int slot, long number, int owner) => number != 0 && IsPending(slot, number) && _slots[slot].Owner == owner;

    /// <summary>Prefetches <paramref name="slot"/> (any value: out of range, nothing). See <see cref="Prefetch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchSlot(int slot)
    {
        if ((uint)slot < (uint)Used)
        {
            Prefetch.Line(ref _slots[slot]);
        }
    }

    /// <summary>The number of the timer in <paramref name="slot"/> (0 when free).</summary>
    public long NumberAt(int slot) => _slots[slot].Number;

    /// <summary>The queue slot of the timer's event (<see cref="EventQueue.Schedule"/>'s handle).</summary>
    public ref int EventOf(int slot) => ref _slots[slot].Event;

    /// <summary>Frees a slot.</summary>
    public void Release(int slot)
    {
        ref Slot s = ref _slots[slot];
        if (s.Owner >= 0)
        {
            // Unlink from its node's list.
            if (s.Prev >= 0)
            {
                _slots[s.Prev].Next = s.Next;
            }
            else
            {
                _heads[s.Owner] = s.Next + 1;
            }

            if (s.Next >= 0)
            {
                _slots[s.Next].Prev = s.Prev;
            }
        }

        s.Number = 0;
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (int Slot, long Number) Take(long number, int owner)
    {
        int slot;
        if (_freeCount > 0)
        {
            slot = _free[--_freeCount];
        }
        else
        {
            if (Used == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            slot = Used++;
        }

        ref Slot s = ref _slots[slot];
        s.Number = number;
        s.Owner = owner;
        return (slot, number);
    }

    private struct Slot
    {
        public long Number;
        public int Owner;
        public int Event;
        public int Next; // the node's next pending timer (node timers only), −1 at the end
        public int Prev;
    }
}
