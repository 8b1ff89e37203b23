namespace DistSim.Checking;

/// <summary>The budget of one <see cref="Linearizability.Analyze"/> call. Immutable; validated when the check starts.</summary>
/// <remarks>
/// Checking linearizability is NP-complete (Gibbons and Korach): a hard history can take the search a very long time.
/// A budget turns that into a labelled <see cref="LinearizabilityVerdict.Unknown"/> instead of a hang. Prefer
/// <see cref="MaxSteps"/> in tests: it is deterministic, where a <see cref="TimeLimit"/> depends on the machine.
/// </remarks>
public sealed record LinearizabilityOptions
{
    /// <summary>
    /// The most search steps over the whole check (all partitions together, checked in order); null (the default) for no
    /// limit. A step is one candidate operation tried, or one backtrack. Past it the verdict is
    /// <see cref="LinearizabilityVerdict.Unknown"/> with <see cref="UnknownReason.StepLimit"/>, unless a partition checked
    /// within the budget already proved the history <see cref="LinearizabilityVerdict.NotLinearizable"/>. Must be &gt; 0.
    /// </summary>
    public long? MaxSteps { get; init; }

    /// <summary>
    /// The most wall-clock time the check may take; null (the default) for no limit. Past it the verdict is
    /// <see cref="LinearizabilityVerdict.Unknown"/> with <see cref="UnknownReason.TimeLimit"/>. Not deterministic: where the
    /// search stands when the time is up depends on the machine. Must be &gt; 0.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Throws if an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the exception names it and its value.</exception>
    public void Validate()
    {
        if (MaxSteps is { } steps && steps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), steps, "must be > 0 (or null for no limit)");
        }

        if (TimeLimit is { } time && time <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), time, "must be > 0 (or null for no limit)");
        }
    }
}
