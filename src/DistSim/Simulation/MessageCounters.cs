namespace DistSim;

/// <summary>Message counts of a run so far (each also visible event by event in the trace).</summary>
/// <remarks>Not thread-safe; read it between steps.</remarks>
public sealed class MessageCounters
{
    /// <summary>Messages handed to <c>Send</c>.</summary>
    public long Sent { get; internal set; }

    /// <summary>Packets delivered to a node's message handler (duplicates count).</summary>
    public long Delivered { get; internal set; }

    /// <summary>Packets dropped, for any cause.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Extra packets created by duplication.</summary>
    public long Duplicated { get; internal set; }

    /// <summary>Packets still in flight (scheduled for delivery, not yet delivered or dropped).</summary>
    public long InFlight => Sent - DroppedAtSend + Duplicated - Delivered - DroppedInFlight;

    internal long DroppedAtSend { get; set; }

    internal long DroppedInFlight { get; set; }
}
