using System.Security.Cryptography;
using DistSim.Nodes;

namespace DistSim.Links;

/// <summary>
/// The reliable link's protocol over a table of sessions: every method takes a session's row
/// (<see cref="ReliableRow"/>), so the sessions of a million pairs are rows of one table rather than objects. The
/// sender's half (<c>ReliableProtocol.Sender.cs</c>: numbering, the window and its backlog, retransmission,
/// acknowledgements, the handshake) and the receiver's half (<c>ReliableProtocol.Receiver.cs</c>: incarnation checks,
/// duplicate suppression, delivery) share nothing but the row; each uses only what its own end would know. Where the
/// rows live and how packets, deliveries, verdicts and timers reach the simulation is the subclass's: the kernel's
/// table (<see cref="Network.ReliableTable"/>, one per simulation and link) or a session of its own
/// (<see cref="ReliableSession"/>, for a user's link that wraps a built-in one). With <c>authenticated</c>, every frame
/// carries an HMAC-SHA256 under its pair's key, verified in constant time before anything else.
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
/// flags (rounded up to a power of two; both rings are segments of the protocol's slabs, taken when the traffic needs
/// them and given back when they empty, so an idle pair holds only its row), a backlog of at most
/// <see cref="ReliableLinkOptions.BacklogLimit"/> messages, and a few numbers. An acknowledged message's
/// retransmission timer is cancelled at once, so it leaves the event queue.
/// </para>
/// </remarks>
internal abstract partial class ReliableProtocol : ILinkCountsSource
{
    private readonly ReliableLinkOptions _options;
    private readonly int _window;
    private readonly bool _authenticated;

    // The pool of frame carriers when this protocol sends its frames as carriers (a simulation that allows them: no
    // adversary); null when it sends the public records.
    private readonly FramePool? _pool;

    protected ReliableProtocol(ReliableLinkOptions options, bool authenticated, FramePool? pool)
    {
        _options = options;
        _window = options.Window;
        _authenticated = authenticated;
        _pool = pool;
    }

    /// <summary>The row <paramref name="row"/>; rows never move, so the reference stays good while the row exists.</summary>
    public abstract ref ReliableRow Row(int row);

    /// <inheritdoc/>
    public ref LinkCounts CountsOf(int row) => ref Row(row).Counts;

    /// <summary>Entries the receiver keeps now to recognise duplicates beyond its cumulative point.</summary>
    public int DedupMemory(int row) => Row(row).SeenLength;

    /// <summary>Messages of the row waiting for the sender's window to open.</summary>
    public int Backlog(int row) => Row(row).Queued;

    /// <summary>
    /// The incarnations of the two ends now: what an eavesdropper reads on the wire (frames carry them in the
    /// clear), and what a forger who builds a frame of this pair would put in it.
    /// </summary>
    public (long Sender, long Receiver) Incarnations(int row) => (Row(row).SenderIncarnation, Row(row).ReceiverIncarnation);

    /// <summary>A packet of the row's session arrived (data at the receiver, or an acknowledgement at the sender).</summary>
    public void OnPacket(int row, in LinkPacket packet)
    {
        switch (Unwrap(row, packet))
        {
            case FrameCarrier { IsData: true } data when packet.To == To(row): // this link's own (Unwrap let it through)
                OnData(row, packet, data.SenderIncarnation, data.ReceiverIncarnation, data.Seq, data.Message!);
                break;
            case FrameCarrier { IsData: false } ack when packet.To == From(row):
                OnAck(row, packet, ack.SenderIncarnation, ack.ReceiverIncarnation, ack.Seq, ack.Cumulative);
                break;
            case DataFrame data when packet.To == To(row):
                OnData(row, packet, data.SenderIncarnation, data.ReceiverIncarnation, data.Seq, data.Message);
                break;
            case AckFrame ack when packet.To == From(row):
                OnAck(row, packet, ack.SenderIncarnation, ack.ReceiverIncarnation, ack.Seq, ack.Cumulative);
                break;
            default:
                Reject(row, packet);
                break;
        }
    }

    /// <summary>One end of the row's pair crashed: the state that end kept in memory is lost, unless it is durable.</summary>
    public void OnCrash(int row, NodeId node)
    {
        if (_options.DurableState)
        {
            return; // both ends keep their link state on disk: the stream simply goes on
        }

        if (node == From(row))
        {
            CrashSender(row);
        }

        if (node == To(row))
        {
            CrashReceiver(row);
        }
    }

    /// <summary>The sending node of the row's pair.</summary>
    protected abstract NodeId From(int row);

    /// <summary>The receiving node of the row's pair.</summary>
    protected abstract NodeId To(int row);

    /// <summary>The row's pair for messages, e.g. <c>A-&gt;B</c>.</summary>
    protected abstract string Name(int row);

    /// <summary>The row's pair's secret key (the authenticated link's).</summary>
    protected abstract ReadOnlySpan<byte> Key(int row);

    /// <summary>Puts a frame of the row's session on the wire (<paramref name="reverse"/>: to → from, an acknowledgement).</summary>
    protected abstract void Transmit(int row, bool reverse, long messageId, object frame, TransmitKind kind);

    /// <summary>Hands a message to the row's receiving node.</summary>
    protected abstract void Deliver(int row, in LinkPacket packet, object message);

    /// <summary>Reports what the row's session did with a packet or message.</summary>
    protected abstract void Record(int row, LinkVerdict verdict, long messageId, in LinkPacket packet);

    /// <summary>Sets a timer of the row's session; it comes back to <see cref="OnTimer"/> with <paramref name="token"/>.</summary>
    protected abstract TimerId SetTimer(int row, TimeSpan delay, long token);

    /// <summary>Cancels a timer of the row's session.</summary>
    protected abstract void CancelTimer(int row, TimerId timer);

    /// <summary>A data frame as it goes on the wire, held once (by the outstanding entry that keeps it for retransmission).</summary>
    private object NewDataFrame(int row, long senderIncarnation, long receiverIncarnation, long seq, object message) =>
        _authenticated ? Seal(row, senderIncarnation, receiverIncarnation, seq, message, 0)
        : _pool is { } pool ? pool.Data(senderIncarnation, receiverIncarnation, seq, message)
        : new DataFrame(senderIncarnation, receiverIncarnation, seq, message);

    /// <summary>An acknowledgement as it goes on the wire, held once (by the receiver while it transmits it).</summary>
    private object NewAckFrame(int row, long senderIncarnation, long receiverIncarnation, long seq, long cumulative) =>
        _authenticated ? Seal(row, senderIncarnation, receiverIncarnation, seq, null, cumulative)
        : _pool is { } pool ? pool.Ack(senderIncarnation, receiverIncarnation, seq, cumulative)
        : new AckFrame(senderIncarnation, receiverIncarnation, seq, cumulative);

    /// <summary>An authenticated frame: a data frame when <paramref name="message"/> is not null, else an acknowledgement of <paramref name="cumulative"/>.</summary>
    private object Seal(int row, long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative)
    {
        int from = From(row).Value;
        int to = To(row).Value;
        if (_pool is { } pool)
        {
            AuthenticatedCarrier carrier = pool.Authenticated(senderIncarnation, receiverIncarnation, seq, message, cumulative);
            CanonicalEncoding.Mac(Key(row), from, to, senderIncarnation, receiverIncarnation, seq, message, cumulative, carrier.Mac);
            return carrier;
        }

        object frame = message is not null
            ? new DataFrame(senderIncarnation, receiverIncarnation, seq, message)
            : new AckFrame(senderIncarnation, receiverIncarnation, seq, cumulative);
        return new AuthenticatedFrame(frame, CanonicalEncoding.Mac(Key(row), from, to, frame));
    }

    /// <summary>
    /// The frame as received (a record, or a carrier of this link), or null when it must be rejected. On the reliable
    /// link an authenticated carrier or record is not this link's; on the authenticated link a frame is this link's only
    /// once its MAC verifies.
    /// </summary>
    private object? Unwrap(int row, in LinkPacket packet)
    {
        if (!_authenticated)
        {
            return packet.Frame is AuthenticatedCarrier ? null : packet.Frame;
        }

        Span<byte> expected = stackalloc byte[CanonicalEncoding.MacSize]; // verifying allocates nothing
        if (packet.Frame is AuthenticatedCarrier carrier)
        {
            // This link's own frame, its fields and MAC inline: verified as a record would be (it cannot have been
            // tampered with: carriers travel only where there is no in-transit adversary).
            try
            {
                CanonicalEncoding.Mac(Key(row), From(row).Value, To(row).Value, carrier.SenderIncarnation, carrier.ReceiverIncarnation, carrier.Seq,
                    carrier.Message, carrier.Cumulative, expected);
            }
            catch (Messages.MessageEncodingException)
            {
                return null;
            }

            return CryptographicOperations.FixedTimeEquals(expected, carrier.Mac) ? carrier : null;
        }

        if (packet.Frame is not AuthenticatedFrame { Frame: DataFrame or AckFrame } authenticated || authenticated.Mac is null)
        {
            return null;
        }

        try
        {
            CanonicalEncoding.Mac(Key(row), From(row).Value, To(row).Value, authenticated.Frame, expected);
        }
        catch (Messages.MessageEncodingException)
        {
            return null; // no sender could have sealed it: a made-up frame
        }

        return CryptographicOperations.FixedTimeEquals(expected, authenticated.Mac) ? authenticated.Frame : null;
    }

    /// <summary>This end's data frame of message <paramref name="seq"/> of the current stream.</summary>
    private object NewDataFrame(int row, long seq, object message)
    {
        ref ReliableRow r = ref Row(row);
        return NewDataFrame(row, r.SenderIncarnation, r.BoundTo, seq, message);
    }

    /// <summary>Gives up a hold on a frame (a carrier goes back to the pool when nothing else holds it).</summary>
    private void ReleaseFrame(object? frame) => _pool?.Release(frame);

    private void Reject(int row, in LinkPacket packet)
    {
        Row(row).Counts.Rejected++;
        Record(row, LinkVerdict.Rejected, packet.MessageId, packet);
    }

    private void Stale(int row, in LinkPacket packet)
    {
        Row(row).Counts.Stale++;
        Record(row, LinkVerdict.Stale, packet.MessageId, packet);
    }
}
