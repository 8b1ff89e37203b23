using System.Globalization;
using DistSim.Sweeps;

namespace DistSim.Testing;

/// <summary>
/// Assertions on rates measured over many trials (runs, packets, draws): the observed rate must be compatible with the
/// rate the theory predicts, at a stated confidence — a statistical test that a correct system fails at most
/// 1 − confidence of the time, and that is deterministic for a fixed seed.
/// <code>
/// Rates.AssertWithin(successes: agreed, trials: runs, expected: 1 - Math.Pow(0.5, 3), confidence: 0.999);
/// </code>
/// </summary>
/// <remarks>Thread-safe (pure functions). See <c>docs/concepts/sweeps.md</c>.</remarks>
public static class Rates
{
    /// <summary>
    /// Asserts that <paramref name="expected"/> lies in the <paramref name="confidence"/> interval of
    /// <paramref name="successes"/> out of <paramref name="trials"/> (by default the exact Clopper–Pearson interval,
    /// whose false-alarm rate is at most 1 − confidence); otherwise throws a <see cref="RateAssertionException"/> that
    /// gives the counts, the observed rate, the interval and the expected rate.
    /// </summary>
    /// <param name="successes">Successes, in [0, trials].</param>
    /// <param name="trials">Trials, at least one.</param>
    /// <param name="expected">The theoretical rate, in [0, 1].</param>
    /// <param name="confidence">The confidence level, in (0, 1); default 0.95. Use 0.999 or more in a suite of many such tests.</param>
    /// <param name="method">Which interval; default <see cref="BinomialIntervalMethod.ClopperPearson"/>.</param>
    /// <returns>The interval, for further reporting.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    /// <exception cref="RateAssertionException">The expected rate lies outside the interval.</exception>
    public static ConfidenceInterval AssertWithin(
        long successes, long trials, double expected, double confidence = 0.95, BinomialIntervalMethod method = BinomialIntervalMethod.ClopperPearson)
    {
        if (trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, "must be >= 1: a rate over no trial says nothing");
        }

        if (!(expected >= 0 && expected <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(expected), expected, "must be in [0, 1]");
        }

        ConfidenceInterval interval = Proportion.Interval(successes, trials, confidence, method);
        if (!interval.Contains(expected))
        {
            throw new RateAssertionException(successes, trials, expected, interval, string.Create(
                CultureInfo.InvariantCulture,
                $"Rates.AssertWithin() Failure: the observed rate {successes}/{trials} = {(double)successes / trials:G6} is not compatible with the expected rate {expected:G6}: " +
                $"the {confidence * 100:G4}% {(method == BinomialIntervalMethod.Wilson ? "Wilson" : "Clopper–Pearson")} interval is [{interval.Low:G6}, {interval.High:G6}]"));
        }

        return interval;
    }
}
