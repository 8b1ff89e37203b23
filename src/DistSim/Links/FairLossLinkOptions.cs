using DistSim.Timing;

namespace DistSim.Links;

/// <summary>
/// Behaviour of the fair-loss link between one ordered pair of nodes (or, as
/// <see cref="SimulationOptions.Network"/>, the default for every pair): each message is lost with
/// <see cref="LossProbability"/>; a message that is not lost is duplicated with
/// <see cref="DuplicateProbability"/>; every packet gets its own delay from <see cref="Delay"/>, so
/// packets can overtake each other. The link never invents a message.
/// </summary>
/// <remarks>Immutable; validated when handed to a simulation. See <c>docs/concepts/network.md</c>.</remarks>
public sealed record FairLossLinkOptions
{
    /// <summary>A perfect network: no loss, no duplication, a constant 1 ms delay.</summary>
    public static FairLossLinkOptions Default { get; } = new();

    /// <summary>Probability in [0, 1] that a message is lost. Default 0.</summary>
    public double LossProbability { get; init; }

    /// <summary>Probability in [0, 1] that a message that was not lost arrives twice. Default 0.</summary>
    public double DuplicateProbability { get; init; }

    /// <summary>Distribution of each packet's delay. Default: a constant 1 ms.</summary>
    public Delay Delay { get; init; } = Delay.Constant(TimeSpan.FromMilliseconds(1));

    /// <summary>
    /// At most this many packets in flight on this path at once; a packet beyond it is dropped (cause
    /// <c>capacity</c>). Null (the default) for no bound.
    /// </summary>
    public int? Capacity { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (!(LossProbability >= 0 && LossProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LossProbability), LossProbability, "must be in [0, 1]");
        }

        if (!(DuplicateProbability >= 0 && DuplicateProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DuplicateProbability), DuplicateProbability, "must be in [0, 1]");
        }

        if (Capacity is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "must be >= 1 (or null for no bound)");
        }

        if (Delay is null)
        {
            throw new ArgumentNullException(nameof(Delay), "must be a delay distribution");
        }
    }
}
