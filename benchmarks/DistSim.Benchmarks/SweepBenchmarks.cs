using BenchmarkDotNet.Attributes;
using DistSim.Samples.Bench;
using DistSim.Sweeps;

namespace DistSim.Benchmarks;

/// <summary>
/// A seed sweep through <see cref="SeedSweep"/> on one and on two threads: 8 runs of the <c>timers</c> workload
/// (100 nodes, 200,000 events each), folded into one value in seed order. The ratio of the two rows is the sweep's
/// speed-up on this machine for a CPU-bound run (the goal: ≥ 1.8 on 2 cores); the fold's result is the same for both.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private const int Runs = 8;

    /// <summary>Threads running seeds at once.</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    /// <summary>The sweep: every run's fingerprint, XORed in seed order.</summary>
    [Benchmark(OperationsPerInvoke = Runs)]
    public ulong Sweep() => SeedSweep.Aggregate(
        new SeedSweepOptions { FirstSeed = 1, Count = Runs, Parallelism = Parallelism },
        seed => new TimerWorkload(100, 200_000, seed).Build().Run().Fingerprint,
        0UL,
        (all, _, fingerprint) => all ^ fingerprint);
}
