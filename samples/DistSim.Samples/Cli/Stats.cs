using MathNet.Numerics.Distributions;

namespace DistSim.Samples.Cli;

/// <summary>Small statistics helpers for sweeps.</summary>
public static class Stats
{
    /// <summary>The Wilson score interval of a binomial proportion at the given confidence (e.g. 0.99).</summary>
    public static (double Low, double High) Wilson(long successes, long trials, double confidence)
    {
        if (trials <= 0)
        {
            return (0, 1);
        }

        double z = Normal.InvCDF(0, 1, 1 - ((1 - confidence) / 2));
        double n = trials;
        double p = successes / n;
        double denominator = 1 + (z * z / n);
        double centre = (p + (z * z / (2 * n))) / denominator;
        double half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4 * n * n))) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
