using System.Globalization;

namespace DistSim.Sweeps;

/// <summary>
/// A confidence interval [<see cref="Low"/>, <see cref="High"/>] at a <see cref="Confidence"/> level (0.95 for 95 %):
/// of a mean (<see cref="MetricSummary.MeanInterval"/>) or of a binomial proportion (<see cref="Proportion"/>).
/// </summary>
/// <remarks>Immutable. See <c>docs/concepts/sweeps.md</c>.</remarks>
public readonly record struct ConfidenceInterval
{
    /// <summary>An interval; both ends NaN for one that cannot be computed (a mean of fewer than two values).</summary>
    /// <param name="low">The lower end.</param>
    /// <param name="high">The upper end, at least <paramref name="low"/>.</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public ConfidenceInterval(double low, double high, double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        }

        if (double.IsNaN(low) != double.IsNaN(high) || high < low)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"must be >= low ({low}), and NaN only with low");
        }

        Low = low;
        High = high;
        Confidence = confidence;
    }

    /// <summary>The lower end.</summary>
    public double Low { get; }

    /// <summary>The upper end.</summary>
    public double High { get; }

    /// <summary>The confidence level, e.g. 0.95.</summary>
    public double Confidence { get; }

    /// <summary>High − Low.</summary>
    public double Width => High - Low;

    /// <summary>Whether <paramref name="value"/> lies in [Low, High] (never, when the interval is NaN).</summary>
    /// <param name="value">A value.</param>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>E.g. <c>[0.4812, 0.5433] (95%)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Low:G6}, {High:G6}] ({Confidence * 100:G4}%)");
}
