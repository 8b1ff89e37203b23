namespace DistSim.Samples.Bench;

/// <summary>A bare loop's queue key: (time in ticks, insertion sequence), compared directly; as cheap as a key can be.</summary>
/// <param name="time">The virtual time, in ticks.</param>
/// <param name="sequence">The insertion sequence (FIFO among equal times, as DistSim's queue).</param>
public readonly struct BareKey(long time, long sequence) : IComparable<BareKey>
{
    /// <summary>The virtual time, in ticks.</summary>
    public long Time { get; } = time;

    /// <summary>The insertion sequence.</summary>
    public long Sequence { get; } = sequence;

    /// <inheritdoc />
    public int CompareTo(BareKey other)
    {
        int c = Time.CompareTo(other.Time);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }
}
