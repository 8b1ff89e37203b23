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
    private object? _frame;

    /// <summary>Who holds the carrier now (see the remarks).</summary>
    internal int Holds;

    /// <summary>The sending end's incarnation (<see cref="DataFrame.SenderIncarnation"/>, <see cref="AckFrame.SenderIncarnation"/>).</summary>
    public long SenderIncarnation;

    /// <summary>The receiving end's incarnation, as the frame names it.</summary>
    public long ReceiverIncarnation;

    /// <summary>The sequence number sent or acknowledged.</summary>
    public long Seq;

    /// <summary>An acknowledgement's cumulative point (0 for a data frame).</summary>
    public long Cumulative;

    /// <summary>A data frame's message; null for an acknowledgement.</summary>
    public object? Message;

    /// <summary>Whether it carries a data frame (else an acknowledgement).</summary>
    public bool IsData => Message is not null;

    /// <summary>The public record of this frame, built on first use and kept until the carrier is pooled.</summary>
    public object Frame => _frame ??= Build();

    /// <summary>What an observer sees of <paramref name="frame"/>: the record for a carrier, the object itself otherwise.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(frame))]
    public static object? Observe(object? frame) => frame is FrameCarrier carrier ? carrier.Frame : frame;

    /// <summary>The type an observer sees for an object of type <paramref name="type"/> (a carrier's record type).</summary>
    public static Type ObservedType(Type type) =>
        type == typeof(DataCarrier) ? typeof(DataFrame)
        : type == typeof(AckCarrier) ? typeof(AckFrame)
        : type == typeof(AuthenticatedCarrier) ? typeof(AuthenticatedFrame)
        : type;

    /// <summary>Fills the carrier for a new use, held once.</summary>
    internal void Set(long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative)
    {
        SenderIncarnation = senderIncarnation;
        ReceiverIncarnation = receiverIncarnation;
        Seq = seq;
        Message = message;
        Cumulative = message is null ? cumulative : 0;
        Holds = 1;
    }

    /// <summary>Drops every reference and poisons the fields, so that a use after pooling shows in any comparison of runs.</summary>
    internal virtual void Clear()
    {
        _frame = null;
        Message = null;
        SenderIncarnation = ReceiverIncarnation = Seq = Cumulative = long.MinValue;
    }

    /// <summary>The record an observer sees.</summary>
    protected abstract object Build();

    /// <summary>The reliable-link record of these fields: a <see cref="DataFrame"/> or an <see cref="AckFrame"/>.</summary>
    protected object Inner() => Message is { } message
        ? new DataFrame(SenderIncarnation, ReceiverIncarnation, Seq, message)
        : new AckFrame(SenderIncarnation, ReceiverIncarnation, Seq, Cumulative);
}

/// <summary>A <see cref="DataFrame"/> as a pooled carrier.</summary>
internal sealed class DataCarrier : FrameCarrier
{
    /// <inheritdoc />
    protected override object Build() => Inner();
}

/// <summary>An <see cref="AckFrame"/> as a pooled carrier.</summary>
internal sealed class AckCarrier : FrameCarrier
{
    /// <inheritdoc />
    protected override object Build() => Inner();
}

/// <summary>An <see cref="AuthenticatedFrame"/> as a pooled carrier: the inner frame's fields and the 32-byte MAC inline.</summary>
internal sealed class AuthenticatedCarrier : FrameCarrier
{
    /// <summary>The MAC, computed by the sending session into the carrier itself.</summary>
    public MacBytes Mac;

    /// <inheritdoc />
    protected override object Build() => new AuthenticatedFrame(Inner(), ((ReadOnlySpan<byte>)Mac).ToArray());

    internal override void Clear()
    {
        base.Clear();
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
    public DataCarrier Data(long senderIncarnation, long receiverIncarnation, long seq, object message) =>
        Take(_data, senderIncarnation, receiverIncarnation, seq, message, 0);

    /// <summary>An acknowledgement's carrier, held once (by the caller).</summary>
    public AckCarrier Ack(long senderIncarnation, long receiverIncarnation, long seq, long cumulative) =>
        Take(_acks, senderIncarnation, receiverIncarnation, seq, null, cumulative);

    /// <summary>
    /// An authenticated frame's carrier, held once (by the caller): a data frame when <paramref name="message"/> is not
    /// null, else an acknowledgement of <paramref name="cumulative"/>; its MAC is left for the caller to compute into
    /// <see cref="AuthenticatedCarrier.Mac"/>.
    /// </summary>
    public AuthenticatedCarrier Authenticated(long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative) =>
        Take(_authenticated, senderIncarnation, receiverIncarnation, seq, message, cumulative);

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

    /// <summary>A pooled carrier of the kind <paramref name="free"/> keeps, or a new one, filled and held once.</summary>
    private T Take<T>(Stack<T> free, long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative)
        where T : FrameCarrier, new()
    {
        if (!free.TryPop(out T? carrier))
        {
            carrier = new T();
            Created++;
        }

        carrier.Set(senderIncarnation, receiverIncarnation, seq, message, cumulative);
        Live++;
        return carrier;
    }
}
