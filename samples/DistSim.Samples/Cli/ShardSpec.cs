using System.Globalization;

namespace DistSim.Samples.Cli;

/// <summary>
/// <c>--shard i/n</c>: the <paramref name="Index"/>-th of <paramref name="Count"/> contiguous slices of a sweep's runs
/// (0-based). Slice <c>i</c> of a sweep of <c>N</c> runs is runs <c>⌊i·N/n⌋</c> to <c>⌊(i+1)·N/n⌋ − 1</c>, so the slices
/// cover every run exactly once, in seed order, and differ in size by at most one.
/// </summary>
/// <param name="Index">Which slice, in [0, <paramref name="Count"/>).</param>
/// <param name="Count">How many slices.</param>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The most slices a sweep may be cut into.</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>Parses <c>i/n</c>; a usage error naming <c>--shard</c> and the value otherwise.</summary>
    public static ShardSpec Parse(string value)
    {
        string[] parts = value.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new UsageException($"--shard: '{value}' is not i/n (slice i of n, counted from 0, e.g. 0/4)");
        }

        if (count < 1 || count > MaxCount)
        {
            throw new UsageException(Invariant($"--shard: '{value}': n must be in [1, {MaxCount}]"));
        }

        if (index >= count)
        {
            throw new UsageException(Invariant($"--shard: '{value}': i must be in [0, {count - 1}] (slices are counted from 0)"));
        }

        return new ShardSpec(index, count);
    }

    /// <summary>The first run of this slice (0-based) in a sweep of <paramref name="runs"/> runs.</summary>
    public long Start(long runs) => runs * Index / Count;

    /// <summary>How many runs this slice has in a sweep of <paramref name="runs"/> runs.</summary>
    public long Length(long runs) => (runs * (Index + 1) / Count) - Start(runs);

    /// <inheritdoc />
    public override string ToString() => Invariant($"{Index}/{Count}");
}
