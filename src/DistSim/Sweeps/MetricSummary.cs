using System.Globalization;
using System.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace DistSim.Sweeps;

/// <summary>
/// The summary of one per-run metric over a sweep: count, mean, standard deviation, extremes, percentiles and a
/// confidence interval of the mean (Student's t), computed with MathNet.Numerics. Made by <see cref="Of(string, IEnumerable{double}, double)"/> or by
/// <see cref="SweepStatistics.Summarize()"/>.
/// </summary>
/// <remarks>
/// <para>Percentiles are nearest-rank: the p-th percentile is the smallest value that at least p % of the values do
/// not exceed (always one of the values; p = 0 gives the minimum), i.e. the value of rank ⌈p·n/100⌉, computed exactly
/// with p taken as the decimal it is written as (16.1 % of 1,000 values is rank 161). The confidence interval of the mean is
/// mean ± t(1 − α/2, n − 1) · s / √n: exact for normal values, and for others a good approximation once n is in the
/// tens (runs are independent, so the central limit theorem applies). The standard deviation is the sample one
/// (n − 1 in the denominator). With a single value the standard deviation and the interval are NaN.</para>
/// <para>Immutable; keeps the sorted values for <see cref="Percentile"/>. See <c>docs/concepts/sweeps.md</c>.</para>
/// </remarks>
public sealed class MetricSummary
{
    private readonly double[] _sorted;

    private MetricSummary(string metric, double[] sorted, double confidence)
    {
        Metric = metric;
        _sorted = sorted;
        (Mean, StandardDeviation) = ArrayStatistics.MeanStandardDeviation(sorted);
        int n = sorted.Length;
        if (n >= 2)
        {
            double t = StudentT.InvCDF(0, 1, n - 1, 1 - ((1 - confidence) / 2));
            double half = t * StandardDeviation / Math.Sqrt(n);
            MeanInterval = new ConfidenceInterval(Mean - half, Mean + half, confidence);
        }
        else
        {
            StandardDeviation = double.NaN;
            MeanInterval = new ConfidenceInterval(double.NaN, double.NaN, confidence);
        }
    }

    /// <summary>The metric's name, e.g. <c>election-ms</c>.</summary>
    public string Metric { get; }

    /// <summary>How many values (runs).</summary>
    public int Count => _sorted.Length;

    /// <summary>The arithmetic mean.</summary>
    public double Mean { get; }

    /// <summary>The sample standard deviation (n − 1); NaN with a single value.</summary>
    public double StandardDeviation { get; }

    /// <summary>The least value.</summary>
    public double Minimum => _sorted[0];

    /// <summary>The greatest value.</summary>
    public double Maximum => _sorted[^1];

    /// <summary>The 50th percentile (nearest-rank).</summary>
    public double Median => Percentile(50);

    /// <summary>The 90th percentile (nearest-rank).</summary>
    public double Percentile90 => Percentile(90);

    /// <summary>The 99th percentile (nearest-rank).</summary>
    public double Percentile99 => Percentile(99);

    /// <summary>The confidence interval of the mean (Student's t); NaN ends with a single value.</summary>
    public ConfidenceInterval MeanInterval { get; }

    /// <summary>Summarises <paramref name="values"/>.</summary>
    /// <param name="metric">The metric's name, not empty.</param>
    /// <param name="values">One value per run: at least one, each finite.</param>
    /// <param name="confidence">The confidence level of <see cref="MeanInterval"/>, in (0, 1); default 0.95.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the exception names it and the bad value.</exception>
    public static MetricSummary Of(string metric, IEnumerable<double> values, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Of(metric, values.ToArray(), confidence, copy: false);
    }

    /// <summary>Summarises values the caller hands over (sorted in place unless <paramref name="copy"/>).</summary>
    internal static MetricSummary Of(string metric, double[] values, double confidence, bool copy)
    {
        if (string.IsNullOrWhiteSpace(metric))
        {
            throw new ArgumentException($"metric must be a non-empty name, got \"{metric}\"", nameof(metric));
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        }

        if (values.Length == 0)
        {
            throw new ArgumentException($"values of metric '{metric}' must hold at least one value, got none", nameof(values));
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(values), values[i], $"values[{i}] of metric '{metric}' must be finite");
            }
        }

        double[] sorted = copy ? (double[])values.Clone() : values;
        Array.Sort(sorted);
        return new MetricSummary(metric, sorted, confidence);
    }

    /// <summary>The <paramref name="percent"/>-th percentile, nearest-rank: the smallest value that at least <paramref name="percent"/> % of the values do not exceed.</summary>
    /// <param name="percent">In [0, 100]; read as the decimal number it is written as (its shortest round-trip form), so that the rank ⌈p·n/100⌉ is exact.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is outside [0, 100].</exception>
    public double Percentile(double percent)
    {
        if (!(percent >= 0 && percent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "must be in [0, 100]");
        }

        long rank = NearestRank(percent, _sorted.Length);
        return _sorted[Math.Clamp(rank, 1, _sorted.Length) - 1];
    }

    /// <summary>
    /// ⌈p·n/100⌉ (1-based), exactly, for <paramref name="percent"/> read as the decimal number its shortest round-trip
    /// form writes (16.1 is 16.1, not the double nearest to it, which is a little more): in floating point, 16.1 · 1000 / 100
    /// is 161.00000000000003 and its ceiling one rank too many. The decimal m / 10^s is taken apart and the ceiling of
    /// m·n / (100·10^s) computed in integers.
    /// </summary>
    private static long NearestRank(double percent, int count)
    {
        if (percent < 1e-10)
        {
            return percent > 0 ? 1 : 0; // p·n/100 < 0.003 for any count: rank 1 (0 for 0), the least value either way
        }

        // At most 17 significant digits and at least 1e-10, so the decimal holds it exactly (scale ≤ 27).
        decimal p = decimal.Parse(percent.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(p, bits);
        BigInteger mantissa = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        BigInteger denominator = BigInteger.Pow(10, p.Scale) * 100;
        return (long)(((mantissa * count) + denominator - 1) / denominator);
    }

    /// <summary>One line, e.g. <c>election-ms: n=1000, mean 212.4 (95% CI [208.1, 216.7]), sd 68.2, min 151, p50 201, p90 301, p99 412, max 640</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Metric}: n={Count}, mean {Mean:G6} ({MeanInterval.Confidence * 100:G4}% CI [{MeanInterval.Low:G6}, {MeanInterval.High:G6}]), sd {StandardDeviation:G6}, " +
        $"min {Minimum:G6}, p50 {Median:G6}, p90 {Percentile90:G6}, p99 {Percentile99:G6}, max {Maximum:G6}");
}
