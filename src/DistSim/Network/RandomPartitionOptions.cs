using DistSim.Timing;

namespace DistSim.Network;

/// <summary>The kinds of partition a random schedule may draw.</summary>
[Flags]
public enum PartitionKinds
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The nodes split into two random groups that cannot hear each other.</summary>
    Symmetric = 1,

    /// <summary>One random direction between two nodes is cut (A hears B, B does not hear A).</summary>
    Asymmetric = 2,

    /// <summary>One random node is cut off from everyone.</summary>
    IsolateOne = 4,

    /// <summary>All of them.</summary>
    All = Symmetric | Asymmetric | IsolateOne,
}

/// <summary>
/// Partitions drawn at random from the seed (stream <c>nemesis:partitions</c>): one at a time, starting
/// after an exponential wait of mean <see cref="MeanInterval"/>, each healed after a duration drawn from
/// <see cref="Duration"/>. Every partition is finite.
/// </summary>
public sealed record RandomPartitionOptions
{
    /// <summary>Mean wait between the end of one partition and the start of the next (> 0). Default 1 s.</summary>
    public TimeSpan MeanInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long each partition lasts. Default uniform between 100 ms and 1 s.</summary>
    public Delay Duration { get; init; } = Delay.Uniform(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    /// <summary>Which kinds may be drawn (not <see cref="PartitionKinds.None"/>). Default all.</summary>
    public PartitionKinds Kinds { get; init; } = PartitionKinds.All;

    /// <summary>No partition starts after this time from the start (so that a run can become quiet). Default 1 minute.</summary>
    public TimeSpan Until { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (MeanInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MeanInterval), MeanInterval, "must be > 0");
        }

        if (Duration is null)
        {
            throw new ArgumentNullException(nameof(Duration), "must be a delay distribution");
        }

        if (Kinds == PartitionKinds.None || (Kinds & ~PartitionKinds.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Kinds), Kinds, "must name at least one of Symmetric, Asymmetric, IsolateOne");
        }

        if (Until < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Until), Until, "must be >= 0");
        }
    }
}
