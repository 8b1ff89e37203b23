using DistSim.Nodes;

namespace DistSim.Detectors;

/// <summary>
/// The perfect failure detector P, for the synchronous model: with heartbeats every <c>interval</c>, delays
/// at most Δ and clock drift at most ε, a live peer is never silent for longer than
/// (interval + Δ)·(1 + ε)/(1 − ε) on the local clock, so a timeout of that plus a margin never suspects a
/// live node (strong accuracy), and a crashed node is suspected within Δ + the timeout + one check period
/// of its crash (strong completeness: its last heartbeat can arrive up to Δ after it). Under any weaker
/// timing model it can be wrong.
/// </summary>
public sealed class PerfectFailureDetector : HeartbeatDetector
{
    /// <summary>Creates the detector; its timeout follows from the synchronous bounds.</summary>
    /// <param name="context">The node's context.</param>
    /// <param name="peers">The nodes to watch.</param>
    /// <param name="interval">Heartbeat interval.</param>
    /// <param name="delta">Δ, the synchronous model's bound on delays.</param>
    /// <param name="drift">ε, the bound on clock drift.</param>
    public PerfectFailureDetector(INodeContext context, IEnumerable<NodeId> peers, TimeSpan interval, TimeSpan delta, double drift = 0)
        : base(context, peers, interval)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "must be >= 0");
        }

        if (!(drift >= 0 && drift < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(drift), drift, "must be in [0, 0.5)");
        }

        double stretch = (1 + drift) / (1 - drift);
        Timeout = TimeSpan.FromTicks((long)Math.Ceiling((interval + delta).Ticks * stretch) + CheckPeriod.Ticks);
        _delta = delta;
    }

    private readonly TimeSpan _delta;

    /// <summary>The fixed timeout: silent longer than this means crashed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>A crashed peer is suspected at most this long after its crash (on the local clock): its last heartbeat may arrive Δ late, then the timeout, then the next check.</summary>
    public TimeSpan DetectionBound => _delta + Timeout + CheckPeriod;

    /// <inheritdoc />
    protected override TimeSpan TimeoutFor(NodeId peer) => Timeout;
}
