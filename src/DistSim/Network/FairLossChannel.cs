using DistSim.Links;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>What the fair-loss network does with one message.</summary>
internal enum PacketFate : byte
{
    Lost,
    Once,
    Twice,
}

/// <summary>
/// The fair-loss behaviour of one ordered pair: it decides each message's fate and each packet's
/// delay from the pair's own stream (<c>link:&lt;from&gt;-&gt;&lt;to&gt;</c>).
/// </summary>
internal sealed class FairLossChannel(RandomStream stream, FairLossLinkOptions options)
{
    private Chance _loss = new(options.LossProbability);
    private Chance _duplicate = new(options.DuplicateProbability);

    public FairLossLinkOptions Options { get; private set; } = options;

    public RandomStream Stream { get; } = stream;

    public void Reconfigure(FairLossLinkOptions options)
    {
        Options = options;
        _loss = new Chance(options.LossProbability);
        _duplicate = new Chance(options.DuplicateProbability);
    }

    /// <summary>Always exactly two draws: one for loss, one for duplication.</summary>
    public PacketFate Decide()
    {
        bool lost = _loss.Happens(Stream);
        bool twice = _duplicate.Happens(Stream);
        return lost ? PacketFate.Lost : twice ? PacketFate.Twice : PacketFate.Once;
    }

    /// <summary>One draw.</summary>
    public long SampleDelayTicks() => Options.Delay.SampleTicks(Stream);
}
