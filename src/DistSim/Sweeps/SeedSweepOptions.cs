namespace DistSim.Sweeps;

/// <summary>
/// What a <see cref="SeedSweep"/> runs: <see cref="Count"/> seeds from <see cref="FirstSeed"/>, on
/// <see cref="Parallelism"/> threads, holding at most <see cref="ReorderWindow"/> finished results that wait for an
/// earlier seed. Validated by <see cref="Validate"/> (which <see cref="SeedSweep.Run{TResult}"/> calls first).
/// </summary>
/// <remarks>See <c>docs/concepts/sweeps.md</c>.</remarks>
public sealed record SeedSweepOptions
{
    /// <summary>The first seed; the sweep runs <see cref="FirstSeed"/>, <see cref="FirstSeed"/> + 1, … Default 1.</summary>
    public ulong FirstSeed { get; init; } = 1;

    /// <summary>How many seeds to run; 0 runs none. Must be ≥ 0, and the last seed must not pass <see cref="ulong.MaxValue"/>.</summary>
    public long Count { get; init; }

    /// <summary>
    /// How many runs go at once, each on its own thread (≥ 1): the caller's thread, which also delivers the results, and
    /// this many − 1 worker threads. 1 runs every seed on the caller's thread, one after the other. Default: the number
    /// of processors. Results are the same for every value.
    /// </summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount; // determinism-ok: how many threads, never what a run computes

    /// <summary>
    /// The most finished results that may wait for an earlier seed before the workers pause (≥ <see cref="Parallelism"/>);
    /// null (the default) for twice <see cref="Parallelism"/>. A slow early seed therefore cannot make later results pile
    /// up: memory is bounded by this many results, whatever <see cref="Count"/> is.
    /// </summary>
    public int? ReorderWindow { get; init; }

    /// <summary>
    /// Called on the caller's thread after each result has been delivered (so in seed order, never concurrently with
    /// the consumer), with the runs delivered so far and the total. Null for none.
    /// </summary>
    public Action<SweepProgress>? Progress { get; init; }

    /// <summary>The reorder window in effect: <see cref="ReorderWindow"/>, or twice <see cref="Parallelism"/>.</summary>
    public int EffectiveReorderWindow => ReorderWindow ?? (int)Math.Min(int.MaxValue, 2L * Parallelism);

    /// <summary>The last seed of the sweep (meaningful when <see cref="Count"/> &gt; 0).</summary>
    public ulong LastSeed => FirstSeed + (ulong)Math.Max(0, Count - 1);

    /// <summary>
    /// Throws an <see cref="ArgumentOutOfRangeException"/> naming the option and its value when one is out of range:
    /// <see cref="Count"/> &lt; 0, a seed range past <see cref="ulong.MaxValue"/>, <see cref="Parallelism"/> &lt; 1, or
    /// <see cref="ReorderWindow"/> below <see cref="Parallelism"/>.
    /// </summary>
    public void Validate()
    {
        if (Count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, "must be >= 0");
        }

        if (Count > 0 && FirstSeed > ulong.MaxValue - (ulong)(Count - 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Count), Count, $"{Count} seeds from FirstSeed {FirstSeed} would pass the largest seed, {ulong.MaxValue}; use FirstSeed <= {ulong.MaxValue - (ulong)(Count - 1)} or a smaller Count");
        }

        if (Parallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "must be >= 1");
        }

        if (ReorderWindow is { } window && window < Parallelism)
        {
            throw new ArgumentOutOfRangeException(nameof(ReorderWindow), window, $"must be >= Parallelism ({Parallelism}), or null for twice Parallelism");
        }
    }
}
