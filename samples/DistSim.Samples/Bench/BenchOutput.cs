using System.Globalization;
using System.Text.Json;
using DistSim.Samples.Cli;

namespace DistSim.Samples.Bench;

/// <summary>Writes a <see cref="BenchReport"/> as text or as the bench's JSON object.</summary>
public static class BenchOutput
{
    /// <summary>
    /// Writes the JSON fields: the common ones, then <c>workload</c>, <c>link</c>, <c>nodes</c>, <c>unit</c>,
    /// <c>count</c>, <c>rounds</c>, the medians <c>distSimPerSecond</c> and <c>barePerSecond</c>, <c>ratio</c> (of the
    /// medians), <c>ratioMin</c>, <c>ratioMax</c>, the per-round lists, bytes per unit of each side, collections of
    /// each side, <c>fingerprintsIdentical</c>, the bare loop's counts, and for idle the bytes per node of each side.
    /// </summary>
    /// <param name="json">The writer, inside the object.</param>
    /// <param name="scenario">The scenario's name.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="summary">The common fields.</param>
    /// <param name="report">The figures.</param>
    public static void WriteJson(Utf8JsonWriter json, string scenario, ulong seed, RunSummary summary, BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(report);
        BenchWorkload w = report.Workload;
        Report.WriteCommon(json, scenario, seed, summary);
        json.WriteString("workload", w.Name);
        Report.WriteStringOrNull(json, "link", w.LinkName);

        json.WriteNumber("nodes", w.Nodes);
        json.WriteString("unit", w.Unit);
        json.WriteNumber("count", w.Count);
        json.WriteNumber("rounds", report.DistSimRounds.Count);
        json.WriteNumber("distSimPerSecond", Math.Round(report.DistSimRate));
        json.WriteNumber("barePerSecond", Math.Round(report.BareRate));
        json.WriteNumber("ratio", Math.Round(report.Ratio, 4));
        json.WriteNumber("ratioMin", Math.Round(report.RoundRatios.Min(), 4));
        json.WriteNumber("ratioMax", Math.Round(report.RoundRatios.Max(), 4));
        Numbers(json, "ratioPerRound", report.RoundRatios, 4);
        Numbers(json, "distSimPerSecondRounds", report.DistSimRates, 0);
        Numbers(json, "barePerSecondRounds", report.BareRates, 0);
        json.WriteNumber("allocatedBytesPerUnit", Math.Round(report.DistSimBytesPerUnit, 3));
        json.WriteNumber("bareAllocatedBytesPerUnit", Math.Round(report.BareBytesPerUnit, 3));
        Collections(json, "gcCollections", report.DistSimCollections);
        Collections(json, "bareGcCollections", report.BareCollections);
        json.WriteBoolean("fingerprintsIdentical", true); // BenchRunner fails the run otherwise
        if (report.DistSimBytesPerNode is { } perNode)
        {
            json.WriteNumber("bytesPerNode", Math.Round(perNode, 1));
            json.WriteNumber("bareBytesPerNode", Math.Round(report.BareBytesPerNode ?? 0, 1));
        }

        BareCounts c = report.BareCounts;
        json.WriteStartObject("bare");
        json.WriteNumber("pops", c.Pops);
        json.WriteNumber("pushes", c.Pushes);
        json.WriteNumber("deliveries", c.Deliveries);
        json.WriteNumber("dataPackets", c.DataPackets);
        json.WriteNumber("acks", c.Acks);
        json.WriteNumber("macsComputed", c.MacsComputed);
        json.WriteNumber("macsVerified", c.MacsVerified);
        json.WriteNumber("virtualTime", c.EndTime / (double)TimeSpan.TicksPerSecond);
        json.WriteEndObject();
    }

    /// <summary>Writes the text report.</summary>
    /// <param name="output">Where.</param>
    /// <param name="summary">The common fields.</param>
    /// <param name="report">The figures.</param>
    public static void WriteText(TextWriter output, RunSummary summary, BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        BenchWorkload w = report.Workload;
        string unit = w.Unit;
        string link = w.LinkName is { } l ? $" over {l}" : string.Empty;
        output.WriteLine(Line($"bench {w.Name}{link}: {w.Nodes:N0} nodes, {w.Count:N0} {unit}, seed {w.Seed}; median of {report.DistSimRounds.Count} alternating rounds after a warm-up"));
        Report.WriteLimitLine(output, summary);
        GcCounts g = report.DistSimCollections, bg = report.BareCollections;
        output.WriteLine(Line($"  DistSim:    {report.DistSimRate,14:N0} {unit}/s   {report.DistSimBytesPerUnit,10:F3} bytes/{Singular(unit)}   collections gen0/1/2 {g.Gen0}/{g.Gen1}/{g.Gen2}"));
        output.WriteLine(Line($"  bare loop:  {report.BareRate,14:N0} {unit}/s   {report.BareBytesPerUnit,10:F3} bytes/{Singular(unit)}   collections gen0/1/2 {bg.Gen0}/{bg.Gen1}/{bg.Gen2}"));
        output.WriteLine(Line($"  ratio:      {report.Ratio:F3} of the bare loop (per round {report.RoundRatios.Min():F3}–{report.RoundRatios.Max():F3})"));
        if (report.DistSimBytesPerNode is { } perNode)
        {
            output.WriteLine(Line($"  memory:     {perNode:N0} bytes per idle node in DistSim, {report.BareBytesPerNode:N0} in the bare loop"));
        }

        output.WriteLine(Line($"  fingerprint {report.Result.Fingerprint:x16} in every round ({report.Result.Events:N0} events, virtual time {report.Result.Time})"));
    }

    private static string Singular(string unit) => unit switch
    {
        "deliveries" => "delivery",
        "nodes" => "node",
        _ => "event",
    };

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values, int digits)
    {
        json.WriteStartArray(name);
        foreach (double v in values)
        {
            json.WriteNumberValue(Math.Round(v, digits));
        }

        json.WriteEndArray();
    }

    private static void Collections(Utf8JsonWriter json, string name, GcCounts counts)
    {
        json.WriteStartObject(name);
        json.WriteNumber("gen0", counts.Gen0);
        json.WriteNumber("gen1", counts.Gen1);
        json.WriteNumber("gen2", counts.Gen2);
        json.WriteEndObject();
    }
}
