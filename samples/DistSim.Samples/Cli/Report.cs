using System.Globalization;
using System.Text;
using System.Text.Json;

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
        RunOutcome.TimeLimit => "time-limit",
        RunOutcome.EventLimit => "event-limit",
        RunOutcome.QueueLimit => "queue-limit",
        RunOutcome.NodeFaulted => "node-faulted",
        _ => outcome.ToString(),
    };

    /// <summary>Builds the JSON text of one object; <paramref name="body"/> writes the fields.</summary>
    public static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the fields every scenario reports, from totals.</summary>
    public static void WriteCommon(
        Utf8JsonWriter json, string scenario, ulong seed, string outcome, ulong fingerprint, double virtualTimeSeconds, long events, RunTotals totals)
    {
        json.WriteString("scenario", scenario);
        json.WriteNumber("seed", seed);
        json.WriteString("outcome", outcome);
        json.WriteString("fingerprint", fingerprint.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteNumber("virtualTime", virtualTimeSeconds);
        json.WriteNumber("events", events);
        json.WriteStartObject("messages");
        json.WriteNumber("sent", totals.Sent);
        json.WriteNumber("delivered", totals.Delivered);
        json.WriteNumber("dropped", totals.Dropped);
        json.WriteNumber("duplicated", totals.Duplicated);
        json.WriteEndObject();
    }

    /// <summary>Writes the fields every scenario reports, from a <see cref="RunSummary"/>.</summary>
    public static void WriteCommon(Utf8JsonWriter json, string scenario, ulong seed, RunSummary summary) =>
        WriteCommon(json, scenario, seed, summary.Outcome, summary.Fingerprint, summary.VirtualTimeSeconds, summary.Events, summary.Totals);

    /// <summary>Writes what <c>--trace</c> and <c>--mermaid</c> asked for, from one run.</summary>
    public static void WriteFiles(ScenarioArgs args, Simulation simulation)
    {
        if (args.TraceFile is { } trace)
        {
            WriteTrace(simulation, trace);
        }

        if (args.MermaidFile is { } mermaid)
        {
            File.WriteAllText(mermaid, "```mermaid\n" + simulation.Trace.ToMermaid() + "```\n", new UTF8Encoding(false));
        }
    }

    /// <summary>Writes the trace to <paramref name="path"/> as JSON Lines.</summary>
    public static void WriteTrace(Simulation simulation, string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        simulation.Trace.WriteJsonLines(writer);
    }
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
