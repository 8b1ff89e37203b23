using System.Diagnostics;

namespace DistSim.Samples.Bench;

/// <summary>
/// Measures a workload: one warm-up round of each side (not counted), then <c>rounds</c> rounds alternating DistSim
/// and the bare loop, each side built untimed, then a full blocking collection, then only its run timed. Every DistSim
/// round must end with the same fingerprint, and every bare round with the same checksum: a determinism check for free.
/// </summary>
public static class BenchRunner
{
    /// <summary>The fewest rounds the bench reports a median of.</summary>
    public const int MinRounds = 5;

    /// <summary>Measures <paramref name="workload"/> over <paramref name="rounds"/> rounds of each side.</summary>
    /// <param name="workload">What to run.</param>
    /// <param name="rounds">Rounds of each side after the warm-up (at least <see cref="MinRounds"/>).</param>
    /// <exception cref="InvalidOperationException">A run did not do the requested work, or two rounds differ (determinism).</exception>
    public static BenchReport Measure(BenchWorkload workload, int rounds)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (rounds < MinRounds)
        {
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds, Invariant($"must be >= {MinRounds}"));
        }

        var distSim = new List<SideRound>(rounds);
        var bare = new List<SideRound>(rounds);
        RoundResult first = RunDistSim(workload);
        _ = RunBare(workload, out BareCounts firstCounts);
        for (int round = 0; round < rounds; round++)
        {
            RoundResult r = RunDistSim(workload);
            if (r.Result.Fingerprint != first.Result.Fingerprint || r.Result.Events != first.Result.Events)
            {
                throw new InvalidOperationException(Invariant(
                    $"bench {workload.Name}: round {round + 1} ended with fingerprint {r.Result.Fingerprint:x16} after {r.Result.Events} events, the warm-up with {first.Result.Fingerprint:x16} after {first.Result.Events}: the same seed ({workload.Seed}) must give the same run"));
            }

            distSim.Add(r.Side);
            bare.Add(RunBare(workload, out BareCounts counts));
            if (counts.EndTime != firstCounts.EndTime || counts.Pops != firstCounts.Pops)
            {
                throw new InvalidOperationException(Invariant(
                    $"bench {workload.Name}: the bare loop's round {round + 1} ended at tick {counts.EndTime} after {counts.Pops} pops, its warm-up at {firstCounts.EndTime} after {firstCounts.Pops}"));
            }
        }

        return new BenchReport(workload, first.Summary, first.Result, distSim, bare, firstCounts);
    }

    private static RoundResult RunDistSim(BenchWorkload workload)
    {
        long before = HeapBefore(workload);
        Simulation simulation = workload.Build();
        Settle();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2); // determinism-ok: measures the host, outside the simulation
        long allocated = GC.GetAllocatedBytesForCurrentThread(); // determinism-ok: measures the host
        long start = Stopwatch.GetTimestamp(); // determinism-ok: measures the host
        RunResult result = simulation.Run();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start); // determinism-ok: measures the host
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated; // determinism-ok: measures the host
        var gcs = new GcCounts(GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2); // determinism-ok: measures the host
        long memory = workload.MeasuresMemory ? GC.GetTotalMemory(forceFullCollection: true) - before : 0; // determinism-ok: measures the host
        GC.KeepAlive(simulation);
        workload.Check(simulation, result);
        return new RoundResult(Cli.RunSummary.Of(workload.Seed, simulation, result), result, new SideRound(elapsed, allocated, gcs, memory));
    }

    private static SideRound RunBare(BenchWorkload workload, out BareCounts counts)
    {
        long before = HeapBefore(workload);
        BareLoop loop = workload.CreateBare();
        Settle();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2); // determinism-ok: measures the host
        long allocated = GC.GetAllocatedBytesForCurrentThread(); // determinism-ok: measures the host
        long start = Stopwatch.GetTimestamp(); // determinism-ok: measures the host
        loop.Run();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start); // determinism-ok: measures the host
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated; // determinism-ok: measures the host
        var gcs = new GcCounts(GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2); // determinism-ok: measures the host
        long memory = workload.MeasuresMemory ? GC.GetTotalMemory(forceFullCollection: true) - before : 0; // determinism-ok: measures the host
        GC.KeepAlive(loop);
        counts = loop.Counts;
        return new SideRound(elapsed, allocated, gcs, memory);
    }

    /// <summary>For the idle workload, the managed heap after a full collection before a side is built; else 0.</summary>
    private static long HeapBefore(BenchWorkload workload) =>
        workload.MeasuresMemory ? GC.GetTotalMemory(forceFullCollection: true) : 0; // determinism-ok: measures the host

    /// <summary>
    /// A full blocking, compacting collection after a side is built and before it is timed: neither side pays for the
    /// other's garbage or its own set-up (a large array allocated while building would otherwise trigger a gen-2
    /// collection during the run).
    /// </summary>
    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true); // determinism-ok: prepares the host between rounds
        GC.WaitForPendingFinalizers(); // determinism-ok: prepares the host between rounds
    }

    private sealed record RoundResult(Cli.RunSummary Summary, RunResult Result, SideRound Side);
}

/// <summary>Collections during one timed run, per generation (a gen-1 collection counts in gen 0 too, as .NET counts them).</summary>
/// <param name="Gen0">Generation-0 collections.</param>
/// <param name="Gen1">Generation-1 collections.</param>
/// <param name="Gen2">Generation-2 collections.</param>
public readonly record struct GcCounts(int Gen0, int Gen1, int Gen2)
{
    /// <summary>The sum of two counts.</summary>
    /// <param name="a">One.</param>
    /// <param name="b">The other.</param>
    public static GcCounts operator +(GcCounts a, GcCounts b) => new(a.Gen0 + b.Gen0, a.Gen1 + b.Gen1, a.Gen2 + b.Gen2);
}

/// <summary>One timed run of one side.</summary>
/// <param name="Elapsed">Wall time of the run alone.</param>
/// <param name="AllocatedBytes">Bytes allocated on this thread during the run.</param>
/// <param name="Collections">Collections during the run.</param>
/// <param name="MemoryBytes">For the idle workload, managed heap growth from before building to after the run (full collection); else 0.</param>
public sealed record SideRound(TimeSpan Elapsed, long AllocatedBytes, GcCounts Collections, long MemoryBytes);
