namespace DistSim;

/// <summary>What a pending event does when it runs.</summary>
internal enum EventKind : byte
{
    Start = 1,
    Deliver = 2,
    Timer = 3,
}

/// <summary>
/// A pending event: a small struct with no allocation of its own. <see cref="Payload"/> is the user's
/// message or timer state (already allocated by the user).
/// </summary>
internal readonly struct ScheduledEvent(EventKind kind, int node, int peer, int slot, long id, long packet, object? payload)
{
    public EventKind Kind { get; } = kind;

    /// <summary>The node that handles the event (the receiver of a delivery).</summary>
    public int Node { get; } = node;

    /// <summary>The sender of a delivery; -1 otherwise.</summary>
    public int Peer { get; } = peer;

    /// <summary>The timer slot of a timer event.</summary>
    public int Slot { get; } = slot;

    /// <summary>The message id of a delivery, or the timer number of a timer event.</summary>
    public long Id { get; } = id;

    /// <summary>The packet id of a delivery.</summary>
    public long Packet { get; } = packet;

    public object? Payload { get; } = payload;
}

/// <summary>The order of pending events: virtual time, then insertion sequence (FIFO among equals).</summary>
internal readonly struct EventKey(long time, long sequence) : IComparable<EventKey>
{
    public long Time { get; } = time;

    public long Sequence { get; } = sequence;

    public int CompareTo(EventKey other)
    {
        int c = Time.CompareTo(other.Time);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }
}
