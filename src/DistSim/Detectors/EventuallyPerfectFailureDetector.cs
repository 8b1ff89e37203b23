using DistSim.Nodes;

namespace DistSim.Detectors;

/// <summary>
/// The eventually perfect failure detector ◇P, for the partially synchronous model: it starts with a short
/// timeout per peer and, each time a suspicion proves false, increases that peer's timeout (by
/// <c>increment</c>). Before GST it may suspect live nodes; after GST delays are bounded, so after finitely
/// many mistakes each live peer's timeout exceeds its real silences and suspicions of live nodes stop
/// (eventual strong accuracy), while a crashed peer is suspected for good (strong completeness).
/// </summary>
public sealed class EventuallyPerfectFailureDetector : HeartbeatDetector
{
    private readonly Dictionary<NodeId, TimeSpan> _timeouts = [];
    private readonly TimeSpan _increment;

    /// <summary>Creates the detector.</summary>
    /// <param name="context">The node's context.</param>
    /// <param name="peers">The nodes to watch.</param>
    /// <param name="interval">Heartbeat interval.</param>
    /// <param name="initialTimeout">Each peer's first timeout, greater than zero.</param>
    /// <param name="increment">Added to a peer's timeout after each false suspicion, greater than zero.</param>
    public EventuallyPerfectFailureDetector(INodeContext context, IEnumerable<NodeId> peers, TimeSpan interval, TimeSpan initialTimeout, TimeSpan increment)
        : base(context, peers, interval)
    {
        if (initialTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(initialTimeout), initialTimeout, "must be > 0");
        }

        if (increment <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(increment), increment, "must be > 0");
        }

        _increment = increment;
        foreach (NodeId peer in Peers)
        {
            _timeouts[peer] = initialTimeout;
        }
    }

    /// <summary>The current timeout of <paramref name="peer"/>.</summary>
    /// <param name="peer">A watched peer.</param>
    public TimeSpan TimeoutOf(NodeId peer) => _timeouts[peer];

    /// <inheritdoc />
    protected override TimeSpan TimeoutFor(NodeId peer) => _timeouts[peer];

    /// <inheritdoc />
    protected override void OnFalseSuspicion(NodeId peer) => _timeouts[peer] += _increment;
}
