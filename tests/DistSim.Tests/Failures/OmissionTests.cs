using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Testing;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

public class OmissionTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>Ticks every 10 ms: sends to its peer and appends to its log; counts what it receives.</summary>
    private sealed class Busy(NodeId peer) : Node
    {
        public int Received { get; private set; }

        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

        public override void OnTimer(TimerId timer, object? state)
        {
            Send(peer, new Ping(0));
            Storage.AppendString("tick");
            SetTimer(TimeSpan.FromMilliseconds(10));
        }

        public override void OnMessage(NodeId from, object message) => Received++;
    }

    private static DistSim.Simulation Pair(FailureModel aModel)
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Busy(B), aModel);
        sim.AddNode("B", () => new Busy(A));
        sim.RunUntil(SimTime.FromSeconds(100)); // 10,000 ticks each; the packet sent at 100 s is still in flight
        return sim;
    }

    [Fact]
    public void SendOmission_LosesItsShareOfPackets_WhileTheNodeKeepsRunning()
    {
        DistSim.Simulation sim = Pair(FailureModels.Omission(sendOmission: 0.3));

        long sent = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Send && e.Node == A);
        long omitted = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.SendOmission);
        Rates.AssertWithin(omitted, sent, 0.3, 0.999);
        Assert.Equal(sent - omitted, sim.GetNode<Busy>(B).Received);
        Assert.Equal(9_999, sim.GetNode<Busy>(A).Received); // receiving is unaffected
        Assert.Equal(10_000, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.TimerFired && e.Node == A)); // it keeps running
    }

    [Fact(DisplayName = "A black hole keeps running and writing to its storage while nothing reaches it")]
    public void BlackHole_KeepsRunning_NothingReachesIt()
    {
        DistSim.Simulation sim = Pair(FailureModels.Omission(receiveOmission: 1));

        Assert.Equal(0, sim.GetNode<Busy>(A).Received);
        Assert.Equal(10_000, sim.StorageOf(A).Log.Count);
        Assert.Equal(9_999, sim.GetNode<Busy>(B).Received); // what it sends still arrives
        Assert.Equal(9_999, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.ReceiveOmission && e.Peer == A));
    }

    [Fact]
    public void Mute_ReceivesButCannotSend()
    {
        DistSim.Simulation sim = Pair(FailureModels.Omission(sendOmission: 1));

        Assert.Equal(9_999, sim.GetNode<Busy>(A).Received);
        Assert.Equal(0, sim.GetNode<Busy>(B).Received);
    }

    [Fact]
    public void Omission_IsMaskedByTheReliableLink_WhenBelowOne()
    {
        DistSim.Simulation sim = Sims.Create(1, link: global::DistSim.Links.Links.Reliable());
        sim.AddNode("A", () => new Sender(B, 500, TimeSpan.FromMilliseconds(10)), FailureModels.Omission(sendOmission: 0.4, receiveOmission: 0.4));
        sim.AddNode("B", () => new Receiver());
        sim.Run();

        Assert.Equal(500, sim.GetNode<Receiver>(B).Received.Count);
        Assert.Contains(sim.Trace.Events, e => e.Cause == DropCause.SendOmission);
        Assert.Contains(sim.Trace.Events, e => e.Cause == DropCause.ReceiveOmission); // acks to A vanish too
    }

    [Fact]
    public void OmissionDraws_ComeFromTheNodesOwnFaultStream()
    {
        // Giving B an omission model must not change A's application randomness or A's omissions.
        static List<(TraceEventKind, long)> AsDrops(bool bOmits)
        {
            DistSim.Simulation sim = Sims.Create(4);
            sim.AddNode("A", () => new Busy(B), FailureModels.Omission(sendOmission: 0.5));
            sim.AddNode("B", () => new Busy(A), bOmits ? FailureModels.Omission(sendOmission: 0.5) : null);
            sim.RunUntil(SimTime.FromSeconds(5));
            return sim.Trace.Events.Where(e => e.Node == A && e.Kind == TraceEventKind.Drop).Select(e => (e.Kind, e.Time.Ticks)).ToList();
        }

        Assert.Equal(AsDrops(false), AsDrops(true));
    }
}
