using DistSim.Samples.Cli;

namespace DistSim.Samples.OrderingBugs;

/// <summary>What a sweep folds from one run (and a shard writes).</summary>
/// <param name="Found">Whether the run reached the buggy ordering.</param>
public sealed record OrderingBugRecord(bool Found);

/// <summary>
/// The <c>ordering-bugs</c> scenario: a benchmark of scheduling strategies. Each bug is an ordering of three nodes'
/// messages that the natural delays (almost) never produce; a sweep with <c>--schedule</c> reports the fraction of seeds
/// that find it.
/// </summary>
public sealed class OrderingBugsScenario : IExplorableScenario
{
    /// <inheritdoc />
    public string Name => "ordering-bugs";

    /// <inheritdoc />
    public string Summary => "planted message-ordering bugs (stale-read, torn-update, interleaved): the fraction of seeds a --schedule strategy finds them in";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("bug", "NAME", "stale-read (a read overtakes the write it was told about), torn-update (a probe between two halves of an update) or interleaved (two senders' messages alternate)", "stale-read"),
    ];

    /// <inheritdoc />
    public ExploreTarget ExploreTarget(ScenarioArgs args)
    {
        string bug = args.GetChoice("bug", "stale-read", [.. OrderingBug.Names]);
        return new($"the {bug} ordering", (seed, settings) => OrderingBug.Play(bug, seed, settings).Found, new DistSim.Exploration.ExplorationOptions());
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        string bug = args.GetChoice("bug", "stale-read", [.. OrderingBug.Names]);
        int found = 0;
        ulong? first = null;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => OrderingBug.Play(bug, seed, settings), r => new OrderingBugRecord(r.Found), (seed, r) =>
        {
            if (r.Found)
            {
                found++;
                first ??= seed;
            }
        }, out OrderingBugRun? single);
        int runs = summary.Runs;
        double fraction = runs == 0 ? 0 : found / (double)runs;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteString("bug", bug);
                json.WriteNumber("runs", runs);
                json.WriteNumber("found", found);
                json.WriteNumber("fraction", fraction);
                if (first is { } f)
                {
                    json.WriteNumber("firstSeedFound", f);
                }
                else
                {
                    json.WriteNull("firstSeedFound");
                }
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"ordering-bugs --bug {bug}, schedule {args.Schedule?.ToString() ?? "fifo"}: found in {found} of {runs} run(s) ({fraction:P1}){(first is { } s ? Invariant($", first at seed {s}") : string.Empty)}"));
        Report.WriteLimitLine(output, summary);
        if (single is not null)
        {
            output.WriteLine($"  the server received: {single.Arrivals}");
        }

        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }
}
