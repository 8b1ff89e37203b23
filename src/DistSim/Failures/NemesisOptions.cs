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

        if (Until < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Until), Until, "must be >= 0");
        }
    }
}
