using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// The message pipeline of DESIGN.md: send → link → failure model (sender side) → network → timing →
/// queue → (failure model, receiver side) → link → deliver. Each stage returns a decision; this class
/// owns the branching.
/// </summary>
public sealed partial class Simulation
{
    internal long SendFrom(int from, NodeId to, object message)
    {
        if (to.Value >= _nodes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"is not a node of this simulation ({_nodes.Count} nodes)");
        }

        ArgumentNullException.ThrowIfNull(message);
        long id = ++_messageIds;
        Messages.Sent++;
        RecordEvent(TraceEventKind.Send, from, to.Value, id, 0, 0, DropCause.None, message);

        // Link layer: the fair-loss link adds no protocol of its own (reliable and authenticated links
        // wrap the message here). Failure model, sender side: a correct node sends what it sends.
        FairLossChannel channel = Network.Channel(from, to.Value);
        switch (channel.Decide())
        {
            case PacketFate.Lost:
                Messages.Dropped++;
                Messages.DroppedAtSend++;
                RecordEvent(TraceEventKind.Drop, from, to.Value, id, ++_packetIds, 0, DropCause.Loss, message);
                break;
            case PacketFate.Once:
                Transmit(channel, from, to.Value, id, message);
                break;
            case PacketFate.Twice:
                Transmit(channel, from, to.Value, id, message);
                Messages.Duplicated++;
                RecordEvent(TraceEventKind.Duplicate, from, to.Value, id, _packetIds + 1, 0, DropCause.None, message);
                Transmit(channel, from, to.Value, id, message);
                break;
        }

        return id;
    }

    /// <summary>Puts one packet on the wire: its delay comes from the link (the timing model composes here).</summary>
    private void Transmit(FairLossChannel channel, int from, int to, long message, object payload)
    {
        long packet = ++_packetIds;
        long delay = channel.SampleDelayTicks();
        long at = _now + delay;
        if (at < _now)
        {
            at = long.MaxValue; // saturate: such a packet simply never arrives within the time limit
        }

        Schedule(at, new ScheduledEvent(EventKind.Deliver, to, from, 0, message, packet, payload));
    }
}
