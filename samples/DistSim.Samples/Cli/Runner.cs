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

/// <summary>The samples runner: <c>&lt;scenario&gt; [--seed N] [--json] [--trace FILE] [--sweep N] [options]</c>.</summary>
public static class Runner
{
    /// <summary>Exit code for bad input.</summary>
    public const int UsageError = 2;

    /// <summary>Every scenario, in the order <c>list</c> prints them.</summary>
    public static IReadOnlyList<IScenario> Scenarios { get; } = [new TwoGeneralsScenario(), new ByzantineGeneralsScenario(), new ReliableScenario(), new TcpScenario(), new WalKvScenario(), new SplitBrainScenario(), new PrimaryBackupScenario(), new RaftElectionScenario(), new BenchScenario()];

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Execute(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? error : output, null);
            return args.Length == 0 ? UsageError : 0;
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
            return scenario.Run(parsed, output);
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
            return 1;
        }
    }

    private static void WriteUsage(TextWriter w, IScenario? scenario)
    {
        w.WriteLine("usage: dotnet run --project samples/DistSim.Samples -- <scenario> [--seed N] [--json] [--trace FILE] [--sweep N] [options]");
        w.WriteLine("       dotnet run --project samples/DistSim.Samples -- list");
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
