using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

/// <summary>The compact pair table: found by (from, to) whatever the shape, counters exact past 32 bits.</summary>
public class PairTableTests
{
    [Property(MaxTest = 40)]
    public bool FindsEveryPairItAdded_AndNoOther(ulong seed, PositiveInt count)
    {
        var random = new DistSim.Random.RandomStream(seed);
        var table = new PairTable();
        var added = new Dictionary<(int, int), int>();
        int n = 1 + (count.Get % 5000);
        for (int i = 0; i < n; i++)
        {
            // Shapes that defeat weak hashes: rings (from ^ to small), stars, random pairs over a small range, and ends that
            // differ only in their high bits (the tag a bucket keeps must tell those apart, or the state must).
            (int from, int to) = (random.NextBelow(5)) switch
            {
                0 => (i, i + 1),
                1 => (0, i),
                2 => (i << 16, 5),
                3 => (3, int.MaxValue - (i << 12)),
                _ => ((int)random.NextBelow(200), (int)random.NextBelow(200)),
            };
            if (added.ContainsKey((from, to)))
            {
                if (table.Find(from, to) != added[(from, to)])
                {
                    return false;
                }

                continue;
            }

            if (table.Find(from, to) != -1)
            {
                return false;
            }

            int index = table.Add(from, to, (ulong)i);
            added[(from, to)] = index;
            table[index].Sent = (uint)index + 1; // state written now must survive the table's growth (the first chunk grows by copying)
        }

        return added.All(p => table.Find(p.Key.Item1, p.Key.Item2) == p.Value && table[p.Value].From == p.Key.Item1 && table[p.Value].To == p.Key.Item2
                && table[p.Value].Sent == (uint)p.Value + 1)
            && table.Find(-5, 7) == -1 && table.Count == added.Count;
    }

    [Fact]
    public void APairsInlineState_HoldsNoReference_SoTheCollectorNeverScansTheTable()
    {
        Assert.False(System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<PairState>());
        Assert.True(System.Runtime.CompilerServices.Unsafe.SizeOf<PairState>() <= 56, "a pair's inline state grew past 56 bytes");
    }

    [Fact]
    public void FairLossCounters_CarryPastThirtyTwoBits()
    {
        DistSim.Simulation sim = Sims.Create(1);
        var a = new NodeId(0);
        var b = new NodeId(1);
        sim.AddNode("A", () => new Sender(b, 3));
        sim.AddNode("B", () => new Receiver());
        int pair = sim.Network.PairIndex(0, 1);
        sim.Network.Pairs[pair].Sent = uint.MaxValue - 1; // as if 2^32 − 2 messages had been sent and delivered
        sim.Network.Pairs[pair].Delivered = uint.MaxValue - 1;

        sim.Run();

        LinkCounters counters = sim.Network.Session(a, b).Counters;
        Assert.Equal(uint.MaxValue + 2L, counters.Sent);
        Assert.Equal(uint.MaxValue + 2L, counters.Delivered);
        Assert.Equal(3, sim.GetNode<Receiver>(b).Received.Count);
    }

    [Fact]
    public void SetFairLoss_OnAPairInUse_AppliesToItsNextPackets()
    {
        DistSim.Simulation sim = Sims.Create(1);
        var b = new NodeId(1);
        sim.AddNode("A", () => new Sender(b, 10, TimeSpan.FromSeconds(1)));
        sim.AddNode("B", () => new Receiver());
        sim.RunUntil(SimTime.FromSeconds(4.5)); // the pair exists and carried messages

        sim.Network.SetFairLoss(new NodeId(0), b, new FairLossLinkOptions { LossProbability = 1 });
        sim.Run();

        int received = sim.GetNode<Receiver>(b).Received.Count;
        Assert.InRange(received, 4, 6); // those sent before the change (delay default), none after
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Loss);
    }

    [Fact]
    public void SetLink_AfterThePairCarriedAMessage_IsRefused_BeforeIsApplied()
    {
        DistSim.Simulation sim = Sims.Create(1);
        var a = new NodeId(0);
        var b = new NodeId(1);
        sim.AddNode("A", () => new Sender(b, 1));
        sim.AddNode("B", () => new Receiver());
        sim.Network.SetLink(b, a, global::DistSim.Links.Links.Reliable()); // no traffic yet: applied
        sim.Run();

        var ex = Assert.Throws<InvalidOperationException>(() => sim.Network.SetLink(a, b, global::DistSim.Links.Links.Reliable()));
        Assert.Contains("A->B", ex.Message, StringComparison.Ordinal);
        Assert.Equal("reliable", sim.Network.GetLink(b, a).Name);
        Assert.Equal("fair-loss", sim.Network.GetLink(a, b).Name);
    }
}
