using DistSim.Samples.Cli;

namespace DistSim.Samples.Bench;

/// <summary>
/// The <c>bench</c> scenario: a workload (timers, ring, all-to-all, idle) run in DistSim and in a bare loop doing the
/// same logical work, alternating, in one process; medians of each side's rounds and their ratio.
/// </summary>
/// <remarks>See <c>docs/samples/bench.md</c>.</remarks>
public sealed class BenchScenario : IScenario
{
    /// <summary>The default D on the fair-loss link.</summary>
    public const long FairLossDeliveries = 1_000_000;

    /// <summary>The default D on the reliable and authenticated links (slower per delivery today).</summary>
    public const long ReliableDeliveries = 20_000;

    /// <inheritdoc />
    public string Name => "bench";

    /// <inheritdoc />
    public string Summary => "throughput next to a bare loop: timers, ring, all-to-all (per link) or idle nodes; medians of alternating rounds";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("workload", "W", "timers | ring | all-to-all | idle", "timers"),
        new("link", "L", "ring, all-to-all: fair-loss | reliable | authenticated", "fair-loss"),
        new("nodes", "K", "number of nodes (ring and all-to-all: at least 2)", "1000"),
        new("events", "E", "timers: events in all, the K start events included", "5000000"),
        new("deliveries", "D", "ring, all-to-all: messages delivered in all", Invariant($"{FairLossDeliveries} on fair-loss, {ReliableDeliveries} on reliable and authenticated")),
        new("rounds", "R", Invariant($"timed rounds of each side after a warm-up (at least {BenchRunner.MinRounds})"), "5"),
    ];

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        BenchWorkload workload = Parse(args);
        int rounds = args.GetInt("rounds", BenchRunner.MinRounds, min: BenchRunner.MinRounds, max: 1000);
        BenchReport report;
        try
        {
            report = BenchRunner.Measure(workload, rounds);
        }
        catch (InvalidOperationException ex)
        {
            throw new ScenarioCheckException(Invariant($"{ex.Message} (reproduce with --seed {workload.Seed})"), ex);
        }

        // Timers: the event limit is how bench asks for E events, so reaching it is completion, not a limit hit.
        RunSummary summary = report.Summary;
        if (workload is TimerWorkload && report.Result.Outcome == RunOutcome.EventLimit)
        {
            summary = summary with { IncompleteRuns = 0, LimitHit = null, LimitDetail = null, LimitSeed = null };
        }

        if (args.Json)
        {
            output.WriteLine(Report.Json(json => BenchOutput.WriteJson(json, Name, args.Seed, summary, report)));
        }
        else
        {
            BenchOutput.WriteText(output, summary, report);
        }

        return summary.ExitCode;
    }

    /// <summary>The workload the options ask for, every option validated (a usage error names the option and its value).</summary>
    /// <param name="args">The parsed options.</param>
    public static BenchWorkload Parse(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Sweep > 0)
        {
            throw new UsageException("--sweep: bench runs one seed");
        }

        if (args.OutputOption is { } option)
        {
            throw new UsageException($"--{option}: bench runs with trace recording off");
        }

        args.RejectUnless("schedule", false, "bench measures the kernel's own FIFO loop against a bare one; it takes no --schedule");
        args.RejectUnless("event-limit", false, "bench runs exactly --events events or --deliveries deliveries; it sets the event limit itself");
        string name = args.GetChoice("workload", "timers", "timers", "ring", "all-to-all", "idle");
        bool messages = name is "ring" or "all-to-all";
        args.RejectUnless("link", messages, Invariant($"only with --workload ring or all-to-all ({name} sends no message)"));
        args.RejectUnless("events", name == "timers", Invariant($"only with --workload timers ({(messages ? "ring and all-to-all count --deliveries" : "idle runs one start event per node")})"));
        args.RejectUnless("deliveries", messages, Invariant($"only with --workload ring or all-to-all ({(name == "timers" ? "timers counts --events" : "idle sends no message")})"));
        int nodes = args.GetInt("nodes", 1000, min: 1, max: 1_000_000);
        ulong seed = args.Seed;
        if (!messages)
        {
            return name == "timers"
                ? new TimerWorkload(nodes, args.GetLong("events", 5_000_000, min: 1, max: 10_000_000_000), seed)
                : new IdleWorkload(nodes, seed);
        }

        if (nodes < 2)
        {
            throw new UsageException(Invariant($"--nodes: '{nodes}' is too few for --workload {name}: it needs at least 2 nodes (a node does not send to itself)"));
        }

        BenchLink link = BenchLinks.Parse(args.GetChoice("link", "fair-loss", "fair-loss", "reliable", "authenticated"));
        long deliveries = args.GetLong("deliveries", link == BenchLink.FairLoss ? FairLossDeliveries : ReliableDeliveries, min: 1, max: 10_000_000_000);
        return new MessageWorkload(name == "all-to-all", link, nodes, deliveries, seed);
    }
}
