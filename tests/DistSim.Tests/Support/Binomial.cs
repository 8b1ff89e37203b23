
namespace DistSim.Tests.Support;

public static class Binomial
{
    /// <summary>
    /// The central acceptance region for the number of successes out of <paramref name="n"/> trials with
    /// probability <paramref name="p"/> at the given confidence: exact binomial quantiles from MathNet.
    /// </summary>
    public static (long Low, long High) Region(long n, double p, double confidence)
    {
        double tail = (1 - confidence) / 2;
        long low = Quantile(n, p, tail);
        long high = Quantile(n, p, 1 - tail);
        return (low, high);
    }

    private static long Quantile(long n, double p, double q)
    {
        // Smallest k with CDF(k) >= q, by bisection over [0, n].
        long lo = 0, hi = n;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) / 2);
            if (MathNet.Numerics.Distributions.Binomial.CDF(p, (int)n, mid) >= q)
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
}
