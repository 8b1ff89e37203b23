using DistSim.Checking;
using DistSim.Diagnostics;
using DistSim.Nodes;
using DistSim.Testing;
using DistSim.Tests.Checking;

namespace DistSim.Tests.Testing;

/// <summary>These tests set DISTSIM_SEED and DISTSIM_SEED_COUNT, which are process-wide: they run alone.</summary>
[CollectionDefinition(nameof(SeedEnvironment), DisableParallelization = true)]
public sealed class SeedEnvironment;

[Collection(nameof(SeedEnvironment))]
public sealed class SeedPropertyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("distsim-seeds-").FullName;

    private string Regressions => Path.Combine(_directory, "regressions.txt");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SeedProperty.SeedVariable, null);
        Environment.SetEnvironmentVariable(SeedProperty.CountVariable, null);
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A ticker whose run violates "fewer than K ticks" exactly when the seed picks a small K.</summary>
    private static DistSim.Simulation Build(ulong seed)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromMinutes(1) });
        NodeId t = sim.AddNode("ticker", () => new Ticker(TimeSpan.FromSeconds(1), 5));
        int limit = seed % 7 == 0 ? 3 : 10;
        sim.Always($"fewer than {limit} ticks", () => sim.GetNode(t) is not Ticker ticker || ticker.Count < limit);
        sim.Run();
        return sim;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void TheFirstFailingSeedInSeedOrderIsReported_WhateverTheParallelism(int parallelism)
    {
        var options = new SeedPropertyOptions { FirstSeed = 1, Count = 50, Parallelism = parallelism, RegressionFile = Regressions };

        SeedFailureException e = Assert.Throws<SeedFailureException>(() => SeedProperty.Check(Build, options));

        Assert.Equal(7UL, e.Seed);
        SimulationFailureException inner = Assert.IsType<SimulationFailureException>(e.InnerException);
        Assert.IsType<PropertyViolationException>(inner.InnerException);
        string test = $"{typeof(SeedPropertyTests).FullName}.{nameof(TheFirstFailingSeedInSeedOrderIsReported_WhateverTheParallelism)}";
        Assert.Equal(test, e.Test);
        Assert.Contains($"DISTSIM_SEED=7 dotnet test --filter \"FullyQualifiedName={test}\"", e.Message);
        Assert.Contains("fewer than 3 ticks", e.Message);
    }

    [Fact]
    public void AFailingSeedIsRecorded_AndReRunFirstByLaterChecks()
    {
        Assert.Throws<SeedFailureException>(() => SeedProperty.Check(Build, new SeedPropertyOptions { Count = 10, RegressionFile = Regressions }));
        string test = $"{typeof(SeedPropertyTests).FullName}.{nameof(AFailingSeedIsRecorded_AndReRunFirstByLaterChecks)}";
        Assert.Contains($"{test} 7", File.ReadAllLines(Regressions));

        // A range without 7 still fails on 7: the regression seed runs first.
        SeedFailureException again = Assert.Throws<SeedFailureException>(() =>
            SeedProperty.Check(Build, new SeedPropertyOptions { FirstSeed = 100, Count = 5, RegressionFile = Regressions }));
        Assert.Equal(7UL, again.Seed);
        Assert.Contains("a regression seed", again.Message);
        Assert.Single(File.ReadAllLines(Regressions), l => l.EndsWith(" 7", StringComparison.Ordinal)); // recorded once
    }

    [Fact]
    public void ARangeThatPasses_RecordsNothing()
    {
        int runs = 0;
        SeedProperty.Check(
            seed =>
            {
                Interlocked.Increment(ref runs);
                DistSim.Simulation sim = Build(seed * 7 + 1);
                Assert.Null(sim.Failure);
            },
            new SeedPropertyOptions { Count = 40, RegressionFile = Regressions });

        Assert.Equal(40, runs);
        Assert.False(File.Exists(Regressions));
    }

    [Fact]
    public void DistSimSeed_RunsOnlyThatSeed()
    {
        var seen = new List<ulong>();
        Environment.SetEnvironmentVariable(SeedProperty.SeedVariable, "21");

        SeedFailureException e = Assert.Throws<SeedFailureException>(() => SeedProperty.Check(
            seed =>
            {
                lock (seen)
                {
                    seen.Add(seed);
                }

                return Build(seed);
            },
            new SeedPropertyOptions { Count = 5, RegressionFile = Regressions }));

        Assert.Equal([21UL], seen);
        Assert.Equal(21UL, e.Seed);
        Assert.Contains("DISTSIM_SEED=21", e.Message);
        Assert.False(File.Exists(Regressions)); // replaying is not a new failure
    }

    [Fact]
    public void DistSimSeedCount_OverridesTheCount_AndBadValuesAreNamed()
    {
        int runs = 0;
        Environment.SetEnvironmentVariable(SeedProperty.CountVariable, "3");
        SeedProperty.Check(_ => Interlocked.Increment(ref runs), new SeedPropertyOptions { Count = 100, RegressionFile = Regressions });
        Assert.Equal(3, runs);

        Environment.SetEnvironmentVariable(SeedProperty.CountVariable, "lots");
        ArgumentException count = Assert.Throws<ArgumentException>(() => SeedProperty.Check(_ => { }, new SeedPropertyOptions { RegressionFile = Regressions }));
        Assert.Contains("DISTSIM_SEED_COUNT", count.Message);
        Assert.Contains("'lots'", count.Message);

        Environment.SetEnvironmentVariable(SeedProperty.CountVariable, null);
        Environment.SetEnvironmentVariable(SeedProperty.SeedVariable, "-4");
        ArgumentException seed = Assert.Throws<ArgumentException>(() => SeedProperty.Check(_ => { }, new SeedPropertyOptions { RegressionFile = Regressions }));
        Assert.Contains("'-4'", seed.Message);
    }

    [Fact]
    public void ARegressionFileThatCannotBeWritten_StillReportsTheSeedAndItsReplayLine()
    {
        string unwritable = Path.Combine(_directory, "no-such-directory", "regressions.txt");

        SeedFailureException e = Assert.Throws<SeedFailureException>(() =>
            SeedProperty.Check(Build, new SeedPropertyOptions { Count = 10, RegressionFile = unwritable }));

        Assert.Equal(7UL, e.Seed);
        Assert.Contains("DISTSIM_SEED=7", e.Message);
        Assert.Contains("could not be recorded", e.Message);
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Equal("Count", Assert.Throws<ArgumentOutOfRangeException>(() => new SeedPropertyOptions { Count = 0 }.Validate()).ParamName);
        Assert.Equal("Parallelism", Assert.Throws<ArgumentOutOfRangeException>(() => new SeedPropertyOptions { Parallelism = 0 }.Validate()).ParamName);
        Assert.Equal("FirstSeed", Assert.Throws<ArgumentOutOfRangeException>(() => new SeedPropertyOptions { FirstSeed = ulong.MaxValue, Count = 2 }.Validate()).ParamName);
    }

    [Fact]
    public void AMalformedRegressionFile_IsReportedWithItsLine()
    {
        File.WriteAllText(Regressions, "# comment\nSome.Test 12\nbroken\n");

        FormatException e = Assert.Throws<FormatException>(() => SeedProperty.Check(_ => { }, new SeedPropertyOptions { Count = 1, RegressionFile = Regressions }));

        Assert.Contains("line 3", e.Message);
        Assert.Contains("'broken'", e.Message);
    }
}
