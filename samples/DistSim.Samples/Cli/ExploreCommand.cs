using DistSim.Exploration;

namespace DistSim.Samples.Cli;

/// <summary>
/// <c>&lt;scenario&gt; --explore N [--explore-drops D] [--explore-crashes C] [--explore-paths P]</c>: bounded exhaustive
/// search (<see cref="Explorer"/>) of the runs of <c>--seed</c>: every order of the events that may run next, every
/// choice of lost packets and crash points within the budgets, every choice of the scenario's own, within the first N
/// events. Prints paths and states explored and the first violating path, whose choices replay it with
/// <c>--explore-path</c>.
/// </summary>
public static class ExploreCommand
{
    /// <summary>
    /// Runs the search (or the replay of <c>--explore-path</c>); returns 1 when a violating path was found, 0 when none,
    /// <see cref="Runner.Interrupted"/> when Ctrl+C stopped the search between two paths (the report covers the paths explored).
    /// </summary>
    /// <param name="scenario">The scenario searched.</param>
    /// <param name="args">Its arguments (<c>--explore</c> and the rest).</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where the line saying Ctrl+C stopped the search (or came after its last path) goes; null: nowhere.</param>
    public static int Run(IExplorableScenario scenario, ScenarioArgs args, TextWriter output, TextWriter? error = null)
    {
        ExploreTarget target = scenario.ExploreTarget(args);
        ExplorationOptions options = target.Defaults with
        {
            MaxDepth = args.GetInt("explore", 30, min: 0, max: 1_000_000),
            MaxDrops = args.Has("explore-drops") ? args.GetInt("explore-drops", 0, min: 0, max: 1000) : target.Defaults.MaxDrops,
            MaxCrashes = args.Has("explore-crashes") ? args.GetInt("explore-crashes", 0, min: 0, max: 1000) : target.Defaults.MaxCrashes,
            MaxPaths = args.GetLong("explore-paths", 100_000, min: 1, max: 1_000_000_000),
            CancellationToken = args.Interruption?.Token ?? CancellationToken.None,
        };
        ulong seed = args.Seed;
        long played = 0;
        bool Play(ExplorationRun run)
        {
            bool violated = target.Play(seed, new RunSettings { Exploration = run, EventLimit = args.EventLimit, Buggify = args.Buggify });
            args.PathObserver?.Invoke(++played);
            return violated;
        }

        if (args.Has("explore-path"))
        {
            IReadOnlyList<int> choices;
            try
            {
                choices = ExplorationPath.ParseChoices(args.GetString("explore-path", string.Empty));
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--explore-path: {ex.Message}");
            }

            bool violated;
            ExplorationPath path;
            try
            {
                (violated, path) = Explorer.Replay(Play, choices, options);
            }
            catch (ExplorationReplayException ex)
            {
                throw new UsageException($"--explore-path: does not fit this scenario and these options: {ex.Message}");
            }

            Write(args, output, scenario, target, options, null, violated ? path : null, replayed: true);
            return violated ? Runner.Failure : Runner.Success;
        }

        ExplorationResult result = Explorer.Explore(Play, options);
        Write(args, output, scenario, target, options, result, result.FirstViolation, replayed: false);
        if (result.Cancelled)
        {
            error?.WriteLine(Invariant($"interrupted: {scenario.Name}: Ctrl+C stopped the search after {result.Paths:N0} paths; the report covers them (exit code {Runner.Interrupted})"));
            return Runner.Interrupted;
        }

        if (options.CancellationToken.IsCancellationRequested)
        {
            error?.WriteLine($"note: {scenario.Name}: Ctrl+C came after the search's last path and stopped nothing");
        }

        return result.ViolationFound ? Runner.Failure : Runner.Success;
    }

    private static void Write(ScenarioArgs args, TextWriter output, IScenario scenario, ExploreTarget target, ExplorationOptions options, ExplorationResult? result, ExplorationPath? violation, bool replayed)
    {
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                json.WriteString("scenario", scenario.Name);
                json.WriteNumber("seed", args.Seed);
                json.WriteString("property", target.Property);
                json.WriteNumber("depth", options.MaxDepth);
                json.WriteNumber("maxDrops", options.MaxDrops);
                json.WriteNumber("maxCrashes", options.MaxCrashes);
                json.WriteBoolean("exploreOrder", options.ExploreOrder);
                if (result is not null)
                {
                    json.WriteNumber("paths", result.Paths);
                    json.WriteNumber("statesExplored", result.StatesExplored);
                    json.WriteNumber("pruned", result.Pruned);
                    json.WriteBoolean("complete", result.Complete);
                    json.WriteBoolean("interrupted", result.Cancelled);
                }

                json.WriteBoolean("violationFound", violation is not null);
                if (violation is not null)
                {
                    json.WriteString("path", violation.Choices);
                    json.WriteStartArray("story");
                    foreach (ExplorationDecision d in violation.NonDefault)
                    {
                        json.WriteStringValue(d.ToString());
                    }

                    json.WriteEndArray();
                }
            }));
            return;
        }

        string bounds = Invariant($"depth {options.MaxDepth} events, {(options.ExploreOrder ? "every order" : "FIFO order")}, up to {options.MaxDrops} lost packet(s), {options.MaxCrashes} crash(es)");
        if (replayed)
        {
            output.WriteLine(Invariant($"{scenario.Name} --explore-path: seed {args.Seed}, {bounds}: {(violation is null ? "the path does not violate the property" : "the path violates the property")} ({target.Property})"));
        }
        else
        {
            string verdict = violation is not null ? "found a violation"
                : result!.Complete ? "no violation within the bounds (every path explored)"
                : result.Cancelled ? "no violation in the paths explored (stopped by Ctrl+C)"
                : "no violation in the paths explored (stopped at --explore-paths)";
            output.WriteLine(Invariant($"{scenario.Name} --explore: seed {args.Seed}, {bounds}: {verdict} ({target.Property})"));
            output.WriteLine(Invariant($"  paths explored {result!.Paths}, states {result.StatesExplored}{(options.StateHash is null && options.NodeHash is null ? " (the events past each path's divergence; no state hashing)" : Invariant($", pruned {result.Pruned}"))}"));
        }

        if (violation is not null)
        {
            output.WriteLine("  the violating path (decisions other than the default):");
            foreach (ExplorationDecision d in violation.NonDefault)
            {
                output.WriteLine("    " + d);
            }

            output.WriteLine("  replay: " + args.ReplayLine(
                scenario.Name,
                ["explore-path", "explore-paths"],
                ("seed", args.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("explore", options.MaxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("explore-drops", options.MaxDrops.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("explore-crashes", options.MaxCrashes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("explore-path", violation.Choices)));
        }
    }
}
