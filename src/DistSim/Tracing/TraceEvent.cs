using DistSim.Network;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Tracing;

/// <summary>
/// One recorded event of a run. Immutable. Ids that do not apply are zero (<see cref="MessageId"/>,
/// <see cref="PacketId"/>, <see cref="TimerNumber"/>) or null (<see cref="Peer"/>).
/// </summary>
/// <param name="Index">Position in the run, from 0; counts events that were not recorded too.</param>
/// <param name="Time">True virtual time of the event.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Node">The node the event happened at: the sender of a send, drop or duplicate; the receiver of a delivery.</param>
/// <param name="Peer">The other end of a message: the receiver of a send, the sender of a delivery.</param>
/// <param name="MessageId">The message (one per <c>Send</c>), 0 if none.</param>
/// <param name="PacketId">The copy on the wire (a duplicate is a new packet), 0 if none.</param>
/// <param name="TimerNumber">The timer, 0 if none.</param>
/// <param name="Cause">Why a packet was dropped.</param>
/// <param name="Payload">The message (or link frame), the timer state, or the exception of a fault.</param>
/// <param name="Mark">What an in-transit adversary did to the packet (ground truth).</param>
/// <param name="VectorClock">The node's vector clock after the event, one entry per node in id order
/// (<see cref="SimulationOptions.VectorClocks"/>; null when off, and for events of the network).</param>
public readonly record struct TraceEvent(
    long Index,
    SimTime Time,
    TraceEventKind Kind,
    NodeId Node,
    NodeId? Peer,
    long MessageId,
    long PacketId,
    long TimerNumber,
    DropCause Cause,
    object? Payload,
    PacketMark Mark = PacketMark.None,
    IReadOnlyList<long>? VectorClock = null)
{
    /// <summary>The event as one line, nodes by number (<see cref="Trace.Describe"/> names them), e.g. <c>#12 0.0150000s deliver #1 &lt;- #0 message 3 packet 3: Ping { Round = 1 }</c>.</summary>
    public override string ToString() => EventText.Format(this, n => n.ToString());
}
