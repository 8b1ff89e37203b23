namespace DistSim.Sweeps;

/// <summary>
/// Collects per-run metrics of a sweep — one value per run and metric, added in the fold of
/// <see cref="SeedSweep.Run{TResult}"/> — and summarises each (<see cref="MetricSummary"/>: mean, standard deviation,
/// percentiles, confidence interval of the mean).
/// <code>
/// var stats = new SweepStatistics();
/// SeedSweep.Run(options, seed => RunOne(seed), (seed, r) =>
/// {
///     stats.Add("latency-ms", r.Latency.TotalMilliseconds);
///     stats.Add("messages", r.Messages);
/// });
/// foreach (MetricSummary m in stats.Summarize())
/// {
///     Console.WriteLine(m);
/// }
/// </code>
/// </summary>
/// <remarks>
/// Keeps every value (8 bytes per run and metric), for exact percentiles; the runs themselves are not kept. Metrics are
/// reported in the order they were first added. Not thread-safe: add from the sweep's fold, which runs on the caller's
/// thread in seed order. See <c>docs/concepts/sweeps.md</c>.
/// </remarks>
public sealed class SweepStatistics
{
    private readonly List<(string Metric, List<double> Values)> _metrics = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Creates an empty collection.</summary>
    /// <param name="confidence">The confidence level of every summary's <see cref="MetricSummary.MeanInterval"/>, in (0, 1); default 0.95.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidence"/> is outside (0, 1).</exception>
    public SweepStatistics(double confidence = 0.95)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1)");
        }

        Confidence = confidence;
    }

    /// <summary>The confidence level of the summaries' intervals.</summary>
    public double Confidence { get; }

    /// <summary>The metrics added so far, in the order each was first added.</summary>
    public IReadOnlyList<string> Metrics => _metrics.Select(m => m.Metric).ToList();

    /// <summary>Adds one run's value of <paramref name="metric"/>.</summary>
    /// <param name="metric">The metric's name, not empty.</param>
    /// <param name="value">A finite value.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the exception names it and its value.</exception>
    public void Add(string metric, double value)
    {
        if (string.IsNullOrWhiteSpace(metric))
        {
            throw new ArgumentException($"metric must be a non-empty name, got \"{metric}\"", nameof(metric));
        }

        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"the value of metric '{metric}' must be finite");
        }

        if (!_index.TryGetValue(metric, out int i))
        {
            i = _metrics.Count;
            _index.Add(metric, i);
            _metrics.Add((metric, []));
        }

        _metrics[i].Values.Add(value);
    }

    /// <summary>How many values <paramref name="metric"/> has (0 if it was never added).</summary>
    /// <param name="metric">A metric's name.</param>
    public int CountOf(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return _index.TryGetValue(metric, out int i) ? _metrics[i].Values.Count : 0;
    }

    /// <summary>The summary of <paramref name="metric"/>.</summary>
    /// <param name="metric">A metric that has at least one value.</param>
    /// <exception cref="ArgumentException"><paramref name="metric"/> has no value.</exception>
    public MetricSummary Summarize(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return _index.TryGetValue(metric, out int i)
            ? MetricSummary.Of(metric, _metrics[i].Values.ToArray(), Confidence, copy: false)
            : throw new ArgumentException($"metric '{metric}' has no value", nameof(metric));
    }

    /// <summary>The summary of every metric, in the order each was first added.</summary>
    public IReadOnlyList<MetricSummary> Summarize() =>
        _metrics.Select(m => MetricSummary.Of(m.Metric, m.Values.ToArray(), Confidence, copy: false)).ToList();
}
