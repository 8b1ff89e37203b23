using DistSim.Links;
using DistSim.Nodes;
using DistSim.Testing;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

public class FairLossLinkTests
{
    [Theory]
    [InlineData(0.01, 1UL)]
    [InlineData(0.3, 2UL)]
    [InlineData(0.5, 3UL)]
    [InlineData(0.9, 4UL)]
    public void LossRate_Over100000Messages_IsWithinTheBinomialRegion(double p, ulong seed)
    {
        const int n = 100_000;
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(seed, n, new FairLossLinkOptions { LossProbability = p }, record: false);

        Rates.AssertWithin(sim.Messages.Dropped, n, p, 0.999);
        Assert.Equal(n - sim.Messages.Dropped, b.Received.Count);
    }

    [Theory]
    [InlineData(0.05, 5UL)]
    [InlineData(0.5, 6UL)]
    public void DuplicationRate_Over100000Messages_IsWithinTheBinomialRegion(double d, ulong seed)
    {
        const int n = 100_000;
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(seed, n, new FairLossLinkOptions { DuplicateProbability = d }, record: false);

        Rates.AssertWithin(sim.Messages.Duplicated, n, d, 0.999);
        Assert.Equal(n + sim.Messages.Duplicated, b.Received.Count);
    }

    [Fact]
    public void LossOne_DropsEverything_AndTheTraceShowsEachDrop()
    {
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(1, 50, new FairLossLinkOptions { LossProbability = 1 });

        Assert.Empty(b.Received);
        Assert.Equal(50, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Loss));
    }

    [Fact]
    public void RandomDelays_ReorderMessages()
    {
        var options = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(50)) };
        (_, Receiver b) = Sims.PingRun(8, 100, options);

        List<int> order = b.Received.Select(r => ((Ping)r.Message).Seq).ToList();
        Assert.Equal(100, order.Count);
        Assert.NotEqual(Enumerable.Range(0, 100), order);
        Assert.Equal(Enumerable.Range(0, 100), order.Order());
    }

    [Fact]
    public void PerPairOverride_AppliesToThatDirectionOnly()
    {
        DistSim.Simulation sim = Sims.Create(4);
        NodeId a = new(0), b = new(1);
        sim.AddNode("A", () => new Sender(b, 100));
        sim.AddNode("B", () => new Sender(a, 100));
        sim.Network.SetFairLoss(a, b, new FairLossLinkOptions { LossProbability = 1 });
        sim.Run();

        Assert.Equal(100, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Node == a));
        Assert.Equal(100, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Node == a));
        Assert.Equal(1, sim.Network.GetFairLoss(a, b).LossProbability);
        Assert.Equal(0, sim.Network.GetFairLoss(b, a).LossProbability);
    }

    public static Arbitrary<(ulong Seed, double Loss, double Dup)> Configs() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from loss in Gen.Choose(0, 100)
         from dup in Gen.Choose(0, 100)
         select (seed, loss / 100.0, dup / 100.0)).ToArbitrary();

    [Property(MaxTest = 40, Arbitrary = [typeof(FairLossLinkTests)])]
    public bool EveryDeliveredMessage_WasSent_WithTheSamePayloadAndEnds((ulong Seed, double Loss, double Dup) c)
    {
        var options = new FairLossLinkOptions
        {
            LossProbability = c.Loss,
            DuplicateProbability = c.Dup,
            Delay = Delay.Exponential(TimeSpan.FromMilliseconds(3)),
        };
        (DistSim.Simulation sim, _) = Sims.PingRun(c.Seed, 300, options);
        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId);
        var delivered = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).ToList();
        var duplicated = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Duplicate).Select(e => e.MessageId).ToHashSet();
        return delivered.All(d =>
                sent.TryGetValue(d.MessageId, out var s) && ReferenceEquals(s.Payload, d.Payload) && s.Node == d.Peer && s.Peer == d.Node)
            && delivered.GroupBy(d => d.MessageId).All(g => g.Count() <= (duplicated.Contains(g.Key) ? 2 : 1))
            && sim.Messages.Sent == 300
            && sim.Messages.Delivered + sim.Messages.Dropped == 300 + sim.Messages.Duplicated;
    }
}
