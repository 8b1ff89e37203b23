using DistSim.Links;
using DistSim.Timing;

namespace DistSim.Samples.Bench;

/// <summary>
/// The <c>ring</c> and <c>all-to-all</c> workloads: K ≥ 2 <see cref="RelayNode"/>s, each starting one token; every
/// delivery is followed by a send to the receiver's next node (ring, node i → i+1 mod K) or to a uniformly random peer
/// other than itself (all-to-all), D messages in all, so exactly D deliveries. The network loses and duplicates
/// nothing and delays each packet by an exponential delay of mean 1 ms; the link is fair-loss, reliable or
/// authenticated (default options).
/// </summary>
/// <param name="allToAll">True for random peers, false for the ring.</param>
/// <param name="link">The link.</param>
/// <param name="nodes">K (at least 2).</param>
/// <param name="deliveries">D.</param>
/// <param name="seed">The master seed.</param>
public sealed class MessageWorkload(bool allToAll, BenchLink link, int nodes, long deliveries, ulong seed)
    : BenchWorkload(RequireTwo(nodes), deliveries, seed)
{
    /// <summary>The network of the message workloads: no loss, no duplication, exponential delays of mean 1 ms.</summary>
    public static FairLossLinkOptions Network { get; } = new() { Delay = Delay.Exponential(MeanDelay) };

    /// <summary>True for random peers, false for the ring.</summary>
    public bool AllToAll => allToAll;

    /// <summary>The link.</summary>
    public BenchLink Link => link;

    /// <inheritdoc />
    public override string Name => allToAll ? "all-to-all" : "ring";

    /// <inheritdoc />
    public override string? LinkName => BenchLinks.Name(link);

    /// <inheritdoc />
    public override string Unit => "deliveries";

    /// <inheritdoc />
    public override Simulation Build()
    {
        var simulation = new Simulation(Options(Seed) with { Network = Network, Link = BenchLinks.Create(link) });
        var budget = new SendBudget(Count);
        int k = Nodes;
        for (int i = 0; i < k; i++)
        {
            int next = allToAll ? -1 : (i + 1) % k;
            simulation.AddNode(NodeName(i), () => new RelayNode(budget, next, k));
        }

        return simulation;
    }

    /// <inheritdoc />
    public override void Check(Simulation simulation, RunResult result)
    {
        Require("deliveries", Count, result.Outcome == RunOutcome.Quiescent ? simulation.Messages.Delivered : -1, result);
    }

    /// <inheritdoc />
    public override BareLoop CreateBare() => link == BenchLink.FairLoss
        ? new BareFairLoss(allToAll, Nodes, Count, Seed)
        : new BareReliable(allToAll, link == BenchLink.Authenticated, Nodes, Count, Seed);

    private static int RequireTwo(int nodes) => nodes >= 2
        ? nodes
        : throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "ring and all-to-all need at least 2 nodes (a node does not send to itself)");
}
