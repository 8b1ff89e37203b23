using System.Runtime.CompilerServices;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Samples.WalKv;

namespace DistSim.Tests.Samples;

/// <summary>
/// Sweeps fold each run into their aggregate and let it go: the memory of a sweep does not grow with its runs.
/// Checked structurally: a weak reference to every run's simulation, and at checkpoints during the sweep no
/// earlier simulation may still be reachable (only the run being folded).
/// </summary>
public class SweepMemoryTests
{
    public static TheoryData<string, string[]> Sweeps => new()
    {
        { "two-generals", ["--strategy", "timeout-fallback", "--sweep", "60"] },
        { "byzantine-generals", ["--n", "5", "--m", "1", "--sweep", "60"] },
        { "byzantine-generals", ["--n", "4", "--m", "1", "--exhaustive"] },
        { "wal-kv", ["--writes", "20", "--sweep", "40"] },
        { "split-brain", ["--duration", "200ms", "--sweep", "40"] },
        { "primary-backup", ["--writes", "20", "--sweep", "40"] },
        { "raft-election", ["--sweep", "40"] },
    };

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void ASweep_KeepsNoEarlierSimulation(string scenario, string[] options)
    {
        IScenario s = Runner.Scenarios.Single(x => x.Name == scenario);
        ScenarioArgs args = ScenarioArgs.Parse(options, s.Options);
        var runs = new List<WeakReference<Simulation>>();
        int mostAlive = 0;
        args.RunObserver = simulation =>
        {
            runs.Add(new WeakReference<Simulation>(simulation));
            if (runs.Count % 10 == 0)
            {
                mostAlive = Math.Max(mostAlive, AliveBefore(runs, runs.Count - 1));
            }
        };

        Assert.Equal(0, s.Run(args, new StringWriter()));

        Assert.True(runs.Count >= 40, $"{runs.Count} runs");
        Assert.True(mostAlive <= 1, $"{mostAlive} earlier simulations still reachable during the sweep");
        Assert.Equal(0, AliveBefore(runs, runs.Count));
    }

    [Fact]
    public void TheSweepLoop_HoldsOnlyTheRunItIsFolding()
    {
        IScenario s = new WalKvScenario();
        ScenarioArgs args = ScenarioArgs.Parse(["--sweep", "300"], s.Options);
        var runs = new List<WeakReference<Simulation>>();
        int mostAlive = 0;
        args.RunObserver = simulation =>
        {
            runs.Add(new WeakReference<Simulation>(simulation));
            if (runs.Count % 50 == 0)
            {
                mostAlive = Math.Max(mostAlive, AliveBefore(runs, runs.Count - 1));
            }
        };
        long folded = 0;

        RunSummary summary = Sweep.Fold(args, (seed, settings) => new TinyRun(seed, settings), (_, run) => folded += run.Run.Events);

        Assert.Equal(300, summary.Runs);
        Assert.Equal(summary.Events, folded);
        Assert.True(mostAlive <= 1, $"{mostAlive} earlier simulations still reachable");
        Assert.Equal(0, AliveBefore(runs, runs.Count));
    }

    /// <summary>How many of the first <paramref name="count"/> simulations survive a full collection.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AliveBefore(List<WeakReference<Simulation>> runs, int count)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return runs.Take(count).Count(r => r.TryGetTarget(out _));
    }

    private sealed class TinyRun : IScenarioRun
    {
        public TinyRun(ulong seed, RunSettings settings)
        {
            Simulation = new Simulation(settings.ApplyTo(new SimulationOptions { Seed = seed }));
            Simulation.AddNode("a", () => new Support.Sender(new NodeId(1), 10));
            Simulation.AddNode("b", () => new Support.Receiver());
            Run = Simulation.Run();
        }

        public Simulation Simulation { get; }

        public RunResult Run { get; }
    }
}
