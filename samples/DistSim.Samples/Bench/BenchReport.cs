using DistSim.Samples.Cli;

namespace DistSim.Samples.Bench;

/// <summary>The figures of one bench: each side's rounds, their medians, the ratios, allocation, collections and memory.</summary>
/// <param name="Workload">What ran.</param>
/// <param name="Summary">The common fields of the DistSim run (the same in every round).</param>
/// <param name="Result">The DistSim run's result (the same in every round).</param>
/// <param name="DistSimRounds">DistSim's timed rounds, in order.</param>
/// <param name="BareRounds">The bare loop's timed rounds, in order (round i ran just after DistSim's round i).</param>
/// <param name="BareCounts">What the bare loop did (the same in every round).</param>
public sealed record BenchReport(
    BenchWorkload Workload, RunSummary Summary, RunResult Result, IReadOnlyList<SideRound> DistSimRounds, IReadOnlyList<SideRound> BareRounds, BareCounts BareCounts)
{
    /// <summary>DistSim's rate in each round, in <see cref="BenchWorkload.Unit"/> per second.</summary>
    public IReadOnlyList<double> DistSimRates => DistSimRounds.Select(Rate).ToList();

    /// <summary>The bare loop's rate in each round.</summary>
    public IReadOnlyList<double> BareRates => BareRounds.Select(Rate).ToList();

    /// <summary>DistSim's median rate.</summary>
    public double DistSimRate => Median(DistSimRates);

    /// <summary>The bare loop's median rate.</summary>
    public double BareRate => Median(BareRates);

    /// <summary>
    /// DistSim's throughput as a fraction of the bare loop's: the median of the round pairs' ratios (each pair ran back
    /// to back, so a drift of the machine or of the JIT's tiering over the rounds cancels within a pair; the ratio of
    /// the two medians would pair a slow round of one side with a fast round of the other).
    /// </summary>
    public double Ratio => Median(RoundRatios);

    /// <summary>The ratio of each round pair (DistSim round i over bare round i): the noise.</summary>
    public IReadOnlyList<double> RoundRatios => DistSimRates.Zip(BareRates, (d, b) => d / b).ToList();

    /// <summary>DistSim's median bytes allocated per unit (the nodes' creation at start included).</summary>
    public double DistSimBytesPerUnit => Median(DistSimRounds.Select(r => (double)r.AllocatedBytes / Workload.Count).ToList());

    /// <summary>The bare loop's median bytes allocated per unit (its tokens and queue growth included).</summary>
    public double BareBytesPerUnit => Median(BareRounds.Select(r => (double)r.AllocatedBytes / Workload.Count).ToList());

    /// <summary>Collections during DistSim's timed rounds, summed.</summary>
    public GcCounts DistSimCollections => DistSimRounds.Aggregate(default(GcCounts), (a, r) => a + r.Collections);

    /// <summary>Collections during the bare loop's timed rounds, summed.</summary>
    public GcCounts BareCollections => BareRounds.Aggregate(default(GcCounts), (a, r) => a + r.Collections);

    /// <summary>The idle workload's median managed memory per node in DistSim, in bytes; null for the other workloads.</summary>
    public double? DistSimBytesPerNode => Workload.MeasuresMemory ? Median(DistSimRounds.Select(r => (double)r.MemoryBytes / Workload.Nodes).ToList()) : null;

    /// <summary>The idle workload's median managed memory per node in the bare loop; null for the other workloads.</summary>
    public double? BareBytesPerNode => Workload.MeasuresMemory ? Median(BareRounds.Select(r => (double)r.MemoryBytes / Workload.Nodes).ToList()) : null;

    /// <summary>The median of <paramref name="values"/> (the mean of the two middle ones for an even count).</summary>
    /// <param name="values">At least one value.</param>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private double Rate(SideRound round) => Workload.Count / Math.Max(round.Elapsed.TotalSeconds, 1e-9);
}
