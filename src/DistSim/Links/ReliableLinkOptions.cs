namespace DistSim.Links;

/// <summary>
/// Options of the reliable link: how often it retransmits, how far ahead the sender may run, and when it
/// gives up. Validated when the link is created (<see cref="Links.Reliable"/>).
/// </summary>
public sealed record ReliableLinkOptions
{
    /// <summary>The defaults.</summary>
    public static ReliableLinkOptions Default { get; } = new();

    /// <summary>Wait before the first retransmission of an unacknowledged message. Default 100 ms.</summary>
    public TimeSpan RetransmitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Each further retransmission waits this factor longer (≥ 1). Default 2.</summary>
    public double Backoff { get; init; } = 2;

    /// <summary>The wait between retransmissions never exceeds this. Default 10 s.</summary>
    public TimeSpan RetransmitIntervalMax { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At most this many messages are unacknowledged at once; the receiver remembers exactly this many
    /// sequence numbers beyond its cumulative acknowledgement, so its duplicate-suppression memory is
    /// bounded. Default 64.
    /// </summary>
    public int Window { get; init; } = 64;

    /// <summary>
    /// A message is given up (traced as <c>abandoned</c>) after this many retransmissions. Default 10,000. The
    /// stream is then reset, as TCP resets a connection that times out: the sender's end starts a new incarnation,
    /// the other unacknowledged messages are given up with it (each delivered at most once), and later messages
    /// go in a new stream, so one lost message cannot stall the link for ever.
    /// </summary>
    public int RetransmitLimit { get; init; } = 10_000;

    /// <summary>
    /// At most this many messages wait in the sender's backlog (sent by the application, not yet let into the
    /// window) per ordered pair. A <c>Send</c> beyond it throws an <see cref="InvalidOperationException"/> that
    /// names the pair and this option: a sender that outruns its link for good (a flood into a partition, a
    /// receiver that is down) fails loudly instead of growing memory without bound. At least 0. Default 100,000
    /// (a few megabytes per pair).
    /// </summary>
    public int BacklogLimit { get; init; } = 100_000;

    /// <summary>
    /// Whether the link's sequence and duplicate-suppression state is kept in durable storage. False (the
    /// default), as for a TCP connection: a crash loses it; each end then starts a new incarnation, frames of the
    /// old one are rejected (<c>stale</c>), and messages the sender had not seen acknowledged are given up
    /// (<c>abandoned</c>): at most once across a restart, never twice. True: the state survives, and delivery
    /// stays exactly once across restarts.
    /// </summary>
    /// <remarks>See <c>docs/concepts/links.md</c> (restarts) for what each case guarantees.</remarks>
    public bool DurableState { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (RetransmitInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetransmitInterval), RetransmitInterval, "must be > 0");
        }

        if (!(Backoff >= 1) || double.IsInfinity(Backoff))
        {
            throw new ArgumentOutOfRangeException(nameof(Backoff), Backoff, "must be a finite number >= 1");
        }

        if (RetransmitIntervalMax < RetransmitInterval)
        {
            throw new ArgumentOutOfRangeException(
                nameof(RetransmitIntervalMax), RetransmitIntervalMax, $"must be >= RetransmitInterval ({RetransmitInterval})");
        }

        if (Window is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be in [1, 1000000]");
        }

        if (RetransmitLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RetransmitLimit), RetransmitLimit, "must be >= 0");
        }

        if (BacklogLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BacklogLimit), BacklogLimit, "must be >= 0");
        }
    }
}
