using DistSim.Diagnostics;

namespace DistSim.Samples.Cli;

/// <summary>
/// The run loop every scenario shares: one run per seed from <c>--seed</c> (or per case), each folded into the
/// scenario's aggregate as soon as it finishes and then dropped, so a sweep's memory stays flat in the number of
/// runs; and the <c>--trace</c> and <c>--mermaid</c> files of a single run, opened before it.
/// </summary>
public static class Sweep
{
    /// <summary>
    /// Plays <c>--sweep</c> runs (one without it) with seeds <c>--seed</c>, <c>--seed</c> + 1, …; hands each to
    /// <paramref name="fold"/> with its seed, then lets it go. Returns the common fields of all the runs.
    /// </summary>
    /// <typeparam name="TRun">A scenario's run.</typeparam>
    /// <param name="args">The parsed options.</param>
    /// <param name="play">Plays one run: the seed, and how to trace and limit it.</param>
    /// <param name="fold">Adds a finished run to the scenario's aggregate; must keep numbers, not the run.</param>
    public static RunSummary Fold<TRun>(ScenarioArgs args, Func<ulong, RunSettings, TRun> play, Action<ulong, TRun> fold)
        where TRun : IScenarioRun
    {
        if (args.Sweep > 0 && args.OutputOption is { } option)
        {
            throw new UsageException($"--{option}: writes one run; it cannot be combined with --sweep");
        }

        return Fold(args, Seeded(args, play), fold);
    }

    /// <summary>
    /// Like <see cref="Fold{TRun}(ScenarioArgs, Func{ulong, RunSettings, TRun}, Action{ulong, TRun})"/>, over the given runs
    /// (cases of an enumeration, say): each with its seed and how to play it. The sequence may be lazy; each run is
    /// played, folded and dropped before the next is asked for.
    /// </summary>
    /// <typeparam name="TRun">A scenario's run.</typeparam>
    /// <param name="args">The parsed options.</param>
    /// <param name="runs">The runs, in order.</param>
    /// <param name="fold">Adds a finished run to the scenario's aggregate.</param>
    public static RunSummary Fold<TRun>(ScenarioArgs args, IEnumerable<(ulong Seed, Func<RunSettings, TRun> Play)> runs, Action<ulong, TRun> fold)
        where TRun : IScenarioRun
    {
        args.ValidateCommon(); // before the files are created
        using OutputFiles files = OutputFiles.Open(args);
        RunSettings settings = files.Settings(args);
        bool writesFiles = args.OutputOption is not null;
        var tally = new RunSummary.Tally();
        foreach ((ulong seed, Func<RunSettings, TRun> play) in runs)
        {
            if (writesFiles && tally.Runs > 0)
            {
                throw new InvalidOperationException("--trace and --mermaid write a single run");
            }

            TRun run;
            try
            {
                run = play(settings);
            }
            catch (SimulationFailureException ex) when (writesFiles)
            {
                try
                {
                    files.Complete(ex.Trace); // the trace so far, up to where the node failed
                }
                catch (OutputFileException)
                {
                    // The node failure is the error to report.
                }

                throw;
            }

            tally.Add(seed, run.Simulation, run.Run);
            args.RunObserver?.Invoke(run.Simulation);
            if (writesFiles)
            {
                files.Complete(run.Simulation.Trace);
            }

            fold(seed, run);
        }

        return tally.Summary();
    }

    private static IEnumerable<(ulong Seed, Func<RunSettings, TRun> Play)> Seeded<TRun>(ScenarioArgs args, Func<ulong, RunSettings, TRun> play)
    {
        foreach (ulong seed in Seeds(args))
        {
            yield return (seed, settings => play(seed, settings));
        }
    }

    private static IEnumerable<ulong> Seeds(ScenarioArgs args)
    {
        int count = Math.Max(1, args.Sweep);
        for (int i = 0; i < count; i++)
        {
            yield return checked(args.Seed + (ulong)i); // ValidateCommon refused a sweep past the largest seed
        }
    }
}
