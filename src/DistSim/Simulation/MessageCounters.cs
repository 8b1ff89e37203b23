namespace DistSim;

/// <summary>Message and packet counts of a run so far (each also visible event by event in the trace).</summary>
/// <remarks>
/// A <em>message</em> is what a node sends; a <em>packet</em> is one copy on the wire (first transmissions,
/// retransmissions, acknowledgements and duplicates). Per-link counts are in
/// <see cref="Links.ILinkSession.Counters"/>. Not thread-safe; read it between steps.
/// </remarks>
public sealed class MessageCounters
{
    /// <summary>Messages handed to <c>Send</c>.</summary>
    public long Sent { get; internal set; }

    /// <summary>Messages handed to a node's message handler (a duplicate the link lets through counts again).</summary>
    public long Delivered { get; internal set; }

    /// <summary>Packets dropped, for any cause.</summary>
    public long Dropped { get; internal set; }

    /// <summary>Extra packets created by network duplication.</summary>
    public long Duplicated { get; internal set; }

    /// <summary>Packets put on the wire, duplicates included.</summary>
    public long Packets { get; internal set; }

    /// <summary>Packets in flight now (scheduled to arrive, not yet arrived).</summary>
    public long InFlight { get; internal set; }

    /// <summary>
    /// Packets that reached the receiving node's link and were not dropped (the link then delivers, suppresses a
    /// duplicate, takes an acknowledgement, or rejects a forgery). Every packet is accounted for:
    /// <c>Packets = Received + Dropped + InFlight</c>, on every link.
    /// </summary>
    public long Received { get; internal set; }
}
