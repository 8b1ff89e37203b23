using DistSim.Nodes;

namespace DistSim.Links;

/// <summary>
/// One ordered pair of the reliable (or authenticated) link as an <see cref="ILinkSession"/>: a row of a
/// <see cref="ReliableProtocol"/>. Two kinds. The kernel keeps the sessions of the built-in links as rows of a table
/// (<see cref="Network.ReliableTable"/>) and drives them itself; <c>SimNetwork.Session</c> gives a view of one, which
/// reads its state live and refuses to be driven. A user's link that wraps a built-in one gets, from
/// <see cref="ILink.CreateSession"/>, a session of its own: one row, driven through these methods, talking to the
/// simulation through the <see cref="ILinkHost"/> it was given.
/// </summary>
internal sealed class ReliableSession : ILinkSession
{
    private readonly ReliableProtocol _protocol;
    private readonly int _row;
    private readonly bool _driven; // a view of a kernel row: the simulation drives it, not the caller
    private LinkCounters? _counters; // a live view of the row's counts, made at the first look

    /// <summary>A view of row <paramref name="row"/> of the kernel's table <paramref name="protocol"/>.</summary>
    public ReliableSession(ReliableProtocol protocol, int row)
    {
        _protocol = protocol;
        _row = row;
        _driven = true;
    }

    /// <summary>A session of its own over <paramref name="host"/> (a user's link created it through a built-in one).</summary>
    public ReliableSession(ILinkHost host, ReliableLinkOptions options, bool authenticated)
    {
        _protocol = new HostProtocol(host, options, authenticated);
        _row = 0;
    }

    public LinkCounters Counters => _counters ??= new(_protocol, _row);

    public int DedupMemory => _protocol.DedupMemory(_row);

    /// <summary>Messages waiting for the sender's window to open.</summary>
    public int Backlog => _protocol.Backlog(_row);

    /// <summary>The length of the sender's ring of outstanding messages: 0 while nothing is unacknowledged (the ring went back to the slab).</summary>
    internal int SendRing => _protocol.Row(_row).RingLength;

    /// <summary>Whether this is a view of a kernel row (the simulation drives it) rather than a session of its own.</summary>
    internal bool IsView => _driven;

    /// <summary>The incarnations of the two ends now (frames carry them in the clear).</summary>
    internal (long Sender, long Receiver) Incarnations => _protocol.Incarnations(_row);

    public void Send(long messageId, object message)
    {
        Driven();
        _protocol.Send(_row, messageId, message);
    }

    public void OnPacket(in LinkPacket packet)
    {
        Driven();
        _protocol.OnPacket(_row, packet);
    }

    public void OnTimer(long token)
    {
        Driven();
        _protocol.OnTimer(_row, token);
    }

    public void OnCrash(NodeId node)
    {
        Driven();
        _protocol.OnCrash(_row, node);
    }

    /// <summary>
    /// Hands <paramref name="packet"/> to the row as the pipeline would, even through a view: for tests that must put
    /// before a session a packet no run would (a carrier whose MAC is wrong never travels in one).
    /// </summary>
    internal void Receive(in LinkPacket packet) => _protocol.OnPacket(_row, packet);

    private void Driven()
    {
        if (_driven)
        {
            throw new InvalidOperationException("a link session is driven by the simulation: send from a node (INodeContext.Send); this session is for its counters and state");
        }
    }

    /// <summary>The protocol of one session of its own: its row, and the simulation reached through its host.</summary>
    private sealed class HostProtocol(ILinkHost host, ReliableLinkOptions options, bool authenticated)
        : ReliableProtocol(options, authenticated, (host as Network.LinkPair)?.CarrierPool)
    {
        private ReliableRow _state = ReliableRow.Fresh(0);

        public override ref ReliableRow Row(int row) => ref _state;

        protected override NodeId From(int row) => host.From;

        protected override NodeId To(int row) => host.To;

        protected override string Name(int row) => host.Name;

        protected override ReadOnlySpan<byte> Key(int row) => host.Key;

        protected override void Transmit(int row, bool reverse, long messageId, object frame, TransmitKind kind) =>
            host.Transmit(reverse, messageId, frame, kind);

        protected override void Deliver(int row, in LinkPacket packet, object message) => host.Deliver(packet, message);

        protected override void Record(int row, LinkVerdict verdict, long messageId, in LinkPacket packet) => host.Record(verdict, messageId, packet);

        protected override TimerId SetTimer(int row, TimeSpan delay, long token) => host.SetTimer(delay, token);

        protected override void CancelTimer(int row, TimerId timer) => host.CancelTimer(timer);
    }
}
