using System.Diagnostics;
using System.Globalization;
using DistSim.Samples.Cli;

namespace DistSim.Samples.Bench;

/// <summary>The <c>bench</c> scenario: kernel throughput and allocation per event, next to a bare priority-queue loop.</summary>
public sealed class BenchScenario : IScenario
{
    private const int Rounds = 3;

    /// <inheritdoc />
    public string Name => "bench";

    /// <inheritdoc />
    public string Summary => "kernel throughput: K nodes re-arming exponential timers, E events; events/s and bytes/event";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("nodes", "K", "number of nodes", "1000"),
        new("events", "E", "events in all", "5000000"),
    ];

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        if (args.Sweep > 0)
        {
            throw new UsageException("--sweep: bench runs one seed");
        }

        if (args.OutputOption is { } option)
        {
            throw new UsageException($"--{option}: bench runs with trace recording off");
        }

        args.RejectUnless("event-limit", false, "bench runs exactly --events events (its event limit)");

        int nodes = args.GetInt("nodes", 1000, min: 1, max: 1_000_000);
        long events = args.GetLong("events", 5_000_000, min: 1, max: 10_000_000_000);

        // Alternate the two loops for three rounds after a warm-up, and keep each one's best round: the
        // JIT's tiering settles during the first rounds, and the other core's noise hits one round, not all.
        TimerWorkload.Build(nodes, Math.Min(events, 200_000), args.Seed).Run();
        TimerWorkload.BareLoop(nodes, Math.Min(events, 200_000), args.Seed);
        RunResult result = null!;
        Simulation simulation = null!;
        TimeSpan elapsed = TimeSpan.MaxValue, bareElapsed = TimeSpan.MaxValue;
        long allocated = 0, bareEnd = 0;
        for (int round = 0; round < Rounds; round++)
        {
            simulation = TimerWorkload.Build(nodes, events, args.Seed);
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp(); // determinism-ok: measures the host, outside the simulation
            result = simulation.Run();
            elapsed = Min(elapsed, Stopwatch.GetElapsedTime(start)); // determinism-ok: measures the host
            allocated = Math.Max(allocated, GC.GetAllocatedBytesForCurrentThread() - before);

            long bareStart = Stopwatch.GetTimestamp(); // determinism-ok: measures the host
            bareEnd = TimerWorkload.BareLoop(nodes, events, args.Seed);
            bareElapsed = Min(bareElapsed, Stopwatch.GetElapsedTime(bareStart)); // determinism-ok: measures the host
        }

        double eventsPerSecond = result.Events / elapsed.TotalSeconds;
        double bytesPerEvent = (double)allocated / result.Events;
        double bareEventsPerSecond = events / bareElapsed.TotalSeconds;
        double ratio = eventsPerSecond / bareEventsPerSecond;
        // The event limit is how bench asks for E events: reaching it is completion, not a limit hit.
        RunSummary summary = RunSummary.Of(args.Seed, simulation, result);
        if (result.Outcome == RunOutcome.EventLimit && result.Events == events)
        {
            summary = summary with { IncompleteRuns = 0, LimitHit = null, LimitDetail = null, LimitSeed = null };
        }

        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteNumber("nodes", nodes);
                json.WriteNumber("eventsPerSecond", Math.Round(eventsPerSecond));
                json.WriteNumber("allocatedBytesPerEvent", Math.Round(bytesPerEvent, 4));
                json.WriteNumber("allocatedBytes", allocated);
                json.WriteNumber("bareQueueEventsPerSecond", Math.Round(bareEventsPerSecond));
                json.WriteNumber("ratioToBareQueue", Math.Round(ratio, 3));
                json.WriteNumber("bareQueueVirtualTime", bareEnd / 1e7);
                json.WriteNumber("rounds", Rounds);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: {nodes} nodes, {result.Events} events ({Report.OutcomeName(result.Outcome)}), seed {args.Seed}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  DistSim:      {eventsPerSecond,14:N0} events/s   {bytesPerEvent:F4} bytes/event ({allocated} bytes), best of {Rounds} rounds"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  bare queue:   {bareEventsPerSecond,14:N0} events/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio:        {ratio:F3} of the bare loop; virtual time {result.Time}, fingerprint {result.Fingerprint:x16}"));
        return summary.ExitCode;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
