using MathNet.Numerics.Distributions;

namespace DistSim.Sweeps;

/// <summary>
/// Confidence intervals of a binomial proportion — a rate over runs, such as "the generals agreed in 8,731 of 10,000
/// seeds" — and the central acceptance region of a binomial count, computed with MathNet.Numerics.
/// </summary>
/// <remarks>Thread-safe (pure functions). See <c>docs/concepts/sweeps.md</c>.</remarks>
public static class Proportion
{
    /// <summary>Wilson's score interval of <paramref name="successes"/> out of <paramref name="trials"/>.</summary>
    /// <param name="successes">Successes, in [0, trials].</param>
    /// <param name="trials">Trials, at least zero; with none the interval is [0, 1] (nothing is known).</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public static ConfidenceInterval Wilson(long successes, long trials, double confidence = 0.95)
    {
        Check(successes, trials, confidence);
        if (trials == 0)
        {
            return new ConfidenceInterval(0, 1, confidence);
        }

        double z = Normal.InvCDF(0, 1, 1 - ((1 - confidence) / 2));
        double n = trials;
        double p = successes / n;
        double denominator = 1 + (z * z / n);
        double centre = (p + (z * z / (2 * n))) / denominator;
        double half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4 * n * n))) / denominator;
        return new ConfidenceInterval(Math.Max(0, centre - half), Math.Min(1, centre + half), confidence);
    }

    /// <summary>The exact (Clopper–Pearson) interval of <paramref name="successes"/> out of <paramref name="trials"/>, from beta quantiles.</summary>
    /// <param name="successes">Successes, in [0, trials].</param>
    /// <param name="trials">Trials, at least zero; with none the interval is [0, 1].</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public static ConfidenceInterval ClopperPearson(long successes, long trials, double confidence = 0.95)
    {
        Check(successes, trials, confidence);
        if (trials == 0)
        {
            return new ConfidenceInterval(0, 1, confidence);
        }

        double tail = (1 - confidence) / 2;
        double low = successes == 0 ? 0 : Beta.InvCDF(successes, trials - successes + 1, tail);
        double high = successes == trials ? 1 : Beta.InvCDF(successes + 1, trials - successes, 1 - tail);
        return new ConfidenceInterval(low, high, confidence);
    }

    /// <summary>The interval of <paramref name="successes"/> out of <paramref name="trials"/> by <paramref name="method"/>.</summary>
    /// <param name="successes">Successes, in [0, trials].</param>
    /// <param name="trials">Trials, at least zero.</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <param name="method">Which interval.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public static ConfidenceInterval Interval(long successes, long trials, double confidence, BinomialIntervalMethod method) => method switch
    {
        BinomialIntervalMethod.ClopperPearson => ClopperPearson(successes, trials, confidence),
        BinomialIntervalMethod.Wilson => Wilson(successes, trials, confidence),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown interval method"),
    };

    /// <summary>
    /// The central acceptance region of a count of successes in <paramref name="trials"/> independent trials of
    /// probability <paramref name="probability"/>: the exact binomial quantiles at (1 − confidence)/2 and
    /// (1 + confidence)/2. A count outside it rejects the probability at level 1 − confidence.
    /// </summary>
    /// <param name="trials">Trials, in [0, <see cref="int.MaxValue"/>].</param>
    /// <param name="probability">The success probability, in [0, 1].</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <returns>The least and the greatest count of the region.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public static (long Low, long High) AcceptanceRegion(long trials, double probability, double confidence)
    {
        if (trials < 0 || trials > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, $"must be in [0, {int.MaxValue}]");
        }

        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in [0, 1]");
        }

        CheckConfidence(confidence);
        double tail = (1 - confidence) / 2;
        return (Quantile(trials, probability, tail), Quantile(trials, probability, 1 - tail));
    }

    /// <summary>The smallest k with P(X ≤ k) ≥ q for X ~ Binomial(n, p), by bisection over [0, n].</summary>
    private static long Quantile(long n, double p, double q)
    {
        long lo = 0, hi = n;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) / 2);
            if (Binomial.CDF(p, (int)n, mid) >= q)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private static void Check(long successes, long trials, double confidence)
    {
        if (trials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, "must be >= 0");
        }

        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"must be in [0, trials = {trials}]");
        }

        CheckConfidence(confidence);
    }

    private static void CheckConfidence(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        }
    }
}
