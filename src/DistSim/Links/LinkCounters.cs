namespace DistSim.Links;

/// <summary>
/// Counts of one link session (one ordered pair). Each count matches events in the trace:
/// <see cref="Sent"/> ↔ <c>send</c>, <see cref="Retransmitted"/> ↔ <c>retransmit</c>,
/// <see cref="Acknowledged"/> ↔ <c>acknowledged</c>, <see cref="DuplicatesSuppressed"/> ↔
/// <c>duplicate-suppressed</c>, <see cref="Rejected"/> ↔ <c>rejected</c>, <see cref="Delivered"/> ↔ <c>deliver</c>.
/// </summary>
/// <remarks>Not thread-safe; read between steps.</remarks>
public sealed class LinkCounters
{
    /// <summary>Messages the application sent over the link.</summary>
    public long Sent { get; internal set; }

    /// <summary>Data packets sent again because no acknowledgement came in time.</summary>
    public long Retransmitted { get; internal set; }

    /// <summary>Messages whose acknowledgement reached the sender.</summary>
    public long Acknowledged { get; internal set; }

    /// <summary>Acknowledgement packets sent by the receiver.</summary>
    public long AcksSent { get; internal set; }

    /// <summary>Packets the receiver recognised as already delivered and did not hand up again.</summary>
    public long DuplicatesSuppressed { get; internal set; }

    /// <summary>Packets discarded because their authentication code did not verify.</summary>
    public long Rejected { get; internal set; }

    /// <summary>Messages handed to the receiving node.</summary>
    public long Delivered { get; internal set; }

    /// <summary>Data packets dropped by the receiver because they lay beyond its window.</summary>
    public long OutOfWindow { get; internal set; }

    /// <summary>Messages given up after the retransmission limit.</summary>
    public long Abandoned { get; internal set; }

    /// <summary>Adds another session's counts to these (for totals over many pairs).</summary>
    /// <param name="other">The counts to add.</param>
    public void Add(LinkCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Sent += other.Sent;
        Retransmitted += other.Retransmitted;
        Acknowledged += other.Acknowledged;
        AcksSent += other.AcksSent;
        DuplicatesSuppressed += other.DuplicatesSuppressed;
        Rejected += other.Rejected;
        Delivered += other.Delivered;
        OutOfWindow += other.OutOfWindow;
        Abandoned += other.Abandoned;
    }
}
