namespace DistSim.Samples.Cli;

/// <summary>The run loop every sweeping scenario shares: one run per seed from <c>--seed</c>, and the files of a single run.</summary>
public static class Sweep
{
    /// <summary>
    /// Plays <c>--sweep</c> runs (one without it) with seeds <c>--seed</c>, <c>--seed</c> + 1, …, recording the
    /// trace only when <c>--trace</c> or <c>--mermaid</c> asks for it, and writes those files from the single run.
    /// </summary>
    /// <typeparam name="T">A scenario's run.</typeparam>
    /// <param name="args">The parsed options.</param>
    /// <param name="play">Plays one run: the seed, and whether to record the trace.</param>
    /// <param name="simulation">The simulation of a run.</param>
    public static List<T> Runs<T>(ScenarioArgs args, Func<ulong, bool, T> play, Func<T, Simulation> simulation)
    {
        if (args.Sweep > 0 && args.RecordTrace)
        {
            throw new UsageException("--trace: --trace and --mermaid write one run; they cannot be combined with --sweep");
        }

        int count = Math.Max(1, args.Sweep);
        var runs = new List<T>(count);
        for (int i = 0; i < count; i++)
        {
            runs.Add(play(unchecked(args.Seed + (ulong)i), args.RecordTrace));
        }

        if (args.RecordTrace)
        {
            Report.WriteFiles(args, simulation(runs[0]));
        }

        return runs;
    }
}
