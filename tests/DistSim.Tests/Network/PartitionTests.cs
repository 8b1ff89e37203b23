using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

public class PartitionTests
{
    private static readonly NodeId A = new(0), B = new(1), C = new(2);

    /// <summary>Every node sends a ping to every other node every 10 ms; each delivery is checked against the cut state.</summary>
    private static (DistSim.Simulation Sim, List<string> Violations) Chatter(ulong seed, RandomPartitionOptions? partitions, int nodes = 4)
    {
        var violations = new List<string>();
        DistSim.Simulation sim = null!;
        sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Partitions = partitions,
            TimeLimit = TimeSpan.FromSeconds(20),
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(40)) },
        });
        for (int i = 0; i < nodes; i++)
        {
            sim.AddNode("n" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10)),
                onTimer: (c, _) =>
                {
                    foreach (NodeId peer in c.Nodes.Where(p => p != c.Id))
                    {
                        c.Send(peer, new Ping(0));
                    }

                    if (c.LocalNow < SimTime.FromSeconds(15))
                    {
                        c.SetTimer(TimeSpan.FromMilliseconds(10));
                    }
                },
                onMessage: (c, from, _) =>
                {
                    if (sim.Network.IsCut(from, c.Id))
                    {
                        violations.Add($"{from}->{c.Id} at {c.LocalNow}");
                    }
                }));
        }

        sim.Run();
        return (sim, violations);
    }

    [Property(MaxTest = 10)]
    public bool RandomPartitions_NoMessageCrossesACutWhileItHolds(ulong seed)
    {
        (DistSim.Simulation sim, List<string> violations) = Chatter(seed, new RandomPartitionOptions
        {
            MeanInterval = TimeSpan.FromMilliseconds(500),
            Until = TimeSpan.FromSeconds(12),
        });
        return violations.Count == 0
            && sim.Trace.Events.Any(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Partition)
            && sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Partition) == sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Heal);
    }

    [Fact]
    public void RandomPartitions_DrawEveryKind_AndHealEachOne()
    {
        (DistSim.Simulation sim, _) = Chatter(5, new RandomPartitionOptions { MeanInterval = TimeSpan.FromMilliseconds(200), Until = TimeSpan.FromSeconds(14) });
        var descriptions = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Partition).Select(e => (string)e.Payload!).ToList();

        Assert.Contains(descriptions, d => d.StartsWith("partition ", StringComparison.Ordinal));
        Assert.Contains(descriptions, d => d.StartsWith("cut ", StringComparison.Ordinal));
        Assert.Contains(descriptions, d => d.StartsWith("isolate ", StringComparison.Ordinal));
        Assert.Equal(descriptions.Count, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Heal));
        Assert.False(sim.Network.IsCut(A, B)); // finite: healed at the end
    }

    [Fact]
    public void RandomPartitions_AreAFunctionOfTheSeed()
    {
        var options = new RandomPartitionOptions { MeanInterval = TimeSpan.FromMilliseconds(300), Until = TimeSpan.FromSeconds(10) };
        Assert.Equal(Chatter(9, options).Sim.Trace.Fingerprint, Chatter(9, options).Sim.Trace.Fingerprint);
        Assert.NotEqual(Chatter(9, options).Sim.Trace.Fingerprint, Chatter(10, options).Sim.Trace.Fingerprint);
    }

    [Fact]
    public void OneWayCut_IsOneWay()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Sender(B, 10, TimeSpan.FromMilliseconds(10)));
        sim.AddNode("B", () => new Sender(A, 10, TimeSpan.FromMilliseconds(10)));
        sim.Network.Cut(A, B);
        sim.Run();

        Assert.Equal(10, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Partition && e.Node == A && e.Peer == B));
        Assert.Equal(10, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Node == A)); // A still hears B
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Deliver && e.Node == B);
    }

    [Fact]
    public void ScriptedPartition_HoldsBetweenItsTimes_AndTheReliableLinkRecoversAfterTheHeal()
    {
        DistSim.Simulation sim = Sims.Create(1, link: global::DistSim.Links.Links.Reliable());
        sim.AddNode("A", () => new Sender(B, 100, TimeSpan.FromMilliseconds(10)));
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());
        sim.At(SimTime.FromSeconds(0.2), () => sim.Network.Partition([A, C], [B]));
        sim.At(SimTime.FromSeconds(0.6), () => sim.Network.Heal());
        sim.Run();

        var deliveries = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver && e.Node == B).ToList();
        Assert.DoesNotContain(deliveries, d => d.Time >= SimTime.FromSeconds(0.2) && d.Time < SimTime.FromSeconds(0.6));
        Assert.Equal(100, deliveries.Count); // all of them, after the heal, by retransmission
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Partition);
    }

    [Fact]
    public void PacketOnTheWire_WhenThePathIsCut_IsLost()
    {
        DistSim.Simulation sim = Sims.Create(1, new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromSeconds(1)) });
        sim.AddNode("A", () => new Sender(B, 1));
        sim.AddNode("B", () => new Receiver());
        sim.At(SimTime.FromSeconds(0.3), () => sim.Network.Isolate(B));
        sim.At(SimTime.FromSeconds(0.6), () => sim.Network.Heal());
        sim.Run();

        Assert.Empty(sim.GetNode<Receiver>(B).Received); // sent before the cut, arriving after the heal: still lost
        TraceEvent drop = Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop);
        Assert.Equal(DropCause.Partition, drop.Cause);
        Assert.Equal(SimTime.FromSeconds(1), drop.Time);
    }

    [Fact]
    public void Partition_AtScale_WithoutAKeptTrace_DoesNotDescribeEveryNode()
    {
        // The description names every node of every group (megabytes a change at a million nodes): made only for a kept trace.
        const int K = 200_000;
        (long Allocated, DistSim.Simulation Sim) Split(bool record)
        {
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, RecordTrace = record });
            var nodes = new NodeId[K];
            for (int i = 0; i < K; i++)
            {
                nodes[i] = sim.AddNode("n" + i, () => new Receiver());
            }

            NodeId[] left = nodes[..(K / 2)], right = nodes[(K / 2)..];
            long before = GC.GetAllocatedBytesForCurrentThread(); // determinism-ok: measures the host, outside any run
            sim.Network.Partition(left, right);
            return (GC.GetAllocatedBytesForCurrentThread() - before, sim); // determinism-ok: as above
        }

        (long quiet, DistSim.Simulation unrecorded) = Split(record: false);
        (long described, DistSim.Simulation recorded) = Split(record: true);

        Assert.True(quiet < 1_500_000, $"{quiet:N0} bytes allocated by one partition of {K:N0} nodes without a kept trace"); // the group table: 800 KB
        Assert.True(described > quiet + 2_000_000, $"{described:N0} bytes with the trace kept"); // the names: about 2.8 MB of text
        string description = (string)Assert.Single(recorded.Trace.Events, e => e.Kind == TraceEventKind.Partition).Payload!;
        Assert.StartsWith("partition n0,n1,", description, StringComparison.Ordinal);
        Assert.EndsWith(",n199999", description, StringComparison.Ordinal);
        Assert.Equal(recorded.Trace.Fingerprint, unrecorded.Trace.Fingerprint);
        Assert.True(unrecorded.Network.IsCut(new NodeId(0), new NodeId(K - 1)));
        Assert.False(unrecorded.Network.IsCut(new NodeId(K / 2), new NodeId(K - 1)));
    }

    [Fact]
    public void Partition_ANodeTwiceInOneGroup_IsRefusedBeforeAnythingChanges()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Receiver());
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());

        var ex = Assert.Throws<ArgumentException>(() => sim.Network.Partition([A, B, A], [C]));
        Assert.Contains("node A is in more than one group", ex.Message, StringComparison.Ordinal);
        Assert.Equal("groups", ex.ParamName);
        Assert.False(sim.Network.IsCut(A, C)); // refused whole: no epoch began
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Partition);
    }

    [Fact]
    public void Partition_RejectsANodeInTwoGroups()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Receiver());
        sim.AddNode("B", () => new Receiver());
        var ex = Assert.Throws<ArgumentException>(() => sim.Network.Partition([A], [A, B]));
        Assert.Equal("groups", ex.ParamName);
    }

    [Fact]
    public void Capacity_DropsPacketsBeyondIt()
    {
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(1, 20, new FairLossLinkOptions { Capacity = 5 });

        Assert.Equal(5, b.Received.Count);
        Assert.Equal(15, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Capacity));
    }

    [Fact]
    public void Capacity_FreesUpAsPacketsArrive()
    {
        DistSim.Simulation sim = Sims.Create(1, new FairLossLinkOptions { Capacity = 1, Delay = Delay.Constant(TimeSpan.FromMilliseconds(5)) });
        sim.AddNode("A", () => new Sender(B, 10, TimeSpan.FromMilliseconds(10)));
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        Assert.Equal(10, sim.GetNode<Receiver>(B).Received.Count);
    }

    [Theory]
    [InlineData("MeanInterval")]
    [InlineData("Kinds")]
    [InlineData("Until")]
    public void InvalidRandomPartitions_AreRejectedNamingTheOption(string parameter)
    {
        RandomPartitionOptions bad = parameter switch
        {
            "MeanInterval" => new() { MeanInterval = TimeSpan.Zero },
            "Kinds" => new() { Kinds = PartitionKinds.None },
            _ => new() { Until = TimeSpan.FromSeconds(-1) },
        };
        var ex = Assert.ThrowsAny<ArgumentException>(() => new DistSim.Simulation(new SimulationOptions { Seed = 1, Partitions = bad }));
        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void InvalidCapacity_IsRejected() =>
        Assert.Equal("Capacity", Assert.ThrowsAny<ArgumentException>(() =>
            new DistSim.Simulation(new SimulationOptions { Seed = 1, Network = new FairLossLinkOptions { Capacity = 0 } })).ParamName);
}
