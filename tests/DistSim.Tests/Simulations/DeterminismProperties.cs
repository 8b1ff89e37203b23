using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

public class DeterminismProperties
{
    private static readonly FairLossLinkOptions Lossy = new()
    {
        LossProbability = 0.2,
        DuplicateProbability = 0.1,
        Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5)),
    };

    /// <summary>Three nodes gossiping random pings with random timers: every random source is exercised.</summary>
    private static DistSim.Simulation Gossip(ulong seed)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, Network = Lossy, TimeLimit = TimeSpan.FromSeconds(2) });
        for (int i = 0; i < 3; i++)
        {
            sim.AddNode("g" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(c.Random.NextBelow(10))),
                onTimer: (c, _) =>
                {
                    c.Send(new NodeId((int)c.Random.NextBelow(3)), new Ping((int)c.Random.NextBelow(1000)));
                    c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(20)));
                }));
        }

        sim.Run();
        return sim;
    }

    [Property(MaxTest = 30)]
    public bool SameSeed_GivesIdenticalFingerprintAndJsonLines(ulong seed)
    {
        DistSim.Simulation a = Gossip(seed);
        DistSim.Simulation b = Gossip(seed);
        return a.Trace.Fingerprint == b.Trace.Fingerprint && a.Trace.ToJsonLines() == b.Trace.ToJsonLines() && a.Trace.Count > 100;
    }

    [Property(MaxTest = 30)]
    public bool DifferentSeeds_GiveDifferentTraces(ulong seed)
    {
        DistSim.Simulation a = Gossip(seed);
        DistSim.Simulation b = Gossip(unchecked(seed + 1));
        return a.Trace.Fingerprint != b.Trace.Fingerprint && a.Trace.ToJsonLines() != b.Trace.ToJsonLines();
    }

    [Property(MaxTest = 20)]
    public bool RecordingOff_KeepsTheFingerprint(ulong seed)
    {
        (DistSim.Simulation on, _) = Sims.PingRun(seed, 200, Lossy, record: true);
        (DistSim.Simulation off, _) = Sims.PingRun(seed, 200, Lossy, record: false);
        return on.Trace.Fingerprint == off.Trace.Fingerprint && off.Trace.Events.Count == 0 && on.Trace.Events.Count > 0;
    }

    [Fact]
    public void AddingANode_DoesNotChangeTheDrawsOfTheOthers()
    {
        static List<ulong> DrawsOfA(bool withExtra)
        {
            DistSim.Simulation sim = Sims.Create(99);
            if (withExtra)
            {
                sim.AddNode("extra", () => new Drawer(50));
            }

            NodeId a = sim.AddNode("A", () => new Drawer(50));
            sim.AddNode("B", () => new Drawer(50));
            sim.Run();
            return sim.GetNode<Drawer>(a).Draws;
        }

        Assert.Equal(DrawsOfA(false), DrawsOfA(true));
    }

    [Fact]
    public void AddingALink_DoesNotChangeTheFateOfMessagesOnOtherLinks()
    {
        static List<(TraceEventKind Kind, long Ticks)> FatesAtoB(bool withExtraTraffic)
        {
            DistSim.Simulation sim = Sims.Create(3, Lossy);
            NodeId a = new(0), b = new(1);
            sim.AddNode("A", () => new Sender(b, 300));
            sim.AddNode("B", () => new Receiver());
            sim.AddNode("C", () => withExtraTraffic ? new Sender(b, 300) : new Receiver());
            sim.Run();
            return sim.Trace.Events
                .Where(e => (e.Node == a && e.Peer == b) || (e.Node == b && e.Peer == a))
                .Select(e => (e.Kind, e.Time.Ticks))
                .ToList();
        }

        List<(TraceEventKind Kind, long Ticks)> alone = FatesAtoB(false);
        Assert.Equal(alone, FatesAtoB(true));
        Assert.Contains(alone, f => f.Kind == TraceEventKind.Drop);
        Assert.Contains(alone, f => f.Kind == TraceEventKind.Duplicate);
    }
}
