using System.Text.Json;
using DistSim.Diagnostics;
using DistSim.Sweeps;

namespace DistSim.Samples.Cli;

/// <summary>
/// The run loop every scenario shares: one run per seed from <c>--seed</c> (or per case), each folded into the
/// scenario's aggregate in seed order on the caller's thread and then dropped, so a sweep never holds more than a
/// window of simulations (what it keeps per run is numbers: the per-run metrics of the statistics, 8 bytes each); and
/// the <c>--trace</c> and <c>--mermaid</c> files of a single run, opened before it.
/// </summary>
/// <remarks>
/// A sweep's runs go through <see cref="SeedSweep"/> on <c>--parallel</c> threads: each run is played, and its
/// per-run record taken, on a worker; the fold, the <see cref="ScenarioArgs.RunObserver"/> and the common fields see
/// the runs in seed order on the caller's thread, so the report is the same for any <c>--parallel</c>. With
/// <c>--shard i/n</c> only slice i is played and each run's facts and record are written to the shard file; in a
/// <c>merge</c> the runs come from the shard files instead of being played. See <c>docs/concepts/sweeps.md</c>.
/// </remarks>
public static class Sweep
{
    /// <summary>
    /// Plays <c>--sweep</c> runs (one without it) with seeds <c>--seed</c>, <c>--seed</c> + 1, …; hands each to
    /// <paramref name="fold"/> with its seed, then lets it go. Returns the common fields of all the runs. The runs are
    /// folded whole, so a scenario using this overload cannot be sharded.
    /// </summary>
    /// <typeparam name="TRun">A scenario's run.</typeparam>
    /// <param name="args">The parsed options.</param>
    /// <param name="play">Plays one run: the seed, and how to trace and limit it. Called on a worker thread in a sweep.</param>
    /// <param name="fold">Adds a finished run to the scenario's aggregate; must keep numbers, not the run.</param>
    public static RunSummary Fold<TRun>(ScenarioArgs args, Func<ulong, RunSettings, TRun> play, Action<ulong, TRun> fold)
        where TRun : class, IScenarioRun =>
        Core(args, play, run => run, fold, shardable: false, out _);

    /// <summary>
    /// Plays <c>--sweep</c> runs (one without it) like <see cref="Fold{TRun}(ScenarioArgs, Func{ulong, RunSettings, TRun}, Action{ulong, TRun})"/>,
    /// but folds each run's <typeparamref name="TRecord"/>, taken from the run on the thread that played it: a small,
    /// JSON-serialisable value, which a shard writes to its file and a merge reads back. A sweep can then be sharded.
    /// </summary>
    /// <typeparam name="TRun">A scenario's run.</typeparam>
    /// <typeparam name="TRecord">What the fold needs from one run: a record of numbers, strings and booleans.</typeparam>
    /// <param name="args">The parsed options.</param>
    /// <param name="play">Plays one run. Called on a worker thread in a sweep.</param>
    /// <param name="record">Takes the run's record; called on the thread that played the run.</param>
    /// <param name="fold">Adds a run's record to the scenario's aggregate, in seed order, on the caller's thread.</param>
    /// <param name="single">The run itself when there is one run (no <c>--sweep</c>), for its details; null in a sweep.</param>
    public static RunSummary Fold<TRun, TRecord>(
        ScenarioArgs args, Func<ulong, RunSettings, TRun> play, Func<TRun, TRecord> record, Action<ulong, TRecord> fold, out TRun? single)
        where TRun : class, IScenarioRun =>
        Core(args, play, record, fold, shardable: true, out single);

    /// <summary>
    /// Like <see cref="Fold{TRun}(ScenarioArgs, Func{ulong, RunSettings, TRun}, Action{ulong, TRun})"/>, over the given runs
    /// (cases of an enumeration, say): each with its seed and how to play it, one after the other on the caller's
    /// thread (a case may depend on the one before). Each run is played, folded and dropped before the next is asked for.
    /// </summary>
    /// <typeparam name="TRun">A scenario's run.</typeparam>
    /// <typeparam name="TRecord">What the fold needs from one run.</typeparam>
    /// <param name="args">The parsed options.</param>
    /// <param name="runs">The runs, in order.</param>
    /// <param name="record">Takes the run's record.</param>
    /// <param name="fold">Adds a run's record to the scenario's aggregate.</param>
    public static RunSummary Fold<TRun, TRecord>(
        ScenarioArgs args, IEnumerable<(ulong Seed, Func<RunSettings, TRun> Play)> runs, Func<TRun, TRecord> record, Action<ulong, TRecord> fold)
        where TRun : class, IScenarioRun
    {
        args.ValidateCommon();
        if (args.Replay is not null || args.ShardSink is not null)
        {
            throw new UsageException("--shard: this mode plays a list of cases, not a sweep of seeds; it cannot be sharded");
        }

        if (args.Schedule is { NeedsSteps: true } spec)
        {
            throw new UsageException($"--schedule: '{spec}' needs K here (e.g. {spec}:1000): this mode plays a list of cases, with no seed to count a run's steps from");
        }

        args.Scheduler = args.Schedule?.Create(1);
        return WithSchedule(PlayInOrder(args, runs, record, fold, out _), args);
    }

    /// <summary>
    /// The strategy of <c>--schedule</c>, once for all the runs: K, when not given, is the number of events of a FIFO run of
    /// <c>--seed</c> (unrecorded), so every run and every shard of a sweep uses the same strategy.
    /// </summary>
    private static void ResolveSchedule<TRun>(ScenarioArgs args, Func<ulong, RunSettings, TRun> play)
        where TRun : class, IScenarioRun
    {
        if (args.Schedule is not { } spec || args.Replay is not null)
        {
            return;
        }

        long steps = spec.NeedsSteps ? play(args.Seed, RunSettings.Unrecorded with { EventLimit = args.EventLimit }).Simulation.EventsExecuted : 1;
        args.Scheduler = spec.Create(steps);
    }

    private static RunSummary WithSchedule(RunSummary summary, ScenarioArgs args) =>
        args.Schedule is { } spec ? summary with { Schedule = spec.ToString() } : summary;

    private static RunSummary Core<TRun, TRecord>(
        ScenarioArgs args, Func<ulong, RunSettings, TRun> play, Func<TRun, TRecord> record, Action<ulong, TRecord> fold, bool shardable, out TRun? single)
        where TRun : class, IScenarioRun
    {
        if (args.Sweep > 0 && args.OutputOption is { } option)
        {
            throw new UsageException($"--{option}: writes one run; it cannot be combined with --sweep");
        }

        args.ValidateCommon(); // before the files are created
        if ((args.Replay is not null || args.ShardSink is not null) && !shardable)
        {
            throw new UsageException("--shard: this scenario's runs are not recorded per run; it cannot be sharded");
        }

        single = null;
        if (args.Replay is { } replay)
        {
            return WithSchedule(Replay(replay, fold), args);
        }

        ResolveSchedule(args, play);
        if (args.Sweep == 0)
        {
            return WithSchedule(PlayInOrder(args, [(args.Seed, settings => play(args.Seed, settings))], record, fold, out single), args);
        }

        return WithSchedule(PlaySweep(args, play, record, fold), args);
    }

    /// <summary>Plays the runs one after the other on this thread, with the <c>--trace</c> and <c>--mermaid</c> files of a single run.</summary>
    private static RunSummary PlayInOrder<TRun, TRecord>(
        ScenarioArgs args, IEnumerable<(ulong Seed, Func<RunSettings, TRun> Play)> runs, Func<TRun, TRecord> record, Action<ulong, TRecord> fold, out TRun? last)
        where TRun : class, IScenarioRun
    {
        using OutputFiles files = OutputFiles.Open(args);
        RunSettings settings = files.Settings(args);
        bool writesFiles = args.OutputOption is not null;
        var tally = new RunSummary.Tally();
        last = null;
        foreach ((ulong seed, Func<RunSettings, TRun> play) in runs)
        {
            if (writesFiles && tally.Runs > 0)
            {
                throw new InvalidOperationException("--trace, --mermaid, --perfetto and --html write a single run");
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

            tally.Add(seed, RunFacts.Of(run.Simulation, run.Run));
            args.RunObserver?.Invoke(run.Simulation);
            if (writesFiles)
            {
                files.Complete(run.Simulation.Trace);
            }

            fold(seed, record(run));
            last = tally.Runs == 1 ? run : null;
        }

        return tally.Summary();
    }

    /// <summary>
    /// Plays the sweep (or this shard's slice of it) on <c>--parallel</c> threads; folds, observes and (for a shard)
    /// writes each run in seed order on this thread.
    /// </summary>
    private static RunSummary PlaySweep<TRun, TRecord>(ScenarioArgs args, Func<ulong, RunSettings, TRun> play, Func<TRun, TRecord> record, Action<ulong, TRecord> fold)
        where TRun : class, IScenarioRun
    {
        RunSettings settings = RunSettings.Unrecorded with { EventLimit = args.EventLimit, FaultSchedule = args.Faults, Scheduler = args.Scheduler, Buggify = args.Buggify };
        ShardSink? sink = args.ShardSink;
        ShardSpec? shard = args.Shard;
        long start = shard?.Start(args.Sweep) ?? 0;
        long count = shard?.Length(args.Sweep) ?? args.Sweep;
        var options = new SeedSweepOptions { FirstSeed = args.Seed + (ulong)start, Count = count, Parallelism = args.Parallel };
        bool observe = args.RunObserver is not null;
        var tally = new RunSummary.Tally();
        if (sink is not null)
        {
            ShardFile.WriteHeader(sink.Output, new ShardHeader(
                ShardFile.Format, ShardFile.Version, sink.Scenario, args.RunOptions(), shard!.Index, shard.Count, options.FirstSeed, count));
        }

        CancellationToken interrupt = args.Interruption?.Token ?? CancellationToken.None;
        try
        {
            if (args.Progress is { } bar)
            {
                bar.Track(count, report =>
                {
                    Sweep(options with { Progress = report });
                    return 0;
                });
            }
            else
            {
                Sweep(options);
            }
        }
        catch (OperationCanceledException ex) when (interrupt.CanBeCanceled && ex.CancellationToken == interrupt)
        {
            throw new SweepInterruptedException(args.RunsFolded, ex); // the sweep's own cancellation, not one from scenario code
        }

        if (sink is not null)
        {
            ShardFile.WriteEnd(sink.Output, count);
            sink.Written = true;
        }

        return tally.Summary();

        void Sweep(SeedSweepOptions sweepOptions) => SeedSweep.Run(
            sweepOptions,
            seed =>
            {
                TRun run = play(seed, settings);
                return new Played<TRun, TRecord>(observe ? run : null, RunFacts.Of(run.Simulation, run.Run), record(run));
            },
            (seed, played) =>
            {
                args.RunsFolded++;
                tally.Add(seed, played.Facts);
                if (played.Run is { } run)
                {
                    args.RunObserver?.Invoke(run.Simulation);
                }

                fold(seed, played.Record);
                if (sink is not null)
                {
                    ShardFile.WriteRun(sink.Output, seed, played.Facts, played.Record);
                }
            },
            interrupt);
    }

    /// <summary>A merge: the runs of every slice, read from the shard files in seed order, folded as the sweep folds them.</summary>
    private static RunSummary Replay<TRecord>(IEnumerable<ReplayedRun> runs, Action<ulong, TRecord> fold)
    {
        var tally = new RunSummary.Tally();
        foreach (ReplayedRun run in runs)
        {
            tally.Add(run.Seed, run.Facts);
            fold(run.Seed, run.Record.Deserialize<TRecord>(ShardFile.Json)
                ?? throw new MergeException(Invariant($"the record of seed {run.Seed} is null")));
        }

        return tally.Summary();
    }

    /// <summary>One played run on its way to the fold: the run itself only when a <see cref="ScenarioArgs.RunObserver"/> wants it.</summary>
    private sealed record Played<TRun, TRecord>(TRun? Run, RunFacts Facts, TRecord Record);
}
