namespace DistSim.Links;

/// <summary>
/// Counts of one link session (one ordered pair). Each count matches events in the trace:
/// <see cref="Sent"/> ↔ <c>send</c>, <see cref="Retransmitted"/> ↔ <c>retransmit</c>,
/// <see cref="Acknowledged"/> ↔ <c>acknowledged</c>, <see cref="DuplicatesSuppressed"/> ↔
/// <c>duplicate-suppressed</c>, <see cref="Rejected"/> ↔ <c>rejected</c>, <see cref="Delivered"/> ↔ <c>deliver</c>,
/// <see cref="Stale"/> ↔ <c>stale</c>, <see cref="Handshakes"/> ↔ <c>handshake</c>. <see cref="Backlog"/> and
/// <see cref="BacklogHighWater"/> are gauges of the sender's memory, not events.
/// </summary>
/// <remarks>
/// The counters of a built-in reliable or authenticated link's session are a live view of the session's state: they
/// change as the run goes on, and <see cref="Add"/> refuses them (total into a <c>new LinkCounters()</c>). Not
/// thread-safe; read between steps. See <c>docs/concepts/links.md</c>.
/// </remarks>
public sealed class LinkCounters
{
    private readonly ILinkCountsSource? _source;
    private readonly int _row;
    private LinkCounts _own;

    /// <summary>Counters of their own, all zero (for totals over many pairs: see <see cref="Add"/>).</summary>
    public LinkCounters()
    {
    }

    /// <summary>A live view of the counts a built-in link keeps in row <paramref name="row"/> of <paramref name="source"/>.</summary>
    internal LinkCounters(ILinkCountsSource source, int row)
    {
        _source = source;
        _row = row;
    }

    /// <summary>Where the counts are: this object's own, or the row of the session it views.</summary>
    private ref LinkCounts C => ref _source is null ? ref _own : ref _source.CountsOf(_row);

    /// <summary>Messages the application sent over the link.</summary>
    public long Sent { get => C.Sent; internal set => C.Sent = value; }

    /// <summary>
    /// Data packets sent again: because no acknowledgement came in time, or because the handshake bound a frame sent
    /// before it to the receiver's incarnation.
    /// </summary>
    public long Retransmitted { get => C.Retransmitted; internal set => C.Retransmitted = value; }

    /// <summary>Messages whose acknowledgement reached the sender.</summary>
    public long Acknowledged { get => C.Acknowledged; internal set => C.Acknowledged = value; }

    /// <summary>Acknowledgement packets sent by the receiver (syncs, which tell only its incarnation, included).</summary>
    public long AcksSent { get => C.AcksSent; internal set => C.AcksSent = value; }

    /// <summary>Packets the receiver recognised as already delivered and did not hand up again.</summary>
    public long DuplicatesSuppressed { get => C.DuplicatesSuppressed; internal set => C.DuplicatesSuppressed = value; }

    /// <summary>Packets discarded because their authentication code did not verify, or they named an incarnation no honest end can have sent.</summary>
    public long Rejected { get => C.Rejected; internal set => C.Rejected = value; }

    /// <summary>Messages handed to the receiving node.</summary>
    public long Delivered { get => C.Delivered; internal set => C.Delivered = value; }

    /// <summary>Data packets dropped by the receiver because they lay beyond its window.</summary>
    public long OutOfWindow { get => C.OutOfWindow; internal set => C.OutOfWindow = value; }

    /// <summary>
    /// Messages given up (each delivered at most once): at the retransmission limit (with the rest of its stream), at
    /// the sender's crash, or because the receiver restarted before acknowledging them.
    /// </summary>
    public long Abandoned { get => C.Abandoned; internal set => C.Abandoned = value; }

    /// <summary>
    /// Packets of an old incarnation of one end, discarded: data frames at the receiver (sent by a sender incarnation
    /// that has since restarted, or bound to a receiver incarnation that has), acknowledgements at the sender.
    /// Replays of old packets after a restart land here.
    /// </summary>
    public long Stale { get => C.Stale; internal set => C.Stale = value; }

    /// <summary>Times the sender learned the receiver's incarnation and started a stream (once at first contact, once per restart of either end).</summary>
    public long Handshakes { get => C.Handshakes; internal set => C.Handshakes = value; }

    /// <summary>Messages waiting now in the sender's backlog for the window to open (at most <see cref="ReliableLinkOptions.BacklogLimit"/>).</summary>
    public long Backlog { get => C.Backlog; internal set => C.Backlog = value; }

    /// <summary>The largest <see cref="Backlog"/> so far.</summary>
    public long BacklogHighWater { get => C.BacklogHighWater; internal set => C.BacklogHighWater = value; }

    /// <summary>
    /// Adds another session's counts to these (for totals over many pairs): every count and <see cref="Backlog"/> add
    /// up; <see cref="BacklogHighWater"/> becomes the larger of the two (the largest backlog any one pair reached).
    /// </summary>
    /// <param name="other">The counts to add.</param>
    /// <exception cref="InvalidOperationException">These counters are a live view of a session (a session's own counts are not a total).</exception>
    public void Add(LinkCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_source is not null)
        {
            throw new InvalidOperationException(
                "these counters are a live view of a session's state and take no additions: total into new LinkCounters() (var total = new LinkCounters(); total.Add(session.Counters); ...)");
        }

        Sent += other.Sent;
        Retransmitted += other.Retransmitted;
        Acknowledged += other.Acknowledged;
        AcksSent += other.AcksSent;
        DuplicatesSuppressed += other.DuplicatesSuppressed;
        Rejected += other.Rejected;
        Delivered += other.Delivered;
        OutOfWindow += other.OutOfWindow;
        Abandoned += other.Abandoned;
        Stale += other.Stale;
        Handshakes += other.Handshakes;
        Backlog += other.Backlog;
        BacklogHighWater = Math.Max(BacklogHighWater, other.BacklogHighWater);
    }
}

/// <summary>The counts of one session, as a value: what a built-in link keeps in its row (see <see cref="LinkCounters"/>).</summary>
internal struct LinkCounts
{
    public long Sent;
    public long Retransmitted;
    public long Acknowledged;
    public long AcksSent;
    public long DuplicatesSuppressed;
    public long Rejected;
    public long Delivered;
    public long OutOfWindow;
    public long Abandoned;
    public long Stale;
    public long Handshakes;
    public long Backlog;
    public long BacklogHighWater;
}

/// <summary>Keeps the counts of many sessions by row (a built-in link's table); <see cref="LinkCounters"/> can view one.</summary>
internal interface ILinkCountsSource
{
    /// <summary>The counts of row <paramref name="row"/>.</summary>
    ref LinkCounts CountsOf(int row);
}
