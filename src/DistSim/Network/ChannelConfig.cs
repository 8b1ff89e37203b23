using DistSim.Links;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>What the fair-loss network does with one packet.</summary>
internal enum PacketFate : byte
{
    Lost,
    Once,
    Twice,
}

/// <summary>
/// One fair-loss behaviour (<see cref="FairLossLinkOptions"/>) ready for the hot path: its probabilities as integer
/// thresholds. Shared by every pair that uses it; the draws come from each pair's own stream
/// (<see cref="PairState.Channel"/>), so pairs never shift each other's draws.
/// </summary>
internal sealed class ChannelConfig(FairLossLinkOptions options)
{
    private readonly Chance _loss = new(options.LossProbability);
    private readonly Chance _duplicate = new(options.DuplicateProbability);

    public FairLossLinkOptions Options { get; } = options;

    /// <summary>The most packets in flight on a path (null: unbounded).</summary>
    public int? Capacity { get; } = options.Capacity;

    /// <summary>Always exactly two draws: one for loss, one for duplication.</summary>
    public PacketFate Decide(ref Xoshiro256 stream)
    {
        bool lost = _loss.Happens(ref stream);
        bool twice = _duplicate.Happens(ref stream);
        return lost ? PacketFate.Lost : twice ? PacketFate.Twice : PacketFate.Once;
    }

    /// <summary>One draw.</summary>
    public long SampleDelayTicks(ref Xoshiro256 stream) => Options.Delay.SampleTicks(ref stream);
}
