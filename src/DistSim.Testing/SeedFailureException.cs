namespace DistSim.Testing;

/// <summary>A seed failed a <see cref="SeedProperty"/> check. The message says which, why, and how to replay it.</summary>
public sealed class SeedFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="seed">The failing seed.</param>
    /// <param name="test">The test's full name.</param>
    /// <param name="message">What failed, with the replay line.</param>
    /// <param name="innerException">The seed's failure.</param>
    public SeedFailureException(ulong seed, string test, string message, Exception innerException)
        : base(message, innerException)
    {
        Seed = seed;
        Test = test;
    }

    /// <summary>The failing seed.</summary>
    public ulong Seed { get; }

    /// <summary>The test's full name (namespace, class, method).</summary>
    public string Test { get; }

    /// <summary>The command line that re-runs the test for this seed only.</summary>
    public string ReplayCommand => SeedProperty.ReplayCommand(Seed, Test);
}
