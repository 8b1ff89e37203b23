using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Links.Contracts;

/// <summary>What every link must do, whatever else it does. Subclassed once per built-in link.</summary>
public abstract class LinkContractTests
{
    protected abstract ILink CreateLink();

    public static Arbitrary<(ulong Seed, double Loss, double Dup)> Networks() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from loss in Gen.Choose(0, 60)
         from dup in Gen.Choose(0, 50)
         select (seed, loss / 100.0, dup / 100.0)).ToArbitrary();

    /// <summary>Two nodes sending 150 messages to each other, at staggered times, over a lossy, duplicating, reordering network.</summary>
    protected DistSim.Simulation Exchange(ulong seed, double loss, double dup)
    {
        DistSim.Simulation sim = Sims.Create(
            seed,
            new FairLossLinkOptions { LossProbability = loss, DuplicateProbability = dup, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(20)) },
            link: CreateLink());
        NodeId a = new(0), b = new(1);
        sim.AddNode("A", () => new Sender(b, 150, TimeSpan.FromMilliseconds(3)));
        sim.AddNode("B", () => new Sender(a, 150, TimeSpan.FromMilliseconds(5)));
        sim.Run();
        return sim;
    }

    [Property(MaxTest = 25, Arbitrary = [typeof(LinkContractTests)])]
    public bool NoSpuriousMessages_EveryDeliveryWasSentByItsSender((ulong Seed, double Loss, double Dup) n)
    {
        DistSim.Simulation sim = Exchange(n.Seed, n.Loss, n.Dup);
        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId);
        return sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).All(d =>
            sent.TryGetValue(d.MessageId, out TraceEvent s) && ReferenceEquals(s.Payload, d.Payload) && s.Node == d.Peer && s.Peer == d.Node);
    }

    [Property(MaxTest = 25, Arbitrary = [typeof(LinkContractTests)])]
    public bool Counters_AddUpAgainstTheTrace((ulong Seed, double Loss, double Dup) n)
    {
        DistSim.Simulation sim = Exchange(n.Seed, n.Loss, n.Dup);
        NodeId a = new(0), b = new(1);
        foreach ((NodeId from, NodeId to) in new[] { (a, b), (b, a) })
        {
            LinkCounters c = sim.Network.Session(from, to).Counters;
            int Count(TraceEventKind kind, bool atSender) => sim.Trace.Events.Count(e =>
                e.Kind == kind && e.Node == (atSender ? from : to) && e.Peer == (atSender ? to : from));
            bool ok = c.Sent == Count(TraceEventKind.Send, true)
                && c.Delivered == Count(TraceEventKind.Deliver, false)
                && c.Retransmitted == Count(TraceEventKind.Retransmit, true)
                && c.AcksSent == Count(TraceEventKind.AckSent, false)
                && c.Acknowledged == Count(TraceEventKind.Acknowledged, true)
                && c.DuplicatesSuppressed == Count(TraceEventKind.DuplicateSuppressed, false)
                && c.Rejected == RestartRuns.CountOfSession(sim, TraceEventKind.Rejected, from, to)
                && c.Stale == RestartRuns.CountOfSession(sim, TraceEventKind.Stale, from, to)
                && c.Handshakes == Count(TraceEventKind.Handshake, true);
            if (!ok)
            {
                return false;
            }
        }

        return sim.Messages.InFlight == 0
            && sim.Messages.Delivered == sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver)
            && sim.Messages.Dropped == sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop);
    }

    [Property(MaxTest = 25, Arbitrary = [typeof(RestartRuns)])]
    public void AcrossRestartsAndReplays_EveryDeliveryWasSentByItsSender_AndCountersMatchTheTrace(RestartCase c)
    {
        DistSim.Simulation sim = RestartRuns.Run(CreateLink(), c);

        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId);
        Assert.All(sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver), d =>
            Assert.True(sent.TryGetValue(d.MessageId, out TraceEvent s) && s.Node == d.Peer && s.Peer == d.Node && Equals(s.Payload, d.Payload), $"{d}"));
        foreach ((NodeId from, NodeId to) in new[] { (RestartRuns.A, RestartRuns.B), (RestartRuns.B, RestartRuns.A), (RestartRuns.C, RestartRuns.D) })
        {
            LinkCounters counters = sim.Network.Session(from, to).Counters;
            Assert.Equal(RestartRuns.Count(sim, TraceEventKind.Send, from, to), counters.Sent);
            Assert.Equal(RestartRuns.Count(sim, TraceEventKind.Deliver, to, from), counters.Delivered);
            Assert.Equal(RestartRuns.CountOfSession(sim, TraceEventKind.Stale, from, to), counters.Stale);
            Assert.Equal(RestartRuns.CountOfSession(sim, TraceEventKind.Rejected, from, to), counters.Rejected);
            Assert.Equal(RestartRuns.Count(sim, TraceEventKind.Handshake, from, to), counters.Handshakes);
            Assert.Equal(sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Abandoned && e.Node == from && e.Peer == to), counters.Abandoned);
        }
    }

    [Fact]
    public void PerfectNetwork_DeliversEveryMessageExactlyOnce_InOrderOfSending()
    {
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(3, 500, FairLossLinkOptions.Default, link: CreateLink());

        Assert.Equal(Enumerable.Range(0, 500), b.Received.Select(r => ((Ping)r.Message).Seq));
        Assert.Equal(500, sim.Network.Session(new NodeId(0), new NodeId(1)).Counters.Delivered);
    }

    [Fact]
    public void LinkName_IsSet() => Assert.False(string.IsNullOrWhiteSpace(CreateLink().Name));
}

public sealed class FairLossLinkContract : LinkContractTests
{
    protected override ILink CreateLink() => global::DistSim.Links.Links.FairLoss;
}

public sealed class ReliableLinkContract : ReliableLinkContractTests
{
    protected override ILink CreateLink(ReliableLinkOptions options) => global::DistSim.Links.Links.Reliable(options);
}

public sealed class AuthenticatedLinkContract : ReliableLinkContractTests
{
    protected override ILink CreateLink(ReliableLinkOptions options) => global::DistSim.Links.Links.Authenticated(options);
}
