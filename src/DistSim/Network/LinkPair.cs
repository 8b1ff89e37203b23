using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;

namespace DistSim.Network;

/// <summary>
/// What only some ordered pairs need, beside their inline <see cref="PairState"/>: an override of the channel or of
/// the link, the session of a protocol link (and this object is its <see cref="ILinkHost"/>), the count of packets in
/// flight for a channel with a capacity, and the carries of the fair-loss counters. Created on first need.
/// </summary>
internal sealed class LinkPair : ILinkHost
{
    private readonly Simulation _simulation;
    private ILinkSession? _session;
    private RandomStream? _random;
    private byte[]? _key;
    private bool _creating; // inside the link's CreateSession for this pair

    public LinkPair(Simulation simulation, int index, int from, int to, ChannelConfig channel, ILink link)
    {
        _simulation = simulation;
        Index = index;
        From = new NodeId(from);
        To = new NodeId(to);
        Channel = channel;
        Link = link;
    }

    public int Index { get; }

    public NodeId From { get; }

    public NodeId To { get; }

    /// <summary>The channel of this direction (the network's default unless overridden).</summary>
    public ChannelConfig Channel { get; set; }

    /// <summary>
    /// The index of the opposite direction's pair (to → from: the path of this session's acknowledgements), or -1 until
    /// the first acknowledgement looks it up. Pair indices never change, so it is found once, not once per packet.
    /// </summary>
    public int ReverseIndex { get; set; } = -1;

    /// <summary>Packets in flight in this direction, counted while the channel has a capacity.</summary>
    public int InFlight { get; set; }

    /// <summary>The protocol; replaceable only until the session exists.</summary>
    public ILink Link
    {
        get;
        set
        {
            field = value;
            IsFairLoss = ReferenceEquals(value, FairLossLink.Instance);
        }
    }

    /// <summary>True for the built-in fair-loss link: the kernel delivers without a session object.</summary>
    public bool IsFairLoss { get; private set; }

    /// <summary>Carries of <see cref="PairState.Sent"/> (multiples of 2^32).</summary>
    public long SentHigh { get; set; }

    /// <summary>Carries of <see cref="PairState.Delivered"/> (multiples of 2^32).</summary>
    public long DeliveredHigh { get; set; }

    public bool HasSession => _session is not null || Row >= 0;

    /// <summary>The table of the pair's session when its link is a built-in reliable one (its session is a row there).</summary>
    public ReliableTable? Table { get; set; }

    /// <summary>The pair's row in <see cref="Table"/>, or -1 (no row: another link, or no session yet).</summary>
    public int Row { get; set; } = -1;

    /// <summary>The fair-loss link's session as users see it, once asked for.</summary>
    public FairLossSessionView? FairLossView { get; set; }

    /// <summary>The view of the pair's row (<see cref="Row"/>), made at the first <c>SimNetwork.Session</c> of the pair, so every call gives the same object.</summary>
    public ReliableSession? RowView { get; set; }

    /// <summary>The protocol session (created on first use). Not for the fair-loss link, which has none in the kernel.</summary>
    public ILinkSession Session => _session ?? CreateSession();

    public SimTime Now => _simulation.Now;

    public RandomStream Random => _random ??= new RandomStream(StreamSeed.Derive(_simulation.Seed, "linkproto:", FromName, "->", ToName));

    public ReadOnlySpan<byte> Key => _key ??= DeriveKey();

    public string Name => FromName + "->" + ToName;

    private string FromName => _simulation.NodeName(From);

    private string ToName => _simulation.NodeName(To);

    /// <summary>The simulation's pool of frame carriers, or null when its frames must travel as records (see <see cref="MessagePipeline.CarrierPool"/>).</summary>
    public FramePool? CarrierPool => _simulation.Pipeline.CarrierPool;

    public void Transmit(bool reverse, long messageId, object frame, TransmitKind kind) =>
        _simulation.Pipeline.Transmit(Index, reverse, messageId, frame, kind);

    public void Deliver(in LinkPacket packet, object message) => _simulation.Pipeline.Deliver(packet, message);

    public void Record(LinkVerdict verdict, long messageId, in LinkPacket packet) => _simulation.Pipeline.RecordLinkVerdict(From.Value, To.Value, verdict, messageId, packet);

    public TimerId SetTimer(TimeSpan delay, long token) => _simulation.SetLinkTimer(Index, delay, token);

    public bool CancelTimer(TimerId timer) => _simulation.CancelLinkTimer(Index, timer);

    /// <summary>
    /// Creates the pair's session, and tells the network, which finds a crashed node's sessions through it. A link's
    /// <see cref="ILink.CreateSession"/> that asks for the session it is creating (through <c>Network.Session</c> or a
    /// send on the pair) is refused: it would make a second session, one of the two thrown away, and the pair would be
    /// told of each crash twice.
    /// </summary>
    private ILinkSession CreateSession()
    {
        if (_creating)
        {
            throw new InvalidOperationException($"link {Link.Name}: CreateSession for {Name} asked for the session of {Name} it is creating; create it without using it");
        }

        _creating = true;
        try
        {
            _session = Link.CreateSession(this)
                ?? throw new InvalidOperationException($"link {Link.Name}: CreateSession returned null for {Name}");
        }
        finally
        {
            _creating = false;
        }

        _simulation.Network.SessionCreated(Index, From.Value, To.Value);
        return _session;
    }

    /// <summary>32 bytes from the pair's key stream (<c>key:A-&gt;B</c>): a secret of this ordered pair.</summary>
    private byte[] DeriveKey()
    {
        var key = new byte[32];
        StreamSeed.PairKey(_simulation.Seed, FromName, ToName, key);
        return key;
    }
}

/// <summary>
/// The fair-loss link's session as users see it (<see cref="SimNetwork.Session"/>): the kernel keeps its counters in
/// the pair's inline state; this view reads them.
/// </summary>
internal sealed class FairLossSessionView(SimNetwork network, int index) : ILinkSession
{
    public LinkCounters Counters => network.FairLossCounters(index);

    public int DedupMemory => 0;

    public void Send(long messageId, object message) =>
        throw new InvalidOperationException("a link session is driven by the simulation: send from a node (INodeContext.Send)");

    public void OnPacket(in LinkPacket packet) =>
        throw new InvalidOperationException("a link session is driven by the simulation, not called directly");

    public void OnTimer(long token)
    {
    }

    public void OnCrash(NodeId node)
    {
        // no state to lose
    }
}
