namespace DistSim.Tracing;

/// <summary>
/// Pairs each packet's arrival (delivery, drop, suppressed duplicate, rejection, stale discard) with the event that put
/// the packet on the wire, for the exporters that draw arrows. A packet that was copied, retransmitted, acknowledged,
/// forged or replayed has an event naming it; a message's first packet does not (its <see cref="TraceEventKind.Send"/>
/// names the message only), so it is found by its message.
/// </summary>
internal static class PacketOrigins
{
    /// <summary>For each event's position: the position of its packet's origin, or −1 (not an arrival, or no origin recorded).</summary>
    public static int[] Compute(IReadOnlyList<TraceEvent> events)
    {
        var byPacket = new Dictionary<long, int>();
        var byMessage = new Dictionary<long, int>();
        int[] origins = new int[events.Count];
        for (int k = 0; k < events.Count; k++)
        {
            TraceEvent e = events[k];
            origins[k] = -1;
            switch (e.Kind)
            {
                case TraceEventKind.Send when e.MessageId != 0:
                    byMessage.TryAdd(e.MessageId, k);
                    break;
                case TraceEventKind.Duplicate or TraceEventKind.Retransmit or TraceEventKind.AckSent or TraceEventKind.Forged or TraceEventKind.Replayed
                    when e.PacketId != 0:
                    byPacket.TryAdd(e.PacketId, k);
                    break;
                case TraceEventKind.Deliver or TraceEventKind.Drop or TraceEventKind.DuplicateSuppressed or TraceEventKind.Rejected or TraceEventKind.Stale:
                    if (e.PacketId != 0 && byPacket.TryGetValue(e.PacketId, out int p))
                    {
                        origins[k] = p;
                    }
                    else if (e.MessageId != 0 && byMessage.TryGetValue(e.MessageId, out int m))
                    {
                        origins[k] = m;
                    }

                    break;
            }
        }

        return origins;
    }
}
