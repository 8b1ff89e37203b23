using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Simulations;

public class SimulationTests
{
    [Fact]
    public void Run_PingOverPerfectNetwork_DeliversAfterTheDelayAndEndsQuiescent()
    {
        (DistSim.Simulation sim, Receiver b) = Sims.PingRun(1, 3, FairLossLinkOptions.Default);

        Assert.Equal([0, 1, 2], b.Received.Select(r => ((Ping)r.Message).Seq));
        Assert.Equal(SimTime.FromStart(TimeSpan.FromMilliseconds(1)), sim.Now);
        Assert.Equal(3, sim.Messages.Sent);
        Assert.Equal(3, sim.Messages.Delivered);
        Assert.Equal(0, sim.PendingEvents);
        Assert.Equal(3, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver));
    }

    [Fact]
    public void SimultaneousEvents_RunInInsertionOrder()
    {
        var order = new List<string>();
        DistSim.Simulation sim = Sims.Create(3);
        foreach (string name in new[] { "n0", "n1", "n2" })
        {
            sim.AddNode(name, () => new Scripted(
                onStart: c => { c.SetTimer(TimeSpan.FromSeconds(1), "first"); c.SetTimer(TimeSpan.FromSeconds(1), "second"); },
                onTimer: (c, s) => order.Add($"{c.Name}:{s}")));
        }

        sim.Run();

        Assert.Equal(["n0:first", "n0:second", "n1:first", "n1:second", "n2:first", "n2:second"], order);
    }

    private static List<string> TieOrder(ulong seed, SchedulingStrategy strategy)
    {
        var order = new List<string>();
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, Scheduling = strategy });
        foreach (string name in new[] { "n0", "n1", "n2", "n3" })
        {
            sim.AddNode(name, () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromSeconds(1)), onTimer: (c, _) => order.Add(c.Name)));
        }

        sim.Run();
        return order;
    }

    [Fact]
    public void RandomTieBreak_ExploresOrdersOfSimultaneousEvents_Reproducibly()
    {
        Assert.All(Enumerable.Range(0, 10), s => Assert.Equal(["n0", "n1", "n2", "n3"], TieOrder((ulong)s, SchedulingStrategy.Fifo)));
        var orders = Enumerable.Range(0, 30).Select(s => string.Join(",", TieOrder((ulong)s, SchedulingStrategy.RandomTieBreak))).ToList();
        Assert.True(orders.Distinct().Count() >= 10, string.Join(" | ", orders.Distinct()));
        Assert.Equal(TieOrder(4, SchedulingStrategy.RandomTieBreak), TieOrder(4, SchedulingStrategy.RandomTieBreak));
    }

    [Fact]
    public void Step_RunsOneEventAtATime()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Forever(TimeSpan.FromSeconds(1)));

        Assert.True(sim.Step()); // start
        Assert.Equal(1, sim.EventsExecuted);
        Assert.True(sim.Step()); // first timer
        Assert.Equal(SimTime.FromSeconds(1), sim.Now);
        Assert.Equal(2, sim.EventsExecuted);
    }

    [Fact]
    public void RunUntilTime_StopsBeforeLaterEvents_AndAdvancesTheClock()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Forever(TimeSpan.FromSeconds(1)));

        RunResult r = sim.RunUntil(SimTime.FromSeconds(3.5));

        Assert.Equal(RunOutcome.TimeReached, r.Outcome);
        Assert.Equal(SimTime.FromSeconds(3.5), sim.Now);
        Assert.Equal(3, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.TimerFired));
    }

    [Fact]
    public void RunUntilCondition_StopsAsSoonAsItHolds()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("a", () => new Forever(TimeSpan.FromSeconds(1)));

        RunResult r = sim.RunUntil(() => sim.Now >= SimTime.FromSeconds(5));

        Assert.Equal(RunOutcome.ConditionMet, r.Outcome);
        Assert.Equal(SimTime.FromSeconds(5), r.Time);
    }

    [Fact]
    public void EndlessTimerLoop_EndsWithEventLimit()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, EventLimit = 1000, TimeLimit = TimeSpan.MaxValue });
        sim.AddNode("loop", () => new Forever(TimeSpan.Zero));

        RunResult r = sim.Run();

        Assert.Equal(RunOutcome.EventLimit, r.Outcome);
        Assert.Equal(1000, r.Events);
        Assert.Equal(SimTime.Zero, r.Time); // a zero-delay loop never advances time: only the event limit can stop it
    }

    [Fact]
    public void RunPastTheTimeLimit_EndsWithTimeLimit()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, TimeLimit = TimeSpan.FromSeconds(10) });
        sim.AddNode("loop", () => new Forever(TimeSpan.FromSeconds(3)));

        RunResult r = sim.Run();

        Assert.Equal(RunOutcome.TimeLimit, r.Outcome);
        Assert.Equal(SimTime.FromSeconds(9), r.Time);
    }

    [Fact]
    public void TooManyPendingEvents_EndsWithQueueLimit()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, QueueLimit = 100 });
        sim.AddNode("flood", () => new Scripted(onStart: c =>
        {
            for (int i = 0; i < 1000; i++)
            {
                c.SetTimer(TimeSpan.FromSeconds(1));
            }
        }));

        Assert.Equal(RunOutcome.QueueLimit, sim.Run().Outcome);
    }

    [Fact]
    public void ThrowingNode_StopsTheRun_WithSeedTimeNodeAndEvent()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 77 });
        NodeId b = new(1);
        sim.AddNode("A", () => new Sender(b, 1));
        sim.AddNode("B", () => new Scripted(onMessage: (c, from, _) =>
        {
            c.Send(from, new Ping(99)); // events recorded by the handler before it throws must not hide the trigger
            c.SetTimer(TimeSpan.FromSeconds(1));
            throw new InvalidOperationException("boom");
        }));

        var ex = Assert.Throws<SimulationFailureException>(() => sim.Run());

        Assert.Equal(77UL, ex.Seed);
        Assert.Equal(b, ex.Node);
        Assert.Equal("B", ex.NodeName);
        Assert.Equal(SimTime.FromStart(TimeSpan.FromMilliseconds(1)), ex.Time);
        Assert.Contains("deliver message 1", ex.EventDescription, StringComparison.Ordinal);
        Assert.StartsWith("seed=77 time=0.0010000s node=B", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reproduce with seed=77", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Equal(TraceEventKind.NodeFaulted, ex.Trace.Events[^1].Kind);
        Assert.Equal(TraceEventKind.Deliver, ex.Trace.Events[(int)ex.EventIndex].Kind);
        Assert.Throws<SimulationFailureException>(() => sim.Step()); // the run stays stopped
    }

    [Fact]
    public void ThrowingNode_WithoutThrowOnFault_ReturnsNodeFaulted()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 5, ThrowOnNodeFault = false });
        sim.AddNode("bad", () => new Scripted(onStart: _ => throw new FormatException("bad start")));

        RunResult r = sim.Run();

        Assert.Equal(RunOutcome.NodeFaulted, r.Outcome);
        Assert.NotNull(r.Failure);
        Assert.Equal("start", r.Failure!.EventDescription);
        Assert.False(sim.Step());
    }

    [Fact]
    public void NodeAddedLater_StartsAtTheCurrentTime()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.RunUntil(SimTime.FromSeconds(2));
        NodeId late = sim.AddNode("late", () => new Receiver());
        sim.Run();

        TraceEvent started = sim.Trace.Events.Single(e => e.Kind == TraceEventKind.NodeStarted);
        Assert.Equal(late, started.Node);
        Assert.Equal(SimTime.FromSeconds(2), started.Time);
    }

    [Fact]
    public void RunFromInsideAHandler_IsRejected()
    {
        DistSim.Simulation sim = Sims.Create(1, null);
        sim.AddNode("a", () => new Scripted(onStart: _ => sim.Step()));
        var ex = Assert.Throws<SimulationFailureException>(() => sim.Run());
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public void SteadyState_SchedulingPoppingAndDelivering_AllocatesNothing()
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 1, RecordTrace = false, TimeLimit = TimeSpan.MaxValue, EventLimit = 10_000_000,
            Network = new FairLossLinkOptions { Delay = DistSim.Timing.Delay.Exponential(TimeSpan.FromMilliseconds(1)) },
        });
        for (int i = 0; i < 100; i++)
        {
            var peer = new NodeId((i + 1) % 100);
            sim.AddNode("n" + i, () => new Scripted(
                onStart: c => c.Send(peer, "token"),
                onMessage: (c, _, m) => c.Send(peer, m)));
        }

        sim.RunUntil(() => sim.EventsExecuted >= 50_000); // warm up: queue, dictionaries and JIT settle
        long before = GC.GetAllocatedBytesForCurrentThread();
        sim.RunUntil(() => sim.EventsExecuted >= 250_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(250_000, sim.EventsExecuted);
        Assert.True(allocated < 200_000 / 10, $"{allocated} bytes over 200,000 deliveries");
    }
}
