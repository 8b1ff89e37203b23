using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;

namespace DistSim.Network;

/// <summary>
/// Everything about one ordered pair of nodes: the fair-loss channel for packets going this way, and
/// the link session whose messages go this way (its acknowledgements travel on the reverse pair's channel).
/// Implements <see cref="ILinkHost"/> for that session.
/// </summary>
internal sealed class LinkPair : ILinkHost
{
    private readonly Simulation _simulation;
    private ILinkSession? _session;
    private RandomStream? _random;
    private byte[]? _key;
    private LinkPair? _reverse;

    public LinkPair(Simulation simulation, int index, NodeId from, NodeId to, FairLossChannel channel, ILink link)
    {
        _simulation = simulation;
        Index = index;
        From = from;
        To = to;
        Channel = channel;
        Link = link;
    }

    public int Index { get; }

    /// <summary>Packets in flight in this direction (for the per-path capacity).</summary>
    public int InFlight { get; set; }

    public NodeId From { get; }

    public NodeId To { get; }

    public FairLossChannel Channel { get; }

    /// <summary>The pair of the other direction (where this session's acknowledgements travel), created on first use.</summary>
    public LinkPair Reverse => _reverse ??= _simulation.Network.Pair(To.Value, From.Value);

    /// <summary>The protocol; replaceable only until the session exists.</summary>
    public ILink Link { get; set; }

    public bool HasSession => _session is not null;

    public ILinkSession Session => _session ??= Link.CreateSession(this);

    public SimTime Now => _simulation.Now;

    public RandomStream Random => _random ??= StreamSeed.Create(_simulation.Seed, "linkproto:" + Name);

    public ReadOnlySpan<byte> Key => _key ??= DeriveKey();

    public string Name => _simulation.NodeName(From) + "->" + _simulation.NodeName(To);

    public void Transmit(bool reverse, long messageId, object frame, TransmitKind kind) =>
        _simulation.TransmitPacket(this, reverse, messageId, frame, kind);

    public void Deliver(in LinkPacket packet, object message) => _simulation.DeliverToNode(packet, message);

    public void Record(LinkVerdict verdict, long messageId, in LinkPacket packet) => _simulation.RecordLinkVerdict(this, verdict, messageId, packet);

    public void SetTimer(TimeSpan delay, long token) => _simulation.SetLinkTimer(Index, delay, token);

    /// <summary>32 bytes from the pair's key stream (<c>key:A-&gt;B</c>): a secret of this ordered pair.</summary>
    private byte[] DeriveKey()
    {
        var key = new byte[32];
        StreamSeed.Create(_simulation.Seed, "key:" + Name).NextBytes(key);
        return key;
    }
}
