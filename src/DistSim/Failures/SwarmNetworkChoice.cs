using DistSim.Links;
using DistSim.Random;
using DistSim.Timing;

namespace DistSim.Failures;

/// <summary>What <see cref="NemesisOptions.SwarmNetwork"/> draws: the network's loss, duplication and delay distribution for one run.</summary>
internal static class SwarmNetworkChoice
{
    /// <summary>The most loss the swarm picks.</summary>
    public const double MaxLoss = 0.3;

    /// <summary>The most duplication the swarm picks.</summary>
    public const double MaxDuplicate = 0.1;

    public static FairLossLinkOptions Draw(FairLossLinkOptions configured, RandomStream stream)
    {
        // A fixed number of draws whatever is chosen, so that each choice is a function of its own draws.
        bool lossOn = stream.NextBelow(2) == 1;
        double loss = stream.NextUnitDouble() * MaxLoss;
        bool duplicateOn = stream.NextBelow(2) == 1;
        double duplicate = stream.NextUnitDouble() * MaxDuplicate;
        ulong shape = stream.NextBelow(3);
        double factor = Math.Pow(4, (stream.NextUnitDouble() * 2) - 1); // 1/4 … 4, log-uniform
        double ticks = configured.Delay.Mean.Ticks * factor; // a heavy tail's mean may be huge: keep the chosen one within a day
        TimeSpan mean = TimeSpan.FromTicks((long)Math.Clamp(double.IsFinite(ticks) ? ticks : double.MaxValue, 1, TimeSpan.TicksPerDay));
        Delay delay = shape switch
        {
            0 => configured.Delay,
            1 => Delay.Exponential(mean),
            _ => Delay.Uniform(TimeSpan.Zero, mean * 2),
        };
        return configured with
        {
            LossProbability = lossOn ? loss : 0,
            DuplicateProbability = duplicateOn ? duplicate : 0,
            Delay = delay,
        };
    }
}
