using System.Text.Json;
using DistSim.Exploration;
using DistSim.Failures;

namespace DistSim.Samples.Cli;

/// <summary>
/// <c>&lt;scenario&gt; --shrink [--sweep N] [--seed S]</c>: plays seeds S, S + 1, … until a run fails the scenario's
/// property, with its random faults recorded (nemesis faults and every lost, duplicated or omitted packet); checks that
/// the recorded schedule replays the very run (same fingerprint); then shrinks the schedule with
/// <see cref="FaultShrinker"/>, every candidate replayed with the same seed. Prints the sizes, the reduction factor and
/// the shrunk schedule as C#; <c>--shrink-out FILE</c> writes it as JSON for <c>--faults FILE</c>.
/// </summary>
public static class ShrinkCommand
{
    /// <summary>
    /// Runs the search and the shrink; returns 1 when a failing run was found (and shrunk), 0 when none failed,
    /// <see cref="Runner.Interrupted"/> when Ctrl+C stopped the search for a failing seed or the shrink (between two runs:
    /// the report shows the smallest failing schedule found by then, and <c>--shrink-out</c> gets it).
    /// </summary>
    /// <param name="scenario">The scenario whose failing run is shrunk.</param>
    /// <param name="args">Its arguments (<c>--shrink</c> and the rest).</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where the line saying Ctrl+C stopped the search or the shrink (or came after its last run) goes; null: nowhere.</param>
    public static int Run(IShrinkableScenario scenario, ScenarioArgs args, TextWriter output, TextWriter? error = null)
    {
        ShrinkTarget target = scenario.ShrinkTarget(args);
        CancellationToken stop = args.Interruption?.Token ?? CancellationToken.None;
        int seeds = Math.Max(1, args.Sweep);
        int budget = args.Has("shrink-budget") ? args.GetInt("shrink-budget", 2000, min: 1, max: 10_000_000) : 2000;
        // --schedule: one strategy for the search, the check and every candidate (K counted as a sweep counts it).
        Scheduling.Scheduler? scheduler = args.Schedule is { } spec
            ? spec.Create(spec.NeedsSteps ? target.Play(args.Seed, RunSettings.Unrecorded with { EventLimit = args.EventLimit }).Simulation.EventsExecuted : 1)
            : null;
        var record = new RunSettings { RecordFaults = FaultRecording.NemesisAndMessages, EventLimit = args.EventLimit, Scheduler = scheduler, Buggify = args.Buggify };
        ulong? failingSeed = null;
        FaultSchedule? recorded = null;
        ulong fingerprint = 0;
        int searched = 0;
        for (int i = 0; i < seeds && failingSeed is null && !stop.IsCancellationRequested; i++)
        {
            ulong seed = args.Seed + (ulong)i;
            searched++;
            (bool fails, Simulation simulation) = target.Play(seed, record);
            args.RunObserver?.Invoke(simulation);
            if (fails)
            {
                failingSeed = seed;
                recorded = simulation.RecordedFaults;
                fingerprint = simulation.Trace.Fingerprint;
            }
        }

        if (failingSeed is not { } failing)
        {
            bool cut = stop.IsCancellationRequested && searched < seeds; // read once: a press now must not split the report from the exit code
            if (args.Json)
            {
                output.WriteLine(Report.Json(json =>
                {
                    json.WriteString("scenario", scenario.Name);
                    json.WriteNumber("seed", args.Seed);
                    json.WriteString("property", target.Property);
                    json.WriteNumber("runsSearched", searched);
                    json.WriteBoolean("violationFound", false);
                    json.WriteBoolean("interrupted", cut);
                }));
            }
            else
            {
                string stopped = cut ? Invariant($" (stopped by Ctrl+C; {seeds} asked for)") : string.Empty;
                output.WriteLine(Invariant($"{scenario.Name} --shrink: no run of {searched} seed(s) from {args.Seed} failed ({target.Property}){stopped}; nothing to shrink"));
            }

            if (cut)
            {
                error?.WriteLine(Invariant($"interrupted: {scenario.Name}: Ctrl+C stopped the search for a failing run after {searched} seed(s); nothing to shrink (exit code {Runner.Interrupted})"));
                return Runner.Interrupted;
            }

            NoteLatePress(stop, scenario, error, "the last seed searched");
            return Runner.Success;
        }

        // The recorded schedule must give the very run back before anything is shrunk against it.
        (bool replayFails, Simulation replay) = target.Play(failing, new RunSettings { FaultSchedule = recorded, EventLimit = args.EventLimit, Scheduler = scheduler, Buggify = args.Buggify });
        args.RunObserver?.Invoke(replay);
        if (!replayFails || replay.Trace.Fingerprint != fingerprint)
        {
            throw new ScenarioCheckException(
                Invariant($"--shrink: the recorded faults of seed {failing} did not replay the run (fingerprint {replay.Trace.Fingerprint:x16}, expected {fingerprint:x16}); please report this"),
                new InvalidOperationException("replay diverged"));
        }

        bool Fails(FaultSchedule candidate)
        {
            try
            {
                (bool fails, Simulation simulation) = target.Play(failing, new RunSettings { FaultSchedule = candidate, EventLimit = args.EventLimit, Scheduler = scheduler, Buggify = args.Buggify });
                args.RunObserver?.Invoke(simulation);
                return fails;
            }
            catch (Diagnostics.SimulationFailureException)
            {
                return false; // a candidate on which node code throws shows another failure, not this one
            }
        }

        ShrinkResult result = FaultShrinker.Shrink(recorded!, Fails, new ShrinkOptions { MaxReplays = budget, CancellationToken = stop });
        int code = result.Cancelled ? Runner.Interrupted : Runner.Failure;
        if (args.Has("shrink-out"))
        {
            string path = args.GetString("shrink-out", string.Empty);
            try
            {
                File.WriteAllText(path, result.Shrunk.ToJson(indented: true) + "\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputFileException("shrink-out", path, ex);
            }
        }

        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                json.WriteString("scenario", scenario.Name);
                json.WriteNumber("seed", failing);
                json.WriteString("property", target.Property);
                if (args.Schedule is { } strategy)
                {
                    json.WriteString("schedule", strategy.ToString()); // the strategy, as in every report
                }

                json.WriteNumber("runsSearched", searched);
                json.WriteBoolean("violationFound", true);
                json.WriteString("fingerprint", Invariant($"{fingerprint:x16}"));
                json.WriteNumber("scheduleSizeBefore", result.SizeBefore);
                json.WriteNumber("scheduleSizeAfter", result.SizeAfter);
                if (result.SizeAfter > 0)
                {
                    json.WriteNumber("reductionFactor", Math.Round(result.ReductionFactor, 3));
                }
                else
                {
                    json.WriteNull("reductionFactor");
                }

                json.WriteNumber("replays", result.Replays);
                json.WriteBoolean("oneMinimal", result.OneMinimal);
                json.WriteBoolean("interrupted", result.Cancelled);
                json.WritePropertyName("faults");
                using (JsonDocument schedule = JsonDocument.Parse(result.Shrunk.ToJson()))
                {
                    schedule.RootElement.WriteTo(json);
                }

                json.WriteString("csharp", result.Shrunk.ToCSharp());
            }));
            return Finish(code, result, stop, scenario, error);
        }

        output.WriteLine(Invariant($"{scenario.Name} --shrink: seed {failing} fails ({target.Property}), the first of {searched} seed(s) tried"));
        output.WriteLine(Invariant($"  recorded {result.SizeBefore} fault(s): {Kinds(result.Original)}; the recorded schedule replays the run (fingerprint {fingerprint:x16})"));
        string factor = result.SizeAfter == 0 ? "the failure needs no fault" : Invariant($"{result.ReductionFactor:0.#}x smaller");
        output.WriteLine(Invariant($"  shrunk to {result.SizeAfter} fault(s) ({factor}) in {result.Replays} replays; {Verdict(result)}"));
        foreach (Fault fault in result.Shrunk.Faults)
        {
            output.WriteLine("    " + fault.Describe());
        }

        output.WriteLine(Invariant($"  as C# (give it as SimulationOptions.FaultSchedule with seed {failing}):"));
        foreach (string line in result.Shrunk.ToCSharp().Split('\n'))
        {
            output.WriteLine("    " + line);
        }

        string[] drop = ["sweep", "seed", "shrink", "shrink-out", "shrink-budget"];
        string seedText = failing.ToString(System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine(args.Has("shrink-out")
            ? "  replay: " + args.ReplayLine(scenario.Name, drop, ("seed", seedText), ("faults", args.GetString("shrink-out", string.Empty))) + " [--trace FILE]"
            : "  replay: write it with --shrink-out FILE, then " + args.ReplayLine(scenario.Name, drop, ("seed", seedText), ("faults", "FILE")) + " [--trace FILE]");
        return Finish(code, result, stop, scenario, error);
    }

    /// <summary>What the shrink's end says of the schedule it gives.</summary>
    internal static string Verdict(ShrinkResult result) => (result.OneMinimal, result.Cancelled) switch
    {
        (true, false) => "1-minimal: without any one of them the run passes",
        (true, true) => "1-minimal (without any one of them the run passes), but stopped by Ctrl+C: an earlier pass was cut short, so durations and times may not be as small or late as they could be",
        (false, true) => "stopped by Ctrl+C: not known to be 1-minimal",
        _ => "budget exhausted: not known to be 1-minimal",
    };

    /// <summary>Ends the command: says on <paramref name="error"/> what Ctrl+C stopped, or that it came after the last run.</summary>
    private static int Finish(int code, ShrinkResult result, CancellationToken stop, IScenario scenario, TextWriter? error)
    {
        if (result.Cancelled)
        {
            error?.WriteLine(Invariant($"interrupted: {scenario.Name}: Ctrl+C stopped the shrink after {result.Replays} replays; the report shows the smallest failing schedule found by then (exit code {Runner.Interrupted})"));
        }
        else
        {
            NoteLatePress(stop, scenario, error, "the shrink's last run");
        }

        return code;
    }

    private static void NoteLatePress(CancellationToken stop, IScenario scenario, TextWriter? error, string after)
    {
        if (stop.IsCancellationRequested)
        {
            error?.WriteLine($"note: {scenario.Name}: Ctrl+C came after {after} and stopped nothing");
        }
    }

    private static string Kinds(FaultSchedule schedule) => schedule.Count == 0
        ? "none"
        : string.Join(", ", schedule.Faults.GroupBy(f => f is MessageFault m ? "message " + KindName(m.Kind) : f.GetType().Name.Replace("Fault", string.Empty, StringComparison.Ordinal).ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Invariant($"{g.Count()} {g.Key}")));

    private static string KindName(MessageFaultKind kind) => kind switch
    {
        MessageFaultKind.Loss => "loss",
        MessageFaultKind.Duplicate => "duplication",
        MessageFaultKind.SendOmission => "send omission",
        _ => "receive omission",
    };
}
