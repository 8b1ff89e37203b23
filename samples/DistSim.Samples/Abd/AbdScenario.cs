using DistSim.Checking;
using DistSim.Samples.Cli;

namespace DistSim.Samples.Abd;

/// <summary>What a sweep keeps of one <c>abd</c> run.</summary>
/// <param name="Verdict">The linearizability verdict of the run's history.</param>
/// <param name="Failing">The operation that cannot be linearized, as text; null unless not linearizable.</param>
/// <param name="Operations">Operations in the history.</param>
/// <param name="Violation">The property the run violated, with its message's first line; null if none.</param>
public sealed record AbdRecord(string Verdict, string? Failing, int Operations, string? Violation)
{
    /// <summary>The record of a finished run.</summary>
    public static AbdRecord Of(AbdRun r) => new(
        r.Verdict.Verdict.ToString(),
        r.Verdict.FailingOperation?.ToString(),
        r.History.Count,
        r.Simulation.Failure is { } f ? f.Message.Split('\n')[0] : null);
}

/// <summary>
/// The <c>abd</c> scenario: an ABD register on five replicas, a minority crashing and the network partitioning, every
/// run's client history checked for linearizability, and two properties (tags never go back; every client finishes
/// within 20 s of the end of faults). <c>--no-write-back</c> plants the classic bug. See
/// <c>docs/guides/testing-your-protocol.md</c>.
/// </summary>
public sealed class AbdScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "abd";

    /// <inheritdoc />
    public string Summary => "an ABD register on 5 replicas under crashes and partitions, every history checked for linearizability; --no-write-back breaks it";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("clients", "N", "clients, each running its operations one after another", "3"),
        new("ops", "N", "operations per client (reads and writes, half each)", "30"),
        new("loss", "P", "probability that a packet is lost (the reliable link retransmits)", "0.05"),
        new("no-write-back", null, "reads return without their write-back phase (not linearizable)"),
        new("no-faults", null, "no crashes and no partitions"),
        new("history-html", "FILE", "write the history of the first run that is not linearizable (or of the single run) as an HTML page"),
    ];

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        var options = new AbdOptions(
            Clients: args.GetInt("clients", 3, min: 1, max: 50),
            Operations: args.GetInt("ops", 30, min: 1, max: 10_000),
            Loss: args.GetProbability("loss", 0.05),
            WriteBack: !args.Has("no-write-back"),
            Faults: !args.Has("no-faults"));
        if (options.Loss >= 1)
        {
            throw new UsageException(Invariant($"--loss must be below 1 (nothing would ever arrive), got {options.Loss}"));
        }

        string? html = args.Has("history-html") ? args.GetString("history-html", string.Empty) : null;
        using PlotFile? page = html is null ? null : PlotFile.OpenFile("history-html", html); // before the runs: a bad path is a usage error

        int runs = 0, linearizable = 0, notLinearizable = 0, unknown = 0, violations = 0;
        long operations = 0;
        ulong? firstBad = null, firstViolation = null;
        string? failing = null, violation = null;
        RunSummary summary = Sweep.Fold(
            args,
            (seed, settings) => AbdCluster.Play(seed, options, settings),
            AbdRecord.Of,
            (seed, r) =>
            {
                runs++;
                operations += r.Operations;
                switch (r.Verdict)
                {
                    case nameof(LinearizabilityVerdict.Linearizable):
                        linearizable++;
                        break;
                    case nameof(LinearizabilityVerdict.NotLinearizable):
                        notLinearizable++;
                        (firstBad, failing) = firstBad is null ? (seed, r.Failing) : (firstBad, failing);
                        break;
                    default:
                        unknown++;
                        break;
                }

                if (r.Violation is not null)
                {
                    violations++;
                    (firstViolation, violation) = firstViolation is null ? (seed, r.Violation) : (firstViolation, violation);
                }
            },
            out AbdRun? single);

        bool failed = notLinearizable > 0 || violations > 0;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("writeBack", options.WriteBack);
                json.WriteBoolean("faults", options.Faults);
                json.WriteNumber("runs", runs);
                json.WriteNumber("operations", operations);
                json.WriteNumber("linearizable", linearizable);
                json.WriteNumber("notLinearizable", notLinearizable);
                json.WriteNumber("unknown", unknown);
                WriteSeed(json, "firstNotLinearizableSeed", firstBad);
                json.WriteString("failingOperation", failing);
                json.WriteNumber("propertyViolations", violations);
                WriteSeed(json, "firstViolationSeed", firstViolation);
                json.WriteString("violation", violation);
            }));
            DrawHistory(page, firstBad ?? (args.Sweep == 0 ? args.Seed : null), single, options);
            return failed ? Runner.Failure : summary.ExitCode;
        }

        output.WriteLine(Invariant($"abd: {runs} run(s), 5 replicas, {options.Clients} client(s) x {options.Operations} operations, loss {options.Loss:0.###}, {(options.Faults ? "2 replicas crash, partitions" : "no faults")}, {(options.WriteBack ? "reads write back" : "NO WRITE-BACK")}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine(Invariant($"  linearizable {linearizable} of {runs} runs ({operations} operations); not linearizable {notLinearizable}; unknown {unknown}"));
        if (firstBad is { } bad)
        {
            output.WriteLine(Invariant($"  first not linearizable: seed {bad}, cannot linearize {failing} (replay: --seed {bad}{(html is null ? " --history-html FILE to draw it" : $"; drawn in {html}")})"));
        }

        output.WriteLine(Invariant($"  properties violated in {violations} run(s){(violation is null ? string.Empty : $"; first: seed {firstViolation}: {violation}")}"));
        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        DrawHistory(page, firstBad ?? (args.Sweep == 0 ? args.Seed : null), single, options);
        return failed ? Runner.Failure : summary.ExitCode;
    }

    private static void WriteSeed(System.Text.Json.Utf8JsonWriter json, string name, ulong? seed)
    {
        if (seed is { } s)
        {
            json.WriteNumber(name, s);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>
    /// <c>--history-html</c>: draws the run of <paramref name="seed"/> (the first not linearizable, or the single run), after
    /// the report so that a failure here cannot swallow it. Replayed, not kept: the same seed gives the same run. The file
    /// was opened before the runs (<see cref="PlotFile.OpenFile"/>): one that existed is replaced only here, one the option
    /// created is removed when nothing is drawn.
    /// </summary>
    private static void DrawHistory(PlotFile? page, ulong? seed, AbdRun? single, AbdOptions options)
    {
        if (page is not null && seed is { } drawn)
        {
            AbdRun run = single ?? AbdCluster.Play(drawn, options);
            page.Write(writer => HistoryView.WriteHtml(writer, run.History, run.Verdict));
        }
    }
}
