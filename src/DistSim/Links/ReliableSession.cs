using DistSim.Nodes;

namespace DistSim.Links;

/// <summary>
/// One ordered pair of the reliable link. The sender's half (<see cref="Send"/>, acknowledgements, timers;
/// <c>ReliableSession.Sender.cs</c>) and the receiver's half (data frames; <c>ReliableSession.Receiver.cs</c>)
/// share nothing but this object; each uses only what its own end would know. Frames are produced and checked by
/// <see cref="NewDataFrame(long, long, long, object)"/>, <see cref="NewAckFrame"/> and <see cref="Unwrap"/>, which the authenticated link overrides to add and verify a MAC.
/// </summary>
/// <remarks>
/// <para>
/// Incarnations. Each end keeps a boot counter that survives its crashes (what it would keep on disk): its
/// incarnation, 1 at first, +1 per crash that loses the link state. A stream is one pair (sender incarnation,
/// receiver incarnation) and numbers its messages from 1. Data frames carry both incarnations (the receiver's as
/// the sender believes it, 0 while unknown); acknowledgements carry the sender's echoed and the receiver's own.
/// The receiver delivers only frames bound to its current incarnation and to the newest sender incarnation it has
/// seen; anything older is <c>stale</c>. A sender that does not know the receiver's incarnation sends one probe
/// (its first message, bound to 0: never delivered) and learns it from the answer (a handshake); a sender that
/// learns a newer receiver incarnation gives up the messages bound to the old one (they may have been delivered
/// before the crash: at most once, never twice) and starts a new stream. See <c>docs/concepts/links.md</c>.
/// </para>
/// <para>
/// Memory per pair is bounded: at most <see cref="ReliableLinkOptions.Window"/> outstanding entries and as many receiver
/// flags (rounded up to a power of two; both rings start empty and grow only as far as the traffic needs, so a pair
/// that carries one message at a time keeps one entry), a backlog of at most
/// <see cref="ReliableLinkOptions.BacklogLimit"/> messages, and a few numbers. An acknowledged message's
/// retransmission timer is cancelled at once, so it leaves the event queue.
/// </para>
/// </remarks>
internal partial class ReliableSession : ILinkSession
{
    private readonly ILinkHost _host;
    private readonly ReliableLinkOptions _options;
    private readonly int _window;

    // The simulation's pool of frame carriers when this session sends its frames as carriers (a simulation that allows
    // them: no adversary); null when it sends the public records.
    private readonly FramePool? _pool;

    public ReliableSession(ILinkHost host, ReliableLinkOptions options)
    {
        _host = host;
        _options = options;
        _window = options.Window;
        _pool = (host as Network.LinkPair)?.CarrierPool;
    }

    public LinkCounters Counters { get; } = new();

    public int DedupMemory => _seen.Length;

    /// <summary>Messages waiting for the sender's window to open.</summary>
    public int Backlog => _backlog?.Count ?? 0;

    /// <summary>
    /// The incarnations of the two ends now: what an eavesdropper reads on the wire (frames carry them in the
    /// clear), and what a forger who builds a frame of this pair would put in it.
    /// </summary>
    internal (long Sender, long Receiver) Incarnations => (_senderIncarnation, _receiverIncarnation);

    protected ILinkHost Host => _host;

    public void OnPacket(in LinkPacket packet)
    {
        switch (Unwrap(packet))
        {
            case FrameCarrier { IsData: true } data when packet.To == _host.To: // this link's own (Unwrap let it through)
                OnData(packet, data.SenderIncarnation, data.ReceiverIncarnation, data.Seq, data.Message!);
                break;
            case FrameCarrier { IsData: false } ack when packet.To == _host.From:
                OnAck(packet, ack.SenderIncarnation, ack.ReceiverIncarnation, ack.Seq, ack.Cumulative);
                break;
            case DataFrame data when packet.To == _host.To:
                OnData(packet, data.SenderIncarnation, data.ReceiverIncarnation, data.Seq, data.Message);
                break;
            case AckFrame ack when packet.To == _host.From:
                OnAck(packet, ack.SenderIncarnation, ack.ReceiverIncarnation, ack.Seq, ack.Cumulative);
                break;
            default:
                Reject(packet);
                break;
        }
    }

    public void OnCrash(NodeId node)
    {
        if (_options.DurableState)
        {
            return; // both ends keep their link state on disk: the stream simply goes on
        }

        if (node == _host.From)
        {
            CrashSender();
        }

        if (node == _host.To)
        {
            CrashReceiver();
        }
    }

    /// <summary>The simulation's pool of frame carriers, or null when frames travel as the public records.</summary>
    protected FramePool? Pool => _pool;

    /// <summary>A data frame as it goes on the wire, held once (by the outstanding entry that keeps it for retransmission).</summary>
    protected virtual object NewDataFrame(long senderIncarnation, long receiverIncarnation, long seq, object message) =>
        _pool is { } pool ? pool.Data(senderIncarnation, receiverIncarnation, seq, message) : new DataFrame(senderIncarnation, receiverIncarnation, seq, message);

    /// <summary>An acknowledgement as it goes on the wire, held once (by the receiver while it transmits it).</summary>
    protected virtual object NewAckFrame(long senderIncarnation, long receiverIncarnation, long seq, long cumulative) =>
        _pool is { } pool ? pool.Ack(senderIncarnation, receiverIncarnation, seq, cumulative) : new AckFrame(senderIncarnation, receiverIncarnation, seq, cumulative);

    /// <summary>
    /// The frame as received (a record, or a carrier of this link), or null when it must be rejected. An authenticated
    /// carrier is this link's only after its MAC is checked, which the authenticated session does: here it is rejected,
    /// as an <see cref="AuthenticatedFrame"/> record is.
    /// </summary>
    protected virtual object? Unwrap(in LinkPacket packet) => packet.Frame is AuthenticatedCarrier ? null : packet.Frame;

    /// <summary>This end's data frame of message <paramref name="seq"/> of the current stream.</summary>
    private object NewDataFrame(long seq, object message) => NewDataFrame(_senderIncarnation, _boundTo, seq, message);

    /// <summary>Gives up the outstanding entry's hold on its frame (a carrier goes back to the pool when nothing else holds it).</summary>
    private void ReleaseFrame(object? frame) => _pool?.Release(frame);

    private void Reject(in LinkPacket packet)
    {
        Counters.Rejected++;
        _host.Record(LinkVerdict.Rejected, packet.MessageId, packet);
    }

    private void Stale(in LinkPacket packet)
    {
        Counters.Stale++;
        _host.Record(LinkVerdict.Stale, packet.MessageId, packet);
    }
}
