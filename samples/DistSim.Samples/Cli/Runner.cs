using DistSim.Samples.Bench;
using DistSim.Samples.ByzantineGenerals;
using DistSim.Samples.Reliable;
using DistSim.Samples.Tcp;
using DistSim.Samples.WalKv;
using DistSim.Samples.SplitBrain;
using DistSim.Samples.PrimaryBackup;
using DistSim.Samples.Raft;
using DistSim.Samples.TwoGenerals;

namespace DistSim.Samples.Cli;

/// <summary>
/// The samples runner: <c>&lt;scenario&gt; [--seed N] [--json] [--trace FILE] [--sweep N [--parallel N] [--shard I/N]] [options]</c>,
/// <c>merge [--json] FILE...</c>, <c>lincheck [options] FILE</c> and <c>list</c>.
/// </summary>
/// <remarks>
/// Exit codes: <see cref="Success"/> (0), <see cref="Failure"/> (1: node code threw, an output file could not be
/// written, or a scenario's own check failed), <see cref="UsageError"/> (2: bad input, reported before anything runs), <see cref="LimitHit"/> (3: a run
/// stopped at its event, time or queue limit before it completed; the report says so and marks what is incomplete),
/// <see cref="Interrupted"/> (130: Ctrl+C stopped a sweep, with no report, or a search, a shrink or lincheck, with a report of what they did).
/// </remarks>
public static class Runner
{
    /// <summary>Exit code of a run that completed.</summary>
    public const int Success = 0;

    /// <summary>Exit code when node code threw, an output file could not be written, or a scenario's own check failed.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for bad input.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code when a limit stopped a run before it completed: the scenario's conclusion is incomplete.</summary>
    public const int LimitHit = 3;

    /// <summary>
    /// Exit code when Ctrl+C stopped a command (<see cref="Interruption"/>; 128 + SIGINT, as shells report it): a sweep,
    /// with no report; a search, a shrink or lincheck, with a report of what they did before it.
    /// </summary>
    public const int Interrupted = 130;

    /// <summary>Every scenario, in the order <c>list</c> prints them.</summary>
    public static IReadOnlyList<IScenario> Scenarios { get; } = [new TwoGeneralsScenario(), new ByzantineGeneralsScenario(), new ReliableScenario(), new TcpScenario(), new WalKvScenario(), new AsyncKv.AsyncKvScenario(), new Abd.AbdScenario(), new Paxos.PaxosScenario(), new RaftKv.RaftKvScenario(), new SplitBrainScenario(), new LongDelays.LongDelaysScenario(), new PartialConnectivity.PartialConnectivityScenario(), new Bitcoin.BitcoinScenario(), new Kubernetes.KubernetesScenario(), new Byzantine.ByzantineScenario(), new PrimaryBackupScenario(), new RaftElectionScenario(), new OrderingBugs.OrderingBugsScenario(), new BenchScenario()];

    /// <summary>Runs the command line; returns the process exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where errors and notes go.</param>
    /// <param name="progress">The progress bar for sweeps (<see cref="SweepProgressBar.ForTerminal"/>; null: none).</param>
    public static int Execute(string[] args, TextWriter output, TextWriter error, SweepProgressBar? progress = null) =>
        Execute(args, output, error, progress, interruption: null);

    /// <summary>Runs the command line; returns the process exit code. A sweep, a search, a shrink and lincheck stop at <paramref name="interruption"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where errors and notes go.</param>
    /// <param name="progress">The progress bar for sweeps (<see cref="SweepProgressBar.ForTerminal"/>; null: none).</param>
    /// <param name="interruption">What stops a sweep, a search, a shrink or lincheck (<see cref="Interruption.ForConsole"/>: Ctrl+C); null: nothing.</param>
    public static int Execute(string[] args, TextWriter output, TextWriter error, SweepProgressBar? progress, Interruption? interruption)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? error : output, null);
            return args.Length == 0 ? UsageError : 0;
        }

        if (args[0] == "merge")
        {
            return Merge.Execute(args[1..], output, error);
        }

        if (args[0] == "lincheck")
        {
            return Lincheck.LincheckCommand.Execute(args[1..], output, error, interruption);
        }

        if (args[0] == "list")
        {
            foreach (IScenario s in Scenarios)
            {
                output.WriteLine($"{s.Name,-16} {s.Summary}");
            }

            return 0;
        }

        IScenario? scenario = Scenarios.FirstOrDefault(s => s.Name == args[0]);
        if (scenario is null)
        {
            error.WriteLine($"error: unknown scenario '{args[0]}'");
            WriteUsage(error, null);
            return UsageError;
        }

        try
        {
            if (args.Skip(1).Any(a => a is "-h" or "--help"))
            {
                WriteUsage(output, scenario);
                return 0;
            }

            ScenarioArgs parsed = ScenarioArgs.Parse(args[1..], scenario.Options);
            parsed.ValidateCommon();
            if (progress is not null && SweepProgressBar.Applies(parsed))
            {
                parsed.Progress = progress.WithTitle(scenario.Name);
            }

            // A sweep command listens for Ctrl+C from start to end, its statistics and figures and every sweep of it
            // included (a figure of several sweeps runs one per curve); so do a search and a shrink, which stop between
            // two runs and report what they covered. A single run (and the replay of one path) does not: its limits bound it.
            bool sweeps = parsed.Sweep > 0 && !parsed.Has("shrink") && !parsed.Has("explore");
            bool searches = (parsed.Has("explore") && !parsed.Has("explore-path")) || parsed.Has("shrink");
            parsed.Interruption = sweeps || searches ? interruption : null;
            int code;
            using (sweeps || searches ? interruption?.Listen() : null)
            {
                if (parsed.Has("json-pretty"))
                {
                    // The scenario writes its one-line object; it is indented once the run is over. Its notes (a limit hit,
                    // Ctrl+C) wait for it, so that they follow the report as they do without --json-pretty.
                    var captured = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
                    var notes = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
                    try
                    {
                        code = Dispatch(scenario, parsed, captured, notes);
                        output.Write(Report.Pretty(captured.ToString()));
                    }
                    finally
                    {
                        error.Write(notes.ToString());
                    }
                }
                else
                {
                    code = Dispatch(scenario, parsed, output, error);
                }
            }

            if (sweeps && code is Success or LimitHit && parsed.Interruption is { Token.IsCancellationRequested: true })
            {
                // (A search or a shrink says so itself: only it knows that its report is complete.)
                error.WriteLine($"note: {scenario.Name}: Ctrl+C came after the sweep's last run; the report is complete");
            }

            return code;
        }
        catch (UsageException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            WriteUsage(error, scenario);
            return UsageError;
        }
        catch (ArgumentException ex)
        {
            error.WriteLine($"error: {scenario.Name}: {ex.Message}");
            WriteUsage(error, scenario);
            return UsageError;
        }
    }

    /// <summary>Runs the parsed command: a search, a shrink, a shard or the scenario itself.</summary>
    private static int Dispatch(IScenario scenario, ScenarioArgs parsed, TextWriter output, TextWriter error)
    {
        try
        {
            int code = parsed.Has("explore")
                ? scenario is IExplorableScenario explorable
                    ? ExploreCommand.Run(explorable, parsed, output, error)
                    : throw new UsageException($"--explore: {scenario.Name} has no property to search for (scenarios with one: {string.Join(", ", Scenarios.OfType<IExplorableScenario>().Select(s => s.Name))})")
                : parsed.Has("shrink")
                ? scenario is IShrinkableScenario shrinkable
                    ? ShrinkCommand.Run(shrinkable, parsed, output, error)
                    : throw new UsageException($"--shrink: {scenario.Name} has no property to shrink against (scenarios with one: {string.Join(", ", Scenarios.OfType<IShrinkableScenario>().Select(s => s.Name))})")
                : parsed.Shard is null ? scenario.Run(parsed, output) : RunShard(scenario, parsed, output);
            if (code == LimitHit)
            {
                error.WriteLine($"note: {scenario.Name}: a run stopped at a limit before it completed; the report marks what is incomplete (exit code {LimitHit})");
            }

            return code;
        }
        catch (UsageException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            WriteUsage(error, scenario);
            return UsageError;
        }
        catch (ArgumentException ex)
        {
            error.WriteLine($"error: {scenario.Name}: {ex.Message}");
            WriteUsage(error, scenario);
            return UsageError;
        }
        catch (Diagnostics.SimulationFailureException ex)
        {
            error.WriteLine($"error: {scenario.Name}: a node failed: {ex.Message}");
            error.WriteLine(ex.InnerException);
            return Failure;
        }
        catch (ScenarioCheckException ex)
        {
            error.WriteLine($"error: {scenario.Name}: {ex.Message}");
            return Failure;
        }
        catch (OutputFileException ex)
        {
            error.WriteLine($"error: {scenario.Name}: {ex.Message}");
            return Failure;
        }
        catch (SweepInterruptedException ex)
        {
            error.WriteLine($"interrupted: {scenario.Name}: Ctrl+C stopped the sweep after {ex.Completed:N0} runs; no report (exit code {Interrupted})");
            return Interrupted;
        }
    }

    /// <summary>
    /// <c>--shard i/n</c>: plays slice i of the sweep and writes its runs (<see cref="ShardFile"/>) to the standard output or
    /// the <c>--shard-out</c> file; the scenario's own report over the slice is not printed (<c>merge</c> prints the whole one).
    /// </summary>
    private static int RunShard(IScenario scenario, ScenarioArgs args, TextWriter output)
    {
        StreamWriter? file = null;
        if (args.ShardOutFile is { } path)
        {
            try
            {
                file = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--shard-out: cannot write '{path}': {ex.Message}");
            }
        }

        using (file)
        {
            var sink = new ShardSink(scenario.Name, file ?? output);
            args.ShardSink = sink;
            int code = scenario.Run(args, TextWriter.Null);
            return sink.Written ? code : throw new UsageException($"--shard: {scenario.Name} does not sweep seeds in this mode; it cannot be sharded");
        }
    }

    private static void WriteUsage(TextWriter w, IScenario? scenario)
    {
        w.WriteLine("usage: dotnet run --project samples/DistSim.Samples -- <scenario> [--seed N] [--json] [--trace FILE] [--sweep N [--parallel N] [--shard I/N [--shard-out FILE]]] [options]");
        w.WriteLine("       dotnet run --project samples/DistSim.Samples -- merge [--json] SHARD-FILE...   (the report of the whole sweep)");
        w.WriteLine("       dotnet run --project samples/DistSim.Samples -- lincheck [--model M] [--format jsonl|edn] [--initial V] [--html FILE] [--steps N] [--timeout S] FILE");
        w.WriteLine("                                                       (checks a history for linearizability; lincheck --help)");
        w.WriteLine("       dotnet run --project samples/DistSim.Samples -- list");
        w.WriteLine("exit codes: 0 completed; 1 a node failed or an output file could not be written; 2 bad input;");
        w.WriteLine("            3 a run stopped at its event, time or queue limit (\"limitHit\" in the JSON): results marked incomplete");
        w.WriteLine("            130 Ctrl+C stopped a sweep (no report; a --plot file it created is removed), or a search (--explore),");
        w.WriteLine("                a shrink (--shrink) or lincheck between two runs (their report covers what was done before it)");
        w.WriteLine("            lincheck: 0 linearizable, 1 not linearizable, 2 bad input, 3 unknown (its --steps or --timeout ran out), 130 unknown (Ctrl+C)");
        if (scenario is null)
        {
            w.WriteLine("scenarios:");
            foreach (IScenario s in Scenarios)
            {
                w.WriteLine($"  {s.Name,-16} {s.Summary}");
            }

            return;
        }

        w.WriteLine($"{scenario.Name}: {scenario.Summary}");
        w.WriteLine("options:");
        foreach (OptionSpec o in ScenarioArgs.CommonOptions.Concat(scenario.Options))
        {
            string left = o.IsFlag ? $"--{o.Name}" : $"--{o.Name} {o.ValueName}";
            string dflt = o.Default is null ? string.Empty : $" (default {o.Default})";
            w.WriteLine($"  {left,-24} {o.Description}{dflt}");
        }
    }
}
