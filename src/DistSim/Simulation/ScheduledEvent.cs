using DistSim.Network;

namespace DistSim;

/// <summary>What a pending event does when it runs.</summary>
internal enum EventKind : byte
{
    /// <summary>A slot whose event was cancelled (<see cref="EventQueue.Cancel"/>).</summary>
    Cancelled = 0,

    Start = 1,
    Packet = 2,
    Timer = 3,
    LinkTimer = 4,
    Control = 5,

    /// <summary>A scripted action run inside a node, as one of its handlers (<see cref="Simulation.At{TNode}"/>).</summary>
    NodeAction = 6,

    /// <summary>Node code resuming after an await (<see cref="NodeContext.Post"/>): Slot is the incarnation, Payload the continuation.</summary>
    Continuation = 7,
}

/// <summary>
/// A pending event: a small struct with no allocation of its own. <see cref="Payload"/> is the user's
/// message or timer state (already allocated by the user), or a link's frame (for the built-in reliable links, a
/// pooled <see cref="Links.FrameCarrier"/> that this event holds while it is queued).
/// </summary>
/// <remarks>
/// Kind, mark, partition epoch and the in-flight flag share one 32-bit field (kind: 4 bits, mark: 4 bits, epoch: 23 bits,
/// counted: 1 bit) so
/// the struct stays at 40 bytes: every schedule and pop copies it.
/// </remarks>
internal readonly struct ScheduledEvent(
    EventKind kind, int node, int peer, int slot, long id, long packet, object? payload, PacketMark mark = PacketMark.None, int epoch = 0, bool counted = false)
{
    /// <summary>Partition epochs beyond this cannot be packed (about 8 million partition changes in one run).</summary>
    public const int EpochMax = (1 << 23) - 1;

    private const int CountedBit = unchecked((int)0x80000000);

    private readonly int _packed = (epoch << 8) | ((int)mark << 4) | (int)kind | (counted ? CountedBit : 0);

    public EventKind Kind => (EventKind)(_packed & 0xF);

    /// <summary>What the adversary did to a packet (ground truth, for the trace).</summary>
    public PacketMark Mark => (PacketMark)((_packed >> 4) & 0xF);

    /// <summary>The partition epoch a packet was sent in.</summary>
    public int Epoch => (_packed >> 8) & EpochMax;

    /// <summary>The same event, counted in its path's in-flight total.</summary>
    public ScheduledEvent AsCounted() => new(Kind, Node, Peer, Slot, Id, Packet, Payload, Mark, Epoch, counted: true);

    /// <summary>A packet counted in its path's in-flight total (its channel has a capacity): its arrival gives the place back.</summary>
    public bool Counted => _packed < 0;

    /// <summary>The node that handles the event (the receiver of a packet).</summary>
    public int Node { get; } = node;

    /// <summary>The sender of a packet; -1 otherwise.</summary>
    public int Peer { get; } = peer;

    /// <summary>The timer slot of a timer event; the link pair (session) index of a packet or link timer.</summary>
    public int Slot { get; } = slot;

    /// <summary>The message id of a packet, the timer number of a timer event, the token of a link timer.</summary>
    public long Id { get; } = id;

    /// <summary>The packet id of a packet.</summary>
    public long Packet { get; } = packet;

    public object? Payload { get; } = payload;

    /// <summary>The timer-table slot of a timer or link-timer event; −1 for any other event.</summary>
    public int TimerSlot
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // on every event taken: the JIT left it a call
        get => Kind switch
        {
            EventKind.Timer => Slot,
            EventKind.LinkTimer => Peer,
            _ => -1,
        };
    }

    /// <summary>The number of the timer a timer or link-timer event fires; 0 for any other event.</summary>
    public long TimerNumber
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Kind switch
        {
            EventKind.Timer => Id,
            EventKind.LinkTimer => Packet,
            _ => 0,
        };
    }
}
