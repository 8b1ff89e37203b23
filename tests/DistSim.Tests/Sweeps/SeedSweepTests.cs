using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Sweeps;
using DistSim.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Sweeps;

public class SeedSweepTests
{
    /// <summary>A small lossy run: its fingerprint depends on the seed.</summary>
    private static ulong Fingerprint(ulong seed)
    {
        var sim = new Simulation(new SimulationOptions { Seed = seed, Network = new FairLossLinkOptions { LossProbability = 0.3 } });
        sim.AddNode("a", () => new Sender(new NodeId(1), 20));
        sim.AddNode("b", () => new Receiver());
        return sim.Run().Fingerprint;
    }

    private static List<(ulong Seed, ulong Fingerprint)> Sweep(ulong first, int count, int parallelism, int? window = null)
    {
        var seen = new List<(ulong, ulong)>();
        SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = first, Count = count, Parallelism = parallelism, ReorderWindow = window },
            Fingerprint,
            (seed, fingerprint) => seen.Add((seed, fingerprint)), TestContext.Current.CancellationToken);
        return seen;
    }

    [Property(MaxTest = 25)]
    public void Results_AreInSeedOrder_AndTheSameForAnyParallelism(PositiveInt parallelism, byte count, ulong first)
    {
        int p = 1 + (parallelism.Get % 6);
        int n = count % 40;
        ulong start = Math.Min(first, ulong.MaxValue - 64);
        List<(ulong, ulong)> sequential = Sweep(start, n, 1);
        List<(ulong, ulong)> parallel = Sweep(start, n, p, window: p + (count % 3));

        Assert.Equal(Enumerable.Range(0, n).Select(i => start + (ulong)i), sequential.Select(s => s.Item1));
        Assert.Equal(sequential, parallel);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Consume_AndProgress_RunOnTheCallersThread_InOrder(int parallelism)
    {
        int caller = Environment.CurrentManagedThreadId;
        var progress = new List<SweepProgress>();
        var threads = new HashSet<int>();
        var ran = new System.Collections.Concurrent.ConcurrentBag<int>();
        SeedSweep.Run(
            new SeedSweepOptions
            {
                FirstSeed = 10,
                Count = 12,
                Parallelism = parallelism,
                Progress = p => { threads.Add(Environment.CurrentManagedThreadId); progress.Add(p); },
            },
            seed => { ran.Add(Environment.CurrentManagedThreadId); return seed; },
            (seed, r) => { threads.Add(Environment.CurrentManagedThreadId); Assert.Equal(seed, r); }, TestContext.Current.CancellationToken);

        Assert.Equal([caller], threads);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => new SweepProgress(i, 12)), progress);
        // The caller runs seeds too while the next result is not ready; with it, at most Parallelism threads run seeds.
        Assert.InRange(ran.Distinct().Count(), 1, parallelism);
        Assert.True(parallelism > 1 || ran.All(t => t == caller));
    }

    /// <summary>
    /// The caller's thread runs seeds while the next result is not ready, so Parallelism P means P threads at work, not
    /// P worker threads plus a delivering thread that sleeps and wakes for every seed. Here every run off the caller's
    /// thread waits until a run has happened on it: with P worker threads and an idle caller the sweep would stall.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void TheCallersThread_RunsSeedsToo(int parallelism)
    {
        int caller = Environment.CurrentManagedThreadId;
        using var callerRan = new ManualResetEventSlim();
        int stalled = 0;
        var consumed = new List<ulong>();
        SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 1, Count = 4L * parallelism, Parallelism = parallelism },
            seed =>
            {
                if (Environment.CurrentManagedThreadId == caller)
                {
                    callerRan.Set();
                }
                else if (!callerRan.Wait(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken))
                {
                    Interlocked.Increment(ref stalled);
                }

                return seed;
            },
            (seed, _) => consumed.Add(seed),
            TestContext.Current.CancellationToken);

        Assert.Equal(0, stalled);
        Assert.True(callerRan.IsSet);
        Assert.Equal(Enumerable.Range(1, 4 * parallelism).Select(i => (ulong)i), consumed);
    }

    [Property(MaxTest = 20)]
    public void AFailingRun_SurfacesAtItsSeed_TheEarliestFailureWins(PositiveInt parallelism, byte a, byte b)
    {
        int p = 1 + (parallelism.Get % 5);
        ulong firstFailure = 1 + (ulong)(a % 30), secondFailure = 1 + (ulong)(b % 30);
        var consumed = new List<ulong>();
        var ex = Assert.Throws<InvalidOperationException>(() => SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 1, Count = 40, Parallelism = p },
            seed => seed == firstFailure || seed == secondFailure ? throw new InvalidOperationException("seed " + seed) : seed,
            (seed, _) => consumed.Add(seed), TestContext.Current.CancellationToken));

        ulong earliest = Math.Min(firstFailure, secondFailure);
        Assert.Equal("seed " + earliest, ex.Message);
        Assert.Equal(Enumerable.Range(1, (int)earliest - 1).Select(i => (ulong)i), consumed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ANodeFault_SurfacesAsSimulationFailureException_WithItsSeed(int parallelism)
    {
        var consumed = new List<ulong>();
        var ex = Assert.Throws<SimulationFailureException>(() => SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 100, Count = 10, Parallelism = parallelism },
            seed =>
            {
                var sim = new Simulation(new SimulationOptions { Seed = seed, ThrowOnNodeFault = true });
                sim.AddNode("n", () => new Scripted(onStart: _ => { if (seed >= 104) { throw new InvalidOperationException("boom"); } }));
                return sim.Run().Fingerprint;
            },
            (seed, _) => consumed.Add(seed), TestContext.Current.CancellationToken));

        Assert.Equal(104UL, ex.Seed);
        Assert.Equal([100UL, 101, 102, 103], consumed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Cancellation_StopsBeforeTheNextDelivery_AndThrows(int parallelism)
    {
        using var cts = new CancellationTokenSource();
        var consumed = new List<ulong>();
        Assert.ThrowsAny<OperationCanceledException>(() => SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 1, Count = 1000, Parallelism = parallelism },
            seed => seed,
            (seed, _) =>
            {
                consumed.Add(seed);
                if (seed == 5)
                {
                    cts.Cancel();
                }
            },
            cts.Token));

        Assert.Equal([1UL, 2, 3, 4, 5], consumed);
    }

    [Fact]
    public void ACancelledToken_RunsNothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int runs = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => SeedSweep.Run(
            new SeedSweepOptions { Count = 10, Parallelism = 2 }, seed => Interlocked.Increment(ref runs), (_, _) => { }, cts.Token));
        Assert.Equal(0, runs);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 9)]
    public void ASlowFirstSeed_DoesNotLetLaterResultsPileUpPastTheWindow(int parallelism, int window)
    {
        long delivered = 0;
        int started = 0;
        var violations = new System.Collections.Concurrent.ConcurrentBag<string>();
        SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 0, Count = 200, Parallelism = parallelism, ReorderWindow = window },
            seed =>
            {
                Interlocked.Increment(ref started);
                // A worker claims seed i only while i < delivered + window; the consumer's count lags by at most one.
                long seen = Interlocked.Read(ref delivered);
                if ((long)seed > seen + window)
                {
                    violations.Add($"seed {seed} started with {seen} delivered");
                }

                if (seed == 0)
                {
                    // The first seed is slow: it finishes only once the whole window has been claimed.
                    SpinWait.SpinUntil(() => Volatile.Read(ref started) >= window);
                }

                return seed;
            },
            (_, _) => Interlocked.Increment(ref delivered), TestContext.Current.CancellationToken);

        Assert.Empty(violations);
        Assert.Equal(200, delivered);
    }

    [Fact]
    public void AFinishedSimulation_CanBeReadOnTheCallersThread()
    {
        var fingerprints = new List<ulong>();
        SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 1, Count = 6, Parallelism = 3 },
            seed =>
            {
                var sim = new Simulation(new SimulationOptions { Seed = seed, Network = new FairLossLinkOptions { LossProbability = 0.3 } });
                sim.AddNode("a", () => new Sender(new NodeId(1), 20));
                sim.AddNode("b", () => new Receiver());
                sim.Run();
                return sim;
            },
            (_, sim) => fingerprints.Add(sim.Trace.Fingerprint), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(1, 6).Select(i => Fingerprint((ulong)i)), fingerprints);
    }

    [Fact]
    public void Aggregate_FoldsInSeedOrder_EvenWhenTheFoldIsNotCommutative()
    {
        string Chain(int p) => SeedSweep.Aggregate(
            new SeedSweepOptions { FirstSeed = 3, Count = 25, Parallelism = p }, Fingerprint, string.Empty, (acc, seed, f) => acc + seed + ":" + (f % 97) + ",", TestContext.Current.CancellationToken);

        Assert.Equal(Chain(1), Chain(4));
        Assert.StartsWith("3:", Chain(2), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10, 1, null, "Parallelism", 0)]
    [InlineData(-1, 10, 1, null, "Parallelism", -1)]
    [InlineData(2, -1, 1, null, "Count", -1L)]
    [InlineData(2, 3, ulong.MaxValue - 1, null, "Count", 3L)]
    [InlineData(4, 10, 1, 3, "ReorderWindow", 3)]
    public void BadOptions_AreRefused_NamingTheOptionAndValue(int parallelism, long count, ulong first, int? window, string name, object value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = first, Count = count, Parallelism = parallelism, ReorderWindow = window }, s => s, (_, _) => { }, TestContext.Current.CancellationToken));
        Assert.Equal(name, ex.ParamName);
        Assert.Equal(value, ex.ActualValue);
    }

    [Fact]
    public void TheLastSeed_MayBeTheLargest()
    {
        var seen = new List<ulong>();
        SeedSweep.Run(new SeedSweepOptions { FirstSeed = ulong.MaxValue - 2, Count = 3, Parallelism = 2 }, s => s, (s, _) => seen.Add(s), TestContext.Current.CancellationToken);
        Assert.Equal([ulong.MaxValue - 2, ulong.MaxValue - 1, ulong.MaxValue], seen);
    }
}
