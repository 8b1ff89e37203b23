using DistSim.Links;

namespace DistSim.Tests.Support;

/// <summary>Builders of small simulations used across tests.</summary>
public static class Sims
{
    public static Simulation Create(ulong seed, FairLossLinkOptions? network = null, bool record = true, ILink? link = null) =>
        new(new SimulationOptions
        {
            Seed = seed,
            Network = network ?? FairLossLinkOptions.Default,
            RecordTrace = record,
            Link = link ?? global::DistSim.Links.Links.FairLoss,
            TimeLimit = TimeSpan.FromDays(365),
        });

    /// <summary>A sends <paramref name="count"/> pings to B over <paramref name="network"/>; returns the finished simulation.</summary>
    public static (Simulation Sim, Receiver B) PingRun(ulong seed, int count, FairLossLinkOptions network, bool record = true, ILink? link = null)
    {
        Simulation sim = Create(seed, network, record, link);
        var b = new DistSim.Nodes.NodeId(1);
        sim.AddNode("A", () => new Sender(b, count));
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        return (sim, sim.GetNode<Receiver>(b));
    }
}
