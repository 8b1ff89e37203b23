using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.LongDelays;

/// <summary>
/// A network freeze between two nodes as a partially synchronous timing model: GST is the end of the freeze. Before the
/// freeze the link's own delays; a packet between the pair sent during the freeze is held until the freeze ends (a delay
/// of up to its whole length), then arrives with its link delay; after GST the link's delays again, at most Δ. Packets
/// to or from other nodes are never held. GST is drawn once per run (stream <c>timing:gst</c>): the freeze starts at a
/// uniform time in [<c>startMin</c>, <c>startMax</c>].
/// </summary>
/// <param name="a">One node of the frozen pair.</param>
/// <param name="b">The other.</param>
/// <param name="length">How long the freeze lasts.</param>
/// <param name="startMin">The earliest start of the freeze.</param>
/// <param name="startMax">The latest start, at least <paramref name="startMin"/>.</param>
/// <param name="delta">Δ: the bound on the link's delays, promised after GST.</param>
public sealed class NetworkFreeze(NodeId a, NodeId b, TimeSpan length, TimeSpan startMin, TimeSpan startMax, TimeSpan delta)
    : TimingModel("network-freeze")
{
    /// <summary>How long the freeze lasts.</summary>
    public TimeSpan Length => length;

    /// <inheritdoc />
    public override TimeSpan? DelayBound => delta;

    /// <summary>Whether a packet from <paramref name="from"/> to <paramref name="to"/> crosses the frozen pair.</summary>
    /// <param name="from">The sender.</param>
    /// <param name="to">The receiver.</param>
    public bool Crosses(NodeId from, NodeId to) => (from == a && to == b) || (from == b && to == a);

    /// <inheritdoc />
    protected override TimeSpan GetDelayCore(DelayContext context)
    {
        if (context.Gst is not { } gst || !Crosses(context.From, context.To))
        {
            return context.LinkDelay;
        }

        SimTime start = gst - length;
        return context.Now >= start && context.Now < gst ? (gst - context.Now) + context.LinkDelay : context.LinkDelay;
    }

    /// <inheritdoc />
    protected override SimTime? ChooseGst(RandomStream stream) =>
        SimTime.FromStart(startMin + TimeSpan.FromTicks((long)stream.NextBelow((ulong)(startMax - startMin).Ticks + 1)) + length);
}
