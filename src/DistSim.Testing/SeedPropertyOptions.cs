namespace DistSim.Testing;

/// <summary>What <see cref="SeedProperty.Check(Action{ulong}, SeedPropertyOptions?, string, string)"/> runs.</summary>
public sealed record SeedPropertyOptions
{
    /// <summary>The first seed of the range. Default 1.</summary>
    public ulong FirstSeed { get; init; } = 1;

    /// <summary>How many seeds, at least 1 (the environment variable <c>DISTSIM_SEED_COUNT</c> overrides it). Default 100.</summary>
    public long Count { get; init; } = 100;

    /// <summary>How many seeds run at once, at least 1. Default: one per core.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount; // determinism-ok: only how many seeds run at once; the report is the same for any value

    /// <summary>
    /// The regression-seed file: seeds listed there for the test run first, before the range. Null (the default): a file
    /// named <c>distsim-regressions.txt</c> beside the test's source file, when the sources are there.
    /// </summary>
    public string? RegressionFile { get; init; }

    /// <summary>Whether a failing seed is added to the regression file. Default true.</summary>
    public bool RecordRegressions { get; init; } = true;

    /// <summary>Checks every option; the exception names the option and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, "must be >= 1");
        }

        if (Parallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "must be >= 1");
        }

        if (FirstSeed > ulong.MaxValue - (ulong)(Count - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FirstSeed), FirstSeed, $"the range of {Count} seeds from it passes {ulong.MaxValue}");
        }
    }
}
