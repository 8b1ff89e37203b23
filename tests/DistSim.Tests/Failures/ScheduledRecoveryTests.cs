using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;

namespace DistSim.Tests.Failures;

/// <summary>
/// A restart or resume scheduled for one fault never ends a later one, and what belongs to a link survives a
/// pause followed by a crash of its node.
/// </summary>
public class ScheduledRecoveryTests
{
    [Fact(DisplayName = "CrashFor's restart does not end a later crash: restarted by hand, crashed again, the node stays down")]
    public void CrashFor_RestartDoesNotEndALaterCrash()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        NodeId n = sim.AddNode("n", () => new Forever(TimeSpan.FromMilliseconds(10)), FailureModels.CrashRecover());
        sim.At(SimTime.FromSeconds(1), () => sim.CrashFor(n, TimeSpan.FromSeconds(1)));   // restart due at 2 s
        sim.At(SimTime.FromSeconds(1.5), () => sim.Restart(n));
        sim.At(SimTime.FromSeconds(1.7), () => sim.Crash(n));                              // a crash of its own
        sim.RunUntil(SimTime.FromSeconds(3));
        Assert.False(sim.IsUp(n));
        Assert.Equal(2, sim.IncarnationOf(n));
    }

    [Fact(DisplayName = "PauseFor's resume does not end a later pause")]
    public void PauseFor_ResumeDoesNotEndALaterPause()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        NodeId n = sim.AddNode("n", () => new Forever(TimeSpan.FromMilliseconds(10)));
        sim.At(SimTime.FromSeconds(1), () => sim.PauseFor(n, TimeSpan.FromSeconds(1)));   // resume due at 2 s
        sim.At(SimTime.FromSeconds(1.5), () => sim.Resume(n));
        sim.At(SimTime.FromSeconds(1.7), () => sim.Pause(n));                              // a pause of its own
        sim.RunUntil(SimTime.FromSeconds(3));
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == DistSim.Tracing.TraceEventKind.Resume && e.Time > SimTime.FromSeconds(1.7));
    }

    private sealed class Burst(NodeId to, int first, int count) : Node
    {
        public override void OnStart() => SendAll(first);

        public override void OnRecover() => SendAll(first + count);

        private void SendAll(int from)
        {
            for (int i = from; i < from + count; i++)
            {
                Send(to, new Ping(i));
            }
        }
    }

    [Theory(DisplayName = "Durable link state: pause, then crash, then restart the sender — every message still arrives exactly once")]
    [InlineData(true)]
    [InlineData(false)]
    public void DurableLink_PauseThenCrash_StaysLive(bool pause)
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = 4,
            Link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { Window = 2, DurableState = true }),
        });
        NodeId a = sim.AddNode("a", () => new Burst(new NodeId(1), 0, 2), FailureModels.CrashRecover());
        NodeId b = sim.AddNode("b", () => new Receiver());
        sim.Network.Cut(a, b);
        if (pause)
        {
            sim.At(SimTime.FromSeconds(0.05), () => sim.Pause(a)); // the link's retransmission timer is deferred by the pause
        }

        sim.At(SimTime.FromSeconds(0.2), () =>
        {
            sim.Crash(a);
            sim.Network.Heal();
        });
        sim.At(SimTime.FromSeconds(0.3), () => sim.Restart(a));
        sim.RunUntil(SimTime.FromSeconds(600));
        Assert.Equal([0, 1, 2, 3], sim.GetNode<Receiver>(b).Received.Select(r => ((Ping)r.Message).Seq).Order());
    }
}
