using DistSim.Timing;

namespace DistSim.Failures;

/// <summary>
/// Random faults drawn from the seed (a "nemesis"), within the failure model of each node: crashes for
/// nodes that may stop (and restarts after a downtime for those that may restart), pauses and clock steps. Each node
/// has its own stream (<c>nemesis:&lt;name&gt;</c>), so adding a node does not change the faults of the others.
/// </summary>
/// <remarks>
/// In <see cref="Swarm"/> mode the seed also chooses the mix (Groce et al., swarm testing): each fault
/// kind is switched on or off, and its rate scaled by a factor between ¼ and 4, from the stream
/// <c>nemesis:swarm</c>. See <c>docs/concepts/failures.md</c>.
/// </remarks>
public sealed record NemesisOptions
{
    /// <summary>Mean time between crashes of a node that may crash (exponential); null for no crashes. Default 10 s.</summary>
    public TimeSpan? MeanTimeBetweenCrashes { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a crashed node that may restart stays down. Default uniform 100 ms – 2 s.</summary>
    public Delay Downtime { get; init; } = Delay.Uniform(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

    /// <summary>Mean time between pauses of a node (exponential); null (the default) for no pauses.</summary>
    public TimeSpan? MeanTimeBetweenPauses { get; init; }

    /// <summary>How long a pause lasts. Default uniform 10 ms – 500 ms.</summary>
    public Delay PauseDuration { get; init; } = Delay.Uniform(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(500));

    /// <summary>Mean time between steps of a node's clock (exponential; an NTP-like correction, forward or back with equal odds); null (the default) for none.</summary>
    public TimeSpan? MeanTimeBetweenClockSteps { get; init; }

    /// <summary>How far a clock step moves the clock. Default uniform 1 ms – 1 s.</summary>
    public Delay ClockStepSize { get; init; } = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));

    /// <summary>No fault starts after this time from the start. Default 1 minute.</summary>
    public TimeSpan Until { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Let the seed choose which fault kinds are on and how often they come.</summary>
    public bool Swarm { get; init; }

    /// <summary>
    /// Let the seed choose the network too (swarm testing of the network): from the stream <c>nemesis:swarm:network</c>,
    /// loss is off or uniform 0 – 0.3, duplication off or uniform 0 – 0.1 (each with even odds), and the delay is the
    /// configured one, or an exponential or a uniform distribution of the configured mean scaled by ¼ … 4. Replaces
    /// <see cref="SimulationOptions.Network"/> (pairs set with <see cref="Network.SimNetwork.SetFairLoss"/> keep theirs);
    /// <see cref="Simulation.NetworkDefaults"/> tells what it chose. Also with a replayed fault schedule (it is
    /// part of the run's configuration, not a fault): replay with the nemesis options kept, or the network changes too.
    /// Default false.
    /// </summary>
    public bool SwarmNetwork { get; init; }

    /// <summary>
    /// At most this many nodes faulty at once — down (crashed, for good or until a restart) or paused: a crash or pause
    /// that would pass it is skipped (counted in <see cref="FaultCounters.Skipped"/>) and the node's next fault is drawn
    /// as usual. Null (the default): no bound. Clock steps and partitions are not node faults and are not bounded.
    /// </summary>
    public int? MaxFaulty { get; init; }

    /// <summary>
    /// Fault domains (racks, zones): disjoint groups of nodes of which at most <see cref="MaxFaultyPerDomain"/> may be
    /// faulty at once; a crash or pause that would pass it is skipped. Null (the default): no domains.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Nodes.NodeId>>? FaultDomains { get; init; }

    /// <summary>How many nodes of one <see cref="FaultDomains"/> group may be faulty at once. Default 1 ("never two of one rack").</summary>
    public int MaxFaultyPerDomain { get; init; } = 1;

    /// <summary>
    /// Asked when a crash or pause is due: whether the node may be hit now (e.g. only followers:
    /// <c>(sim, n) =&gt; sim.GetNode(n) is not RaftNode { IsLeader: true }</c>); false skips the fault. It must decide from
    /// the simulation's state only (never the wall clock or a shared random). Null (the default): every node the failure
    /// model allows.
    /// </summary>
    public Func<Simulation, Nodes.NodeId, bool>? Eligible { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (MeanTimeBetweenCrashes is { } c && c <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MeanTimeBetweenCrashes), c, "must be > 0 (or null for no crashes)");
        }

        if (MeanTimeBetweenPauses is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MeanTimeBetweenPauses), p, "must be > 0 (or null for no pauses)");
        }

        if (MeanTimeBetweenClockSteps is { } k && k <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MeanTimeBetweenClockSteps), k, "must be > 0 (or null for no clock steps)");
        }

        if (ClockStepSize is null)
        {
            throw new ArgumentNullException(nameof(ClockStepSize), "must be a delay distribution");
        }

        if (Downtime is null)
        {
            throw new ArgumentNullException(nameof(Downtime), "must be a delay distribution");
        }

        if (PauseDuration is null)
        {
            throw new ArgumentNullException(nameof(PauseDuration), "must be a delay distribution");
        }

        if (MaxFaulty is { } f && f < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFaulty), f, "must be >= 0 (or null for no bound)");
        }

        if (MaxFaultyPerDomain < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFaultyPerDomain), MaxFaultyPerDomain, "must be >= 0");
        }

        if (FaultDomains is { } domains)
        {
            var seen = new HashSet<Nodes.NodeId>();
            foreach (IReadOnlyList<Nodes.NodeId>? domain in domains)
            {
                if (domain is null)
                {
                    throw new ArgumentNullException(nameof(FaultDomains), "a domain is null");
                }

                foreach (Nodes.NodeId node in domain)
                {
                    if (!seen.Add(node))
                    {
                        throw new ArgumentException($"node {node.Value} is in more than one domain", nameof(FaultDomains));
                    }
                }
            }
        }

        if (Until < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Until), Until, "must be >= 0");
        }
    }
}
