using System.Text.Json;
using DistSim.Sweeps;

namespace DistSim.Samples.Kubernetes;

/// <summary>One workload's figures summed over a sweep, with per-run means and their 95 % confidence intervals.</summary>
/// <param name="name">The workload's name in the report.</param>
internal sealed class WorkloadTally(string name)
{
    private readonly SweepStatistics _own = new();
    private long _sent, _served, _lost, _unavailable, _lostUpdates;
    private int _runs, _recovered, _created, _identities, _evictions, _forceDeletes, _duplicates, _runsWithDuplicates, _maxPerIdentity, _writes, _conflicting;

    public void Add(WorkloadResult? r, SweepStatistics metrics)
    {
        if (r is null)
        {
            return;
        }

        _runs++;
        _sent += r.Sent;
        _served += r.Served;
        _lost += r.Lost;
        _unavailable += r.Unavailable;
        _created += r.PodsCreated;
        _identities += r.Identities;
        _evictions += r.Evictions;
        _forceDeletes += r.ForceDeletes;
        _duplicates += r.DuplicateIdentities;
        _runsWithDuplicates += r.DuplicateIdentities > 0 ? 1 : 0;
        _maxPerIdentity = Math.Max(_maxPerIdentity, r.MaxPodsPerIdentity);
        _writes += r.Writes;
        _conflicting += r.ConflictingWrites;
        _lostUpdates += r.LostUpdates;
        Add(metrics, "requestsLost", r.Lost);
        Add(metrics, "duplicateIdentities", r.DuplicateIdentities);
        if (r.RecoverySeconds is { } s)
        {
            _recovered++;
            Add(metrics, "recoverySeconds", s);
        }
    }

    private void Add(SweepStatistics metrics, string metric, double value)
    {
        _own.Add(metric, value);
        metrics.Add(name + "." + metric, value);
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject(name);
        json.WriteNumber("requestsSent", _sent);
        json.WriteNumber("requestsServed", _served);
        json.WriteNumber("requestsLost", _lost);
        json.WriteNumber("requestsUnavailable", _unavailable);
        WriteMean(json, "requestsLostPerRun", _own, "requestsLost");
        WriteMean(json, "recoverySeconds", _own);
        json.WriteNumber("recoveredRuns", _recovered);
        json.WriteNumber("podsCreated", _created);
        json.WriteNumber("identities", _identities);
        json.WriteNumber("evictions", _evictions);
        json.WriteNumber("forceDeletes", _forceDeletes);
        json.WriteNumber("duplicateIdentities", _duplicates);
        json.WriteNumber("runsWithDuplicateIdentities", _runsWithDuplicates);
        json.WriteNumber("maxPodsPerIdentity", _maxPerIdentity);
        json.WriteNumber("writes", _writes);
        json.WriteNumber("conflictingWrites", _conflicting);
        json.WriteNumber("lostUpdates", _lostUpdates);
        json.WriteEndObject();
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine(Invariant($"  {name}: requests sent {_sent}, served {_served}, lost {_lost}, unavailable (503) {_unavailable}; {MeanText("lost per run", _own, "requestsLost")}"));
        output.WriteLine(Invariant($"    recovery: {MeanText("failure to replacement serving", _own, "recoverySeconds", " s")} ({_recovered} of {_runs} runs recovered)"));
        output.WriteLine(Invariant($"    Pods created {_created}, identities {_identities}, evictions {_evictions}, force-deletes {_forceDeletes}; identities with two Pods at once {_duplicates} (in {_runsWithDuplicates} runs, at most {_maxPerIdentity} per identity)"));
        if (_writes > 0)
        {
            output.WriteLine(Invariant($"    volume writes {_writes}, conflicting (overwrote a value the writer never saw) {_conflicting}, lost updates in the final counters {_lostUpdates}"));
        }
    }

    /// <summary>Writes <c>{ count, mean, low, high, min, max }</c> of a metric (the interval null from one value), or null when it has no value.</summary>
    public static void WriteMean(Utf8JsonWriter json, string field, SweepStatistics stats, string? metric = null)
    {
        metric ??= field;
        if (stats.CountOf(metric) == 0)
        {
            json.WriteNull(field);
            return;
        }

        MetricSummary m = stats.Summarize(metric);
        json.WriteStartObject(field);
        json.WriteNumber("count", m.Count);
        json.WriteNumber("mean", Math.Round(m.Mean, 3));
        WriteRounded(json, "low", m.MeanInterval.Low);
        WriteRounded(json, "high", m.MeanInterval.High);
        json.WriteNumber("min", Math.Round(m.Minimum, 3));
        json.WriteNumber("max", Math.Round(m.Maximum, 3));
        json.WriteEndObject();
    }

    /// <summary>A metric's mean with its interval as text, e.g. <c>mean 12.3 [11.9, 12.7]</c>; "never" without a value.</summary>
    public static string MeanText(string what, SweepStatistics stats, string metric, string unit = "")
    {
        if (stats.CountOf(metric) == 0)
        {
            return what + " never";
        }

        MetricSummary m = stats.Summarize(metric);
        string interval = double.IsNaN(m.MeanInterval.Low) ? string.Empty : Invariant($" [{m.MeanInterval.Low:0.###}, {m.MeanInterval.High:0.###}]");
        return Invariant($"{what} {(m.Count == 1 ? string.Empty : "mean ")}{m.Mean:0.###}{unit}{interval}");
    }

    private static void WriteRounded(Utf8JsonWriter json, string field, double value)
    {
        if (double.IsNaN(value))
        {
            json.WriteNull(field);
        }
        else
        {
            json.WriteNumber(field, Math.Round(value, 3));
        }
    }
}
