using System.Globalization;
using System.Text;
using System.Text.Json;
using DistSim.Sweeps;

namespace DistSim.Samples.Cli;

/// <summary>Writes a scenario's single JSON object: the common fields first, then the scenario's own.</summary>
public static class Report
{
    /// <summary>The outcome as it appears in output: <c>quiescent</c>, <c>time-limit</c>, …</summary>
    public static string OutcomeName(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Quiescent => "quiescent",
        RunOutcome.TimeReached => "time-reached",
        RunOutcome.ConditionMet => "condition-met",
        RunOutcome.Pruned => "pruned",
        RunOutcome.TimeLimit => "time-limit",
        RunOutcome.EventLimit => "event-limit",
        RunOutcome.QueueLimit => "queue-limit",
        RunOutcome.NodeFaulted => "node-faulted",
        RunOutcome.PropertyViolated => "property-violated",
        _ => outcome.ToString(),
    };

    /// <summary>
    /// Builds the JSON text of one object on one line (tools read <c>--json</c> output line by line); <paramref name="body"/>
    /// writes the fields. <c>--json-pretty</c> indents it afterwards (<see cref="Pretty"/>).
    /// </summary>
    public static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The output of a <c>--json</c> run indented over several lines (<c>--json-pretty</c>): the same object, field for field.
    /// Text that is not one JSON object (a usage error's message, say) is returned as it is.
    /// </summary>
    /// <param name="text">What the run printed.</param>
    public static string Pretty(string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return text;
            }

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                doc.RootElement.WriteTo(json);
            }

            return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
        }
    }

    /// <summary>
    /// Writes the fields every scenario reports: <c>scenario</c>, <c>seed</c>, <c>schedule</c> (when <c>--schedule</c> was given), <c>outcome</c>, <c>limitHit</c>
    /// (<c>event</c>, <c>time</c>, <c>queue</c>, or null when every run completed), <c>incompleteRuns</c>,
    /// <c>fingerprint</c>, <c>virtualTime</c>, <c>events</c> and <c>messages</c>; over a sweep also <c>statistics</c>: per
    /// metric (the common ones of <see cref="RunSummary.Statistics"/>, then <paramref name="metrics"/>, the scenario's own)
    /// <c>count</c>, <c>mean</c>, <c>stdDev</c>, <c>min</c>, <c>p50</c>, <c>p90</c>, <c>p99</c>, <c>max</c> and
    /// <c>meanInterval</c> (<c>confidence</c>, <c>low</c>, <c>high</c>: Student's t).
    /// </summary>
    public static void WriteCommon(Utf8JsonWriter json, string scenario, ulong seed, RunSummary summary, SweepStatistics? metrics = null)
    {
        json.WriteString("scenario", scenario);
        json.WriteNumber("seed", seed);
        if (summary.Schedule is { } schedule)
        {
            json.WriteString("schedule", schedule); // only when --schedule was given: reports without it are as they were
        }

        json.WriteString("outcome", summary.Outcome);
        WriteStringOrNull(json, "limitHit", summary.LimitHit);

        json.WriteNumber("incompleteRuns", summary.IncompleteRuns);
        json.WriteString("fingerprint", summary.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteNumber("virtualTime", summary.VirtualTimeSeconds);
        json.WriteNumber("events", summary.Events);
        json.WriteStartObject("messages");
        json.WriteNumber("sent", summary.Totals.Sent);
        json.WriteNumber("delivered", summary.Totals.Delivered);
        json.WriteNumber("dropped", summary.Totals.Dropped);
        json.WriteNumber("duplicated", summary.Totals.Duplicated);
        json.WriteEndObject();
        if (summary.Coverage is { } coverage)
        {
            json.WriteStartObject("coverage");
            json.WriteBoolean("complete", coverage.IsComplete);
            json.WriteStartArray("markers");
            foreach (Checking.CoverageEntry e in coverage.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", e.Name);
                json.WriteString("kind", e.Kind == Checking.PropertyKind.Sometimes ? "sometimes" : "unreachable");
                json.WriteNumber("runs", e.Runs);
                json.WriteNumber("runsFired", e.RunsFired);
                json.WriteNumber("hits", e.Hits);
                if (e.FirstSeedFired is { } first)
                {
                    json.WriteNumber("firstSeedFired", first);
                }
                else
                {
                    json.WriteNull("firstSeedFired");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (summary.Runs > 1)
        {
            json.WriteStartObject("statistics");
            foreach (MetricSummary m in AllStatistics(summary, metrics))
            {
                WriteMetric(json, m);
            }

            json.WriteEndObject();
        }
    }

    /// <summary>
    /// The coverage of the scenario's <c>Sometimes</c> and <c>Unreachable</c> markers, if it has any; then, over a sweep,
    /// the per-run statistics in text: one line per metric (the common ones, then the scenario's
    /// <paramref name="metrics"/>) with the mean, its confidence interval, the standard deviation and the percentiles.
    /// </summary>
    public static void WriteStatistics(TextWriter output, RunSummary summary, SweepStatistics? metrics = null)
    {
        if (summary.Coverage is { } coverage)
        {
            foreach (string line in coverage.ToString().TrimEnd('\n').Split('\n'))
            {
                output.WriteLine("  " + line);
            }
        }

        if (summary.Runs <= 1)
        {
            return;
        }

        IReadOnlyList<MetricSummary> all = AllStatistics(summary, metrics);
        int width = all.Max(m => m.Metric.Length);
        output.WriteLine(Invariant($"  per run, over {summary.Runs} runs: mean [95% confidence interval], standard deviation, min / p50 / p90 / p99 / max"));
        foreach (MetricSummary m in all)
        {
            string interval = double.IsNaN(m.MeanInterval.Low) ? "[n/a]" : Invariant($"[{m.MeanInterval.Low:0.###}, {m.MeanInterval.High:0.###}]");
            string sd = double.IsNaN(m.StandardDeviation) ? "n/a" : Invariant($"{m.StandardDeviation:0.###}");
            output.WriteLine(Invariant(
                $"    {m.Metric.PadRight(width)}  {m.Mean:0.###} {interval}, sd {sd}, {m.Minimum:0.###} / {m.Median:0.###} / {m.Percentile90:0.###} / {m.Percentile99:0.###} / {m.Maximum:0.###}"));
        }
    }

    private static IReadOnlyList<MetricSummary> AllStatistics(RunSummary summary, SweepStatistics? metrics) =>
        metrics is null ? summary.Statistics : [.. summary.Statistics, .. metrics.Summarize()];

    /// <summary>Writes one metric's summary as an object named after it (NaN, from a single value, as null).</summary>
    private static void WriteMetric(Utf8JsonWriter json, MetricSummary m)
    {
        json.WriteStartObject(m.Metric);
        json.WriteNumber("count", m.Count);
        json.WriteNumber("mean", m.Mean);
        WriteNumberOrNull(json, "stdDev", m.StandardDeviation);
        json.WriteNumber("min", m.Minimum);
        json.WriteNumber("p50", m.Median);
        json.WriteNumber("p90", m.Percentile90);
        json.WriteNumber("p99", m.Percentile99);
        json.WriteNumber("max", m.Maximum);
        json.WriteStartObject("meanInterval");
        json.WriteNumber("confidence", m.MeanInterval.Confidence);
        WriteNumberOrNull(json, "low", m.MeanInterval.Low);
        WriteNumberOrNull(json, "high", m.MeanInterval.High);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsNaN(value))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, value);
        }
    }

    /// <summary>Writes a string, or null.</summary>
    public static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>Writes a boolean verdict, or null when it could not be decided (a limit cut the run short).</summary>
    public static void WriteVerdict(Utf8JsonWriter json, string name, bool? verdict)
    {
        if (verdict is { } v)
        {
            json.WriteBoolean(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>
    /// The line the text report prints when a limit stopped a run, e.g. <c>LIMIT HIT: the run stopped at its event
    /// limit (10,000,000 events) at 16008.5917196s, before it completed</c>; null when every run completed.
    /// </summary>
    public static string? LimitLine(RunSummary summary)
    {
        if (summary.Complete)
        {
            return null;
        }

        string what = summary.Runs == 1
            ? $"the run stopped at {summary.LimitDetail}, before it completed"
            : Invariant($"{summary.IncompleteRuns} of {summary.Runs} runs stopped at a limit before they completed (first: seed {summary.LimitSeed}, {summary.LimitDetail})");
        return $"  LIMIT HIT: {what}; results marked (incomplete) cover only what ran (exit code {Runner.LimitHit})";
    }

    /// <summary>Writes <see cref="LimitLine"/> if there is one.</summary>
    public static void WriteLimitLine(TextWriter output, RunSummary summary)
    {
        if (LimitLine(summary) is { } line)
        {
            output.WriteLine(line);
        }
    }

    /// <summary>A duration for people: <c>1 h</c>, <c>10000 d</c>, <c>300 s</c>, <c>1.5 ms</c>.</summary>
    public static string Duration(TimeSpan d) =>
        d == TimeSpan.MaxValue ? "unbounded"
        : d.TotalDays >= 1 && d.TotalDays == Math.Floor(d.TotalDays) ? Invariant($"{d.TotalDays} d")
        : d.TotalHours >= 1 && d.TotalHours == Math.Floor(d.TotalHours) ? Invariant($"{d.TotalHours} h")
        : d.TotalSeconds >= 1 ? Invariant($"{d.TotalSeconds:0.###} s")
        : Invariant($"{d.TotalMilliseconds:0.###} ms");
}

/// <summary>Message totals over one run or a sweep.</summary>
public sealed record RunTotals(long Sent, long Delivered, long Dropped, long Duplicated)
{
    /// <summary>The totals of one simulation.</summary>
    public static RunTotals Of(Simulation s) => new(s.Messages.Sent, s.Messages.Delivered, s.Messages.Dropped, s.Messages.Duplicated);

    /// <summary>Sum of two totals.</summary>
    public static RunTotals operator +(RunTotals a, RunTotals b) =>
        new(a.Sent + b.Sent, a.Delivered + b.Delivered, a.Dropped + b.Dropped, a.Duplicated + b.Duplicated);
}
