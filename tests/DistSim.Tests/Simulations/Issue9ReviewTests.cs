using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Simulations;

/// <summary>
/// Review of issue 9's kernel changes: each test pins a behaviour that the changes broke (it fails on the review's
/// base, HEAD of main at c4f23d1) and that the kernel before them (cc83885) had, or that the design promises.
/// </summary>
public class Issue9ReviewTests
{
    private static readonly NodeId A = new(0);
    private static readonly NodeId B = new(1);

    private static SimTime Ms(int ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));

    /// <summary>
    /// A node timer whose event was deferred by a pause has left the queue; its queue slot was freed but still holds
    /// the event's bytes (slots are not cleared on free). Crashing the node then "cancels" that freed slot
    /// (CancelQueued matches the stale bytes), so the queue counts a cancelled entry that is not in its heap:
    /// PendingEvents goes below the true number (here to -1).
    /// </summary>
    [Fact]
    public void CrashWhilePaused_DeferredTimer_PendingEventsStaysExact()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        sim.AddNode("A", () => new Scripted(onStart: ctx => ctx.SetTimer(TimeSpan.FromMilliseconds(10))), FailureModels.CrashRecover());

        sim.RunUntil(Ms(5));
        Assert.True(sim.Pause(A));
        sim.RunUntil(Ms(10)); // the timer comes due: deferred (out of the queue)
        Assert.Equal(0, sim.PendingEvents);

        Assert.True(sim.Crash(A));

        Assert.Equal(0, sim.PendingEvents);
    }

    /// <summary>
    /// The same miscount lets the queue hold more than <see cref="SimulationOptions.QueueLimit"/> events without the
    /// run stopping: each crash-while-paused with a deferred timer raises the limit by one, silently.
    /// </summary>
    [Fact]
    public void CrashWhilePaused_DeferredTimer_QueueLimitStillEnforced()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 1, QueueLimit = 2 });
        sim.AddNode("A", () => new Scripted(onStart: ctx => ctx.SetTimer(TimeSpan.FromMilliseconds(10))), FailureModels.CrashRecover());
        sim.RunUntil(Ms(5));
        sim.Pause(A);
        sim.RunUntil(Ms(10));
        sim.Crash(A);

        for (int i = 0; i < 3; i++)
        {
            sim.At(Ms(20), () => { }); // three pending events: more than the limit of 2
        }

        Assert.Equal(RunOutcome.QueueLimit, sim.Run().Outcome);
    }

    /// <summary>
    /// A capacity set on a path while packets are in flight on it must count those packets (the kernel before issue 9
    /// counted every packet in flight on every path): "the most packets in flight on a path". Since issue 9 only
    /// packets sent while a capacity was in force are counted, so the path carries 4 packets under a capacity of 2.
    /// </summary>
    [Fact]
    public void Capacity_SetWhilePacketsInFlight_CountsThem()
    {
        var slow = new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromMilliseconds(10)) };
        var sim = new Simulation(new SimulationOptions { Seed = 1, Network = slow, Link = global::DistSim.Links.Links.FairLoss });
        sim.AddNode("A", () => new Scripted(onStart: ctx =>
        {
            for (int i = 0; i < 3; i++)
            {
                ctx.Send(B, new Ping(i));
            }
        }));
        sim.AddNode("B", () => new Receiver());

        sim.At(Ms(1), () => sim.Network.SetFairLoss(A, B, slow with { Capacity = 2 }));
        sim.At<Scripted>(Ms(1), A, s => s.Act(ctx => ctx.Send(B, new Ping(99)))); // 3 in flight >= 2: no room
        sim.Run();

        Assert.Equal(1, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Capacity));
        Assert.Equal(3, sim.GetNode<Receiver>(B).Received.Count);
    }

    /// <summary>
    /// Pre-existing (also in cc83885), in code issue 9 rewrote: a packet deferred by a paused receiver that then
    /// crashes is dropped (node-down) but never gives its place back, neither in <see cref="MessageCounters.InFlight"/>
    /// nor in its path's capacity count (the <c>Counted</c> bit is ignored in <c>Crash</c>): the path stays full for
    /// ever and every later packet is dropped for capacity.
    /// </summary>
    [Fact]
    public void Capacity_PacketDroppedAtCrashOfPausedReceiver_GivesItsPlaceBack()
    {
        var net = new FairLossLinkOptions { Capacity = 1, Delay = Delay.Constant(TimeSpan.FromMilliseconds(5)) };
        var sim = new Simulation(new SimulationOptions { Seed = 1, Network = net, Link = global::DistSim.Links.Links.FairLoss });
        sim.AddNode("A", () => new Scripted(onStart: ctx => ctx.Send(B, new Ping(0))));
        sim.AddNode("B", () => new Receiver(), FailureModels.CrashRecover());

        sim.RunUntil(Ms(1));
        sim.Pause(B);
        sim.RunUntil(Ms(10)); // the packet arrives while B is paused: deferred
        sim.Crash(B); // dropped, node-down
        sim.Restart(B);
        sim.At<Scripted>(Ms(20), A, s => s.Act(ctx => ctx.Send(B, new Ping(1))));
        sim.Run();

        Assert.Equal(0, sim.Messages.InFlight);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Capacity);
        Assert.Single(sim.GetNode<Receiver>(B).Received);
    }
}
