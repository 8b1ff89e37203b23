namespace DistSim.Links;

/// <summary>
/// A frame of the built-in reliable or authenticated link on its way through the simulator without an object of its own:
/// the fields of a <see cref="DataFrame"/> or an <see cref="AckFrame"/> (and, on the authenticated link, the MAC of an
/// <see cref="AuthenticatedFrame"/>) in a pooled carrier that goes back to its <see cref="FramePool"/> when nothing holds
/// it any more. Only the kernel and the reliable session ever hold one. Whatever observes a frame — a
/// trace that keeps its events, a timing model that looks at packets, the explorer's state digest, a session of another
/// link — gets the public record (<see cref="Observe"/>), built once per carrier use, equal to the one the session would
/// have sent; the fingerprint hashes a carrier as its record's type. So a run with carriers is the run without them,
/// record for record: a property test runs both.
/// </summary>
/// <remarks>
/// Holds: the sender's outstanding entry holds its data frame until the message leaves the window; every copy of a
/// packet in flight holds its frame from the moment it is queued until it has arrived (or was dropped with the paused
/// machine that buffered it); an acknowledgement is held by the receiver only while it is being transmitted. A carrier
/// whose holds reach zero is cleared and pooled; releasing one that no one holds is a kernel bug and throws (an extra
/// release while another hold remains cannot be seen here: the tests that compare runs with and without carriers can).
/// A hold is not released when a link or plug-in throws on the way (the run fails then; the carrier is only garbage).
/// </remarks>
internal abstract class FrameCarrier
{
    /// <summary>Who holds the carrier now (see the remarks).</summary>
    internal int Holds;

    /// <summary>The public record of this frame, built on first use and kept until the carrier is pooled.</summary>
    public abstract object Frame { get; }

    /// <summary>What an observer sees of <paramref name="frame"/>: the record for a carrier, the object itself otherwise.</summary>
    public static object Observe(object frame) => frame is FrameCarrier carrier ? carrier.Frame : frame;

    /// <summary>The type an observer sees for an object of type <paramref name="type"/> (a carrier's record type).</summary>
    public static Type ObservedType(Type type) =>
        type == typeof(DataCarrier) ? typeof(DataFrame)
        : type == typeof(AckCarrier) ? typeof(AckFrame)
        : type == typeof(AuthenticatedCarrier) ? typeof(AuthenticatedFrame)
        : type;

    /// <summary>Drops every reference and poisons the fields, so that a use after pooling shows in any comparison of runs.</summary>
    internal abstract void Clear();
}

/// <summary>A <see cref="DataFrame"/> as a pooled carrier.</summary>
internal sealed class DataCarrier : FrameCarrier
{
    private DataFrame? _frame;

    public long SenderIncarnation;
    public long ReceiverIncarnation;
    public long Seq;
    public object Message = null!;

    /// <inheritdoc />
    public override object Frame => _frame ??= new DataFrame(SenderIncarnation, ReceiverIncarnation, Seq, Message);

    internal override void Clear()
    {
        _frame = null;
        Message = null!;
        SenderIncarnation = ReceiverIncarnation = Seq = long.MinValue;
    }
}

/// <summary>An <see cref="AckFrame"/> as a pooled carrier.</summary>
internal sealed class AckCarrier : FrameCarrier
{
    private AckFrame? _frame;

    public long SenderIncarnation;
    public long ReceiverIncarnation;
    public long Seq;
    public long Cumulative;

    /// <inheritdoc />
    public override object Frame => _frame ??= new AckFrame(SenderIncarnation, ReceiverIncarnation, Seq, Cumulative);

    internal override void Clear()
    {
        _frame = null;
        SenderIncarnation = ReceiverIncarnation = Seq = Cumulative = long.MinValue;
    }
}

/// <summary>
/// An <see cref="AuthenticatedFrame"/> as a pooled carrier: the inner frame's fields (a data frame when
/// <see cref="Message"/> is set, an acknowledgement otherwise) and the 32-byte MAC inline.
/// </summary>
internal sealed class AuthenticatedCarrier : FrameCarrier
{
    private AuthenticatedFrame? _frame;

    public long SenderIncarnation;
    public long ReceiverIncarnation;
    public long Seq;
    public long Cumulative;
    public object? Message;
    public MacBytes Mac;

    /// <summary>Whether it carries a data frame (else an acknowledgement).</summary>
    public bool IsData => Message is not null;

    /// <inheritdoc />
    public override object Frame => _frame ??= new AuthenticatedFrame(
        IsData ? new DataFrame(SenderIncarnation, ReceiverIncarnation, Seq, Message!) : new AckFrame(SenderIncarnation, ReceiverIncarnation, Seq, Cumulative),
        ((ReadOnlySpan<byte>)Mac).ToArray());

    internal override void Clear()
    {
        _frame = null;
        Message = null;
        SenderIncarnation = ReceiverIncarnation = Seq = Cumulative = long.MinValue;
        ((Span<byte>)Mac).Clear();
    }
}

/// <summary>A MAC (HMAC-SHA256) held inline.</summary>
[System.Runtime.CompilerServices.InlineArray(CanonicalEncoding.MacSize)]
internal struct MacBytes
{
    private byte _first;
}

/// <summary>
/// The carriers of one simulation (single-threaded, like the simulation): taken for a frame, given back when their last
/// hold is released. At most <see cref="Kept"/> of each kind wait in the pool; beyond that a released carrier is left to
/// the garbage collector, so a burst of packets in flight does not stay allocated.
/// </summary>
internal sealed class FramePool
{
    /// <summary>How many free carriers of each kind the pool keeps at most.</summary>
    public const int Kept = 4096;

    private readonly Stack<DataCarrier> _data = new();
    private readonly Stack<AckCarrier> _acks = new();
    private readonly Stack<AuthenticatedCarrier> _authenticated = new();

    /// <summary>Carriers made so far (all kinds): a test's measure of reuse.</summary>
    public long Created { get; private set; }

    /// <summary>Carriers taken and not yet given back (all kinds).</summary>
    public long Live { get; private set; }

    /// <summary>A data frame's carrier, held once (by the caller).</summary>
    public DataCarrier Data(long senderIncarnation, long receiverIncarnation, long seq, object message)
    {
        DataCarrier carrier = Take(_data);
        carrier.SenderIncarnation = senderIncarnation;
        carrier.ReceiverIncarnation = receiverIncarnation;
        carrier.Seq = seq;
        carrier.Message = message;
        return carrier;
    }

    /// <summary>An acknowledgement's carrier, held once (by the caller).</summary>
    public AckCarrier Ack(long senderIncarnation, long receiverIncarnation, long seq, long cumulative)
    {
        AckCarrier carrier = Take(_acks);
        carrier.SenderIncarnation = senderIncarnation;
        carrier.ReceiverIncarnation = receiverIncarnation;
        carrier.Seq = seq;
        carrier.Cumulative = cumulative;
        return carrier;
    }

    /// <summary>
    /// An authenticated frame's carrier, held once (by the caller): a data frame when <paramref name="message"/> is not
    /// null, else an acknowledgement of <paramref name="cumulative"/>; its MAC is left for the caller to compute into
    /// <see cref="AuthenticatedCarrier.Mac"/>.
    /// </summary>
    public AuthenticatedCarrier Authenticated(long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative)
    {
        AuthenticatedCarrier carrier = Take(_authenticated);
        carrier.SenderIncarnation = senderIncarnation;
        carrier.ReceiverIncarnation = receiverIncarnation;
        carrier.Seq = seq;
        carrier.Message = message;
        carrier.Cumulative = message is null ? cumulative : 0;
        return carrier;
    }

    /// <summary>One more hold on <paramref name="frame"/> if it is a carrier (a copy of its packet was queued).</summary>
    public static void Hold(object frame)
    {
        if (frame is FrameCarrier carrier)
        {
            carrier.Holds++;
        }
    }

    /// <summary>Releases one hold on <paramref name="frame"/> if it is a carrier; the last one pools it.</summary>
    /// <exception cref="InvalidOperationException">No one held it: a kernel bug, never silently tolerated.</exception>
    public void Release(object? frame)
    {
        if (frame is not FrameCarrier carrier)
        {
            return;
        }

        if (--carrier.Holds > 0)
        {
            return;
        }

        if (carrier.Holds < 0)
        {
            throw new InvalidOperationException("a link frame carrier was released more often than it was held (a kernel bug: please report it with the seed)");
        }

        carrier.Clear();
        Live--;
        switch (carrier)
        {
            case DataCarrier data when _data.Count < Kept:
                _data.Push(data);
                break;
            case AckCarrier ack when _acks.Count < Kept:
                _acks.Push(ack);
                break;
            case AuthenticatedCarrier authenticated when _authenticated.Count < Kept:
                _authenticated.Push(authenticated);
                break;
        }
    }

    /// <summary>A pooled carrier of the kind <paramref name="free"/> keeps, or a new one; held once.</summary>
    private T Take<T>(Stack<T> free)
        where T : FrameCarrier, new()
    {
        if (!free.TryPop(out T? carrier))
        {
            carrier = new T();
            Created++;
        }

        carrier.Holds = 1;
        Live++;
        return carrier;
    }
}
