namespace DistSim.Samples.Tcp;

/// <summary>
/// The retransmission timer of RFC 6298, in integer ticks. First measurement R: SRTT = R, RTTVAR = R/2.
/// Later R': RTTVAR = (1 − β)·RTTVAR + β·|SRTT − R'| then SRTT = (1 − α)·SRTT + α·R' (α = 1/8, β = 1/4).
/// RTO = SRTT + max(G, K·RTTVAR) with K = 4, at least <see cref="Minimum"/>, at most <see cref="Maximum"/>.
/// On a timeout the RTO doubles (<see cref="Backoff"/>). Karn's rule — never sample a retransmitted
/// segment — is the caller's duty (see <see cref="TcpSender"/>).
/// </summary>
public sealed class RtoEstimator
{
    private long _srtt;
    private long _rttvar;

    /// <summary>Creates an estimator with no measurement yet: RTO = <paramref name="initial"/>.</summary>
    /// <param name="granularity">G, the clock granularity.</param>
    /// <param name="minimum">The floor of the RTO (RFC 6298 says 1 s; Linux uses 200 ms).</param>
    /// <param name="maximum">The ceiling of the RTO (at least 60 s per the RFC).</param>
    /// <param name="initial">The RTO before any measurement (1 s per the RFC).</param>
    public RtoEstimator(TimeSpan granularity, TimeSpan minimum, TimeSpan maximum, TimeSpan initial)
    {
        if (granularity < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(granularity), granularity, "must be >= 0");
        }

        if (minimum <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "must be > 0");
        }

        if (maximum < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(maximum), maximum, $"must be >= minimum ({minimum})");
        }

        Granularity = granularity;
        Minimum = minimum;
        Maximum = maximum;
        Rto = Clamp(initial.Ticks);
    }

    /// <summary>G.</summary>
    public TimeSpan Granularity { get; }

    /// <summary>The RTO floor.</summary>
    public TimeSpan Minimum { get; }

    /// <summary>The RTO ceiling.</summary>
    public TimeSpan Maximum { get; }

    /// <summary>The current retransmission timeout.</summary>
    public TimeSpan Rto { get; private set; }

    /// <summary>The smoothed round-trip time (zero before the first measurement).</summary>
    public TimeSpan Srtt => TimeSpan.FromTicks(_srtt);

    /// <summary>The round-trip time variation (zero before the first measurement).</summary>
    public TimeSpan RttVar => TimeSpan.FromTicks(_rttvar);

    /// <summary>Whether any measurement was taken.</summary>
    public bool HasSample { get; private set; }

    /// <summary>Measurements taken.</summary>
    public int Samples { get; private set; }

    /// <summary>Takes one round-trip measurement (of a segment that was not retransmitted).</summary>
    /// <param name="rtt">The measured round-trip time, at least zero.</param>
    public void Sample(TimeSpan rtt)
    {
        if (rtt < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(rtt), rtt, "must be >= 0");
        }

        long r = rtt.Ticks;
        if (!HasSample)
        {
            _srtt = r;
            _rttvar = r / 2;
            HasSample = true;
        }
        else
        {
            _rttvar = ((3 * _rttvar) + Math.Abs(_srtt - r) + 2) / 4; // (1 - 1/4)·RTTVAR + 1/4·|SRTT - R'|, rounded
            _srtt = ((7 * _srtt) + r + 4) / 8; // (1 - 1/8)·SRTT + 1/8·R', rounded
        }

        Samples++;
        Rto = Clamp(_srtt + Math.Max(Granularity.Ticks, 4 * _rttvar));
    }

    /// <summary>The timer expired: RTO = min(2·RTO, maximum) (RFC 6298 5.5).</summary>
    public void Backoff() => Rto = Clamp(Math.Min(Rto.Ticks * 2, Maximum.Ticks));

    private TimeSpan Clamp(long ticks) => TimeSpan.FromTicks(Math.Clamp(ticks, Minimum.Ticks, Maximum.Ticks));
}
