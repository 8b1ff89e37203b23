using DistSim.Time;

namespace DistSim.Exploration;

/// <summary>How hard <see cref="FaultShrinker"/> works. Validated when shrinking starts.</summary>
public sealed record ShrinkOptions
{
    /// <summary>The most candidate schedules replayed (each a whole run); the shrinker stops with the smallest failing one found so far. Default 2,000.</summary>
    public int MaxReplays { get; init; } = 2_000;

    /// <summary>After dropping faults, try shorter pauses, downtimes and partitions (halving). Default true.</summary>
    public bool ShortenDurations { get; init; } = true;

    /// <summary>After dropping faults, try each timed fault later (binary search towards <see cref="Horizon"/>). Default true.</summary>
    public bool MoveLater { get; init; } = true;

    /// <summary>The latest time a fault is moved to; null: the schedule's <see cref="Failures.FaultSchedule.FaultsEnd"/>, or its last fault.</summary>
    public SimTime? Horizon { get; init; }

    /// <summary>
    /// Stops the shrink before its next replay once cancelled (Ctrl+C in a command-line tool, a test's own token), as if
    /// the budget had run out: the shrinker goes on only as far as verdicts it has already replayed allow, and returns the
    /// smallest failing schedule found, with <see cref="ShrinkResult.Cancelled"/> set. It does not throw. Default: none.
    /// A token in the options rather than a parameter, as in <see cref="ParallelOptions"/>: one place for everything
    /// that bounds the work.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (MaxReplays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReplays), MaxReplays, "must be >= 1");
        }
    }
}
