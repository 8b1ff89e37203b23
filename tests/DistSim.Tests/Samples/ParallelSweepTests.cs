using DistSim.Samples.Cli;
using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

/// <summary><c>--parallel N</c>: every scenario's sweep prints the same bytes for any N, and folds in seed order on the caller's thread.</summary>
public class ParallelSweepTests
{
    public static TheoryData<string[]> Sweeps => new()
    {
        { ["two-generals", "--strategy", "acks", "--rounds", "2", "--sweep", "80"] },
        { ["byzantine-generals", "--n", "5", "--m", "1", "--sweep", "24"] },
        { ["wal-kv", "--writes", "20", "--sweep", "16"] },
        { ["split-brain", "--duration", "200ms", "--sweep", "16"] },
        { ["primary-backup", "--writes", "20", "--sweep", "16"] },
        { ["raft-election", "--sweep", "16"] },
        { ["wal-kv", "--writes", "20", "--sweep", "10", "--event-limit", "1500"] },
    };

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void TheSweepOutput_IsByteIdentical_ForAnyParallelism(string[] sweep)
    {
        foreach (string[] format in new[] { new[] { "--json" }, Array.Empty<string>() })
        {
            (int code, string one, _) = Run([.. sweep, .. format, "--parallel", "1"]);
            (int code2, string two, _) = Run([.. sweep, .. format, "--parallel", "2"]);
            (int code4, string four, _) = Run([.. sweep, .. format, "--parallel", "4"]);

            Assert.True(code is 0 or 3, one);
            Assert.Contains("fingerprint", one, StringComparison.Ordinal);
            Assert.Equal(one, two);
            Assert.Equal(one, four);
            Assert.Equal(code, code2);
            Assert.Equal(code, code4);
        }
    }

    [Fact]
    public void TheRunObserver_SeesTheRunsInSeedOrder_OnTheCallersThread()
    {
        IScenario s = Runner.Scenarios.Single(x => x.Name == "wal-kv");
        ScenarioArgs args = ScenarioArgs.Parse(["--writes", "10", "--sweep", "20", "--seed", "50", "--parallel", "4"], s.Options);
        var seeds = new List<ulong>();
        var threads = new HashSet<int>();
        args.RunObserver = simulation =>
        {
            seeds.Add(simulation.Options.Seed);
            threads.Add(Environment.CurrentManagedThreadId);
        };

        Assert.Equal(0, s.Run(args, new StringWriter()));

        Assert.Equal(Enumerable.Range(50, 20).Select(i => (ulong)i), seeds);
        Assert.Equal(new[] { Environment.CurrentManagedThreadId }, threads);
    }

    [Theory]
    [InlineData("wal-kv", "--parallel", "0")]
    [InlineData("wal-kv", "--parallel", "x")]
    [InlineData("wal-kv", "--parallel", "2")]
    [InlineData("bench", "--parallel", "2")]
    public void BadParallel_IsAUsageError(params string[] args)
    {
        var error = new StringWriter();
        Assert.Equal(Runner.UsageError, Runner.Execute(args, new StringWriter(), error));
        Assert.Contains("--parallel", error.ToString(), StringComparison.Ordinal);
    }
}
