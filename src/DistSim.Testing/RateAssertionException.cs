using DistSim.Sweeps;
using Xunit.Sdk;

namespace DistSim.Testing;

/// <summary>
/// An observed rate is not compatible with the expected one (<see cref="Rates.AssertWithin"/>). An xunit assertion
/// failure: test runners report it as a failed assertion, with the numbers.
/// </summary>
public sealed class RateAssertionException : XunitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="successes">Successes observed.</param>
    /// <param name="trials">Trials.</param>
    /// <param name="expected">The theoretical rate.</param>
    /// <param name="interval">The confidence interval of the observed rate.</param>
    /// <param name="message">The report.</param>
    public RateAssertionException(long successes, long trials, double expected, ConfidenceInterval interval, string message)
        : base(message)
    {
        Successes = successes;
        Trials = trials;
        Expected = expected;
        Interval = interval;
    }

    /// <summary>Successes observed.</summary>
    public long Successes { get; }

    /// <summary>Trials.</summary>
    public long Trials { get; }

    /// <summary>The theoretical rate.</summary>
    public double Expected { get; }

    /// <summary>The confidence interval of the observed rate, which does not contain <see cref="Expected"/>.</summary>
    public ConfidenceInterval Interval { get; }
}
