using DistSim.Network;
using DistSim.Nodes;

namespace DistSim.Links;

/// <summary>
/// One packet of a link session arriving at its destination: a data frame at the session's receiver,
/// or an acknowledgement at its sender.
/// </summary>
/// <param name="From">The node the packet claims to come from (forged packets lie).</param>
/// <param name="To">The node it arrived at.</param>
/// <param name="MessageId">The application message it carries or acknowledges (simulator bookkeeping, not on the wire).</param>
/// <param name="PacketId">This copy on the wire.</param>
/// <param name="Frame">What is on the wire: the user message for the fair-loss link, a frame for protocol links.</param>
/// <param name="Mark">What the adversary did to it (ground truth for the trace; a link must not look at it).</param>
public readonly record struct LinkPacket(NodeId From, NodeId To, long MessageId, long PacketId, object Frame, PacketMark Mark);
