using DistSim.Checking;
using DistSim.Diagnostics;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Checking;

/// <summary>Counts its own timer firings, one every <c>period</c>, up to <c>limit</c>.</summary>
public sealed class Ticker(TimeSpan period, int limit = int.MaxValue) : Node
{
    public int Count { get; private set; }

    public override void OnStart() => SetTimer(period);

    public override void OnRecover() => SetTimer(period);

    /// <summary>One more tick after <paramref name="delay"/> (from a scripted action).</summary>
    public void Arm(TimeSpan delay) => SetTimer(delay);

    public override void OnTimer(TimerId timer, object? state)
    {
        Count++;
        if (Count < limit)
        {
            SetTimer(period);
        }
    }
}

public class PropertyTests
{
    private static DistSim.Simulation New(ulong seed = 1, TimingModel? timing = null, bool throwOnFault = false) => new(new SimulationOptions
    {
        Seed = seed,
        TimeLimit = TimeSpan.FromHours(1),
        ThrowOnNodeFault = throwOnFault,
        Timing = timing ?? TimingModels.Unbounded,
    });

    private static (DistSim.Simulation Sim, NodeId Node) WithTicker(TimeSpan period, int limit = int.MaxValue, TimingModel? timing = null)
    {
        DistSim.Simulation sim = New(timing: timing);
        NodeId t = sim.AddNode("ticker", () => new Ticker(period, limit), FailureModels.CrashRecover());
        return (sim, t);
    }

    [Fact]
    public void Always_StopsAtTheFirstEventAfterWhichItIsFalse_AndReportsIt()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1));
        sim.Always("fewer than five ticks", () => Ticks(sim, t) < 5);

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.PropertyViolated, result.Outcome);
        Assert.Equal(5, Ticks(sim, t)); // the run stopped right after the fifth tick
        Assert.Equal(SimTime.FromSeconds(5), result.Time);
        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
        PropertyViolationException violation = Assert.IsType<PropertyViolationException>(failure.InnerException);
        Assert.Equal("fewer than five ticks", violation.Property);
        Assert.Equal(PropertyKind.Always, violation.Kind);
        Assert.Equal(SimTime.FromSeconds(5), failure.Time);
        TraceEvent fifth = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.TimerFired).ElementAt(4);
        Assert.Equal(fifth.Index, failure.EventIndex); // the event that ran (its later records: the timer it set)
        Assert.Contains("seed=1", failure.Message);
        Assert.Contains("timer-fired ticker", failure.EventDescription + violation.Message);
        Assert.Contains(sim.Trace.Describe(fifth), violation.LastEvents);
        Assert.Contains("last events:", violation.Message);
        PropertyState state = Assert.Single(sim.Properties);
        Assert.Equal(PropertyStatus.Violated, state.Status);

        // The run stays stopped: nothing more runs.
        Assert.Equal(RunOutcome.PropertyViolated, sim.Run().Outcome);
        Assert.Equal(5, Ticks(sim, t));
    }

    [Fact]
    public void Always_ThrowsTheFailureWhenAskedTo()
    {
        DistSim.Simulation sim = New(throwOnFault: true);
        NodeId t = sim.AddNode("ticker", () => new Ticker(TimeSpan.FromSeconds(1), 10));
        sim.Always("never three", () => Ticks(sim, t) != 3);

        SimulationFailureException thrown = Assert.Throws<SimulationFailureException>(() => sim.Run());

        Assert.IsType<PropertyViolationException>(thrown.InnerException);
        Assert.Contains("never three", thrown.Message);
    }

    [Fact]
    public void Always_FalseFromTheStart_FailsAfterTheFirstEvent()
    {
        (DistSim.Simulation sim, _) = WithTicker(TimeSpan.FromSeconds(1));
        sim.Always("impossible", () => false);

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.PropertyViolated, result.Outcome);
        Assert.Equal(1, result.Events);
        Assert.Equal(0, result.Failure!.EventIndex);
        Assert.Contains("node-started ticker", result.Failure.InnerException!.Message);
    }

    [Fact]
    public void Always_ThatHolds_LeavesTheRunAsItWas()
    {
        (DistSim.Simulation plain, _) = WithTicker(TimeSpan.FromSeconds(1), 20);
        RunResult expected = plain.Run();
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 20);
        sim.Always("at most twenty", () => Ticks(sim, t) <= 20);

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        Assert.Equal(expected.Fingerprint, result.Fingerprint);
        Assert.Equal(PropertyStatus.Holding, Assert.Single(sim.Properties).Status);
    }

    [Fact]
    public void Eventually_HoldsWithinTheWindow_IsSatisfiedWhenItFirstHolds()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 10);
        sim.Eventually("three ticks", () => Ticks(sim, t) >= 3, TimeSpan.FromSeconds(5));

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        PropertyState state = Assert.Single(sim.Properties);
        Assert.Equal(PropertyStatus.Satisfied, state.Status);
        Assert.Equal(SimTime.FromSeconds(3), state.Time);
        Assert.Equal(SimTime.Zero, state.WindowOpened);
    }

    [Fact]
    public void Eventually_MissingItsDeadline_StopsBeforeTheFirstEventAfterIt()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(2), 10);
        sim.Eventually("three ticks", () => Ticks(sim, t) >= 3, TimeSpan.FromSeconds(5));

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.PropertyViolated, result.Outcome);
        Assert.Equal(2, Ticks(sim, t)); // the tick at 6 s, past the deadline, never ran
        Assert.Equal(SimTime.FromSeconds(4), result.Time);
        Assert.Equal(SimTime.FromSeconds(5), result.Failure!.Time); // reported at the deadline
        Assert.Contains("next event at 6.0000000s", result.Failure.InnerException!.Message);
    }

    [Fact]
    public void Eventually_RunGoesQuietWithoutIt_IsViolatedAtTheDeadline()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 2);
        sim.Eventually("three ticks", () => Ticks(sim, t) >= 3, TimeSpan.FromSeconds(30));

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.PropertyViolated, result.Outcome);
        Assert.Equal(SimTime.FromSeconds(30), result.Failure!.Time);
        Assert.Contains("went quiet", result.Failure.InnerException!.Message);
    }

    [Fact]
    public void Eventually_RunUntilBeforeTheDeadline_LeavesItPending_AndALaterCallDecides()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 2);
        sim.Eventually("three ticks", () => Ticks(sim, t) >= 3, TimeSpan.FromSeconds(10));

        RunResult first = sim.RunUntil(SimTime.FromSeconds(5));

        // Quiet since 2 s, but the test may still act before 10 s: not judged yet.
        Assert.Equal(RunOutcome.Quiescent, first.Outcome);
        Assert.Equal(PropertyStatus.Pending, Assert.Single(sim.Properties).Status);

        sim.At<Ticker>(SimTime.FromSeconds(7), t, n => n.Arm(TimeSpan.FromSeconds(1)));
        RunResult second = sim.Run();

        Assert.Equal(RunOutcome.Quiescent, second.Outcome);
        PropertyState state = Assert.Single(sim.Properties);
        Assert.Equal(PropertyStatus.Satisfied, state.Status);
        Assert.Equal(SimTime.FromSeconds(8), state.Time);
    }

    [Fact]
    public void Eventually_FromGst_CountsFromGst_AndAStateThatAlreadyHoldsThenCounts()
    {
        TimingModel partial = TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(10), Delay.Exponential(TimeSpan.FromMilliseconds(50)), gst: SimTime.FromSeconds(10));

        // Holds only at 12 s: within 5 s of GST, though 12 s after the start.
        (DistSim.Simulation late, NodeId t1) = WithTicker(TimeSpan.FromSeconds(12), 1, partial);
        late.Eventually("ticked", () => Ticks(late, t1) >= 1, TimeSpan.FromSeconds(5), EventuallyFrom.Gst);
        late.Run();
        PropertyState lateState = Assert.Single(late.Properties);
        Assert.Equal(PropertyStatus.Satisfied, lateState.Status);
        Assert.Equal(SimTime.FromSeconds(10), lateState.WindowOpened);
        Assert.Equal(SimTime.FromSeconds(12), lateState.Time);

        // Held since 3 s, with no event near GST: the state at GST counts.
        (DistSim.Simulation early, NodeId t2) = WithTicker(TimeSpan.FromSeconds(3), 1, partial);
        early.AddNode("far", () => new Ticker(TimeSpan.FromSeconds(40), 1));
        early.Eventually("ticked", () => Ticks(early, t2) >= 1, TimeSpan.FromSeconds(1), EventuallyFrom.Gst);
        early.Run();
        Assert.Equal(PropertyStatus.Satisfied, early.Properties[0].Status);

        // Holds only at 16 s: missed.
        (DistSim.Simulation missed, NodeId t3) = WithTicker(TimeSpan.FromSeconds(16), 1, partial);
        missed.Eventually("ticked", () => Ticks(missed, t3) >= 1, TimeSpan.FromSeconds(5), EventuallyFrom.Gst);
        RunResult result = missed.Run();
        Assert.Equal(RunOutcome.PropertyViolated, result.Outcome);
        Assert.Equal(SimTime.FromSeconds(15), result.Failure!.Time);
        Assert.Contains("GST", result.Failure.InnerException!.Message);
    }

    [Fact]
    public void Eventually_FromGst_UnderTheAsynchronousModel_IsRefused()
    {
        DistSim.Simulation sim = New(timing: TimingModels.Asynchronous(Delay.Exponential(TimeSpan.FromMilliseconds(5))));

        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => sim.Eventually("x", () => true, TimeSpan.FromSeconds(1), EventuallyFrom.Gst));

        Assert.Equal("from", e.ParamName);
        Assert.Contains("asynchronous", e.Message);
    }

    [Fact]
    public void Eventually_FromFaultsEnd_OpensWhenTheLastScheduledFaultHasEnded()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 100);
        NodeId other = sim.AddNode("other", () => new Ticker(TimeSpan.FromSeconds(1), 100));
        new FaultSchedule()
            .CrashFor(SimTime.FromSeconds(2), t, TimeSpan.FromMilliseconds(3500))
            .Partition(SimTime.FromSeconds(3), [t], [other])
            .Heal(SimTime.FromSeconds(4))
            .ApplyTo(sim);
        sim.Eventually(
            "ticked after recovering",
            () => sim.IsUp(t) && Ticks(sim, t) >= 1,
            TimeSpan.FromSeconds(2),
            EventuallyFrom.FaultsEnd);

        sim.RunUntil(SimTime.FromSeconds(20));

        Assert.Equal(SimTime.FromSeconds(4), sim.FaultsEnd); // the heal is the last step
        PropertyState state = Assert.Single(sim.Properties);
        Assert.Equal(PropertyStatus.Satisfied, state.Status);
        Assert.Equal(SimTime.FromSeconds(5.5), state.WindowOpened); // the crash at 2 s lasts until its restart at 5.5 s
        Assert.Equal(SimTime.FromSeconds(6.5), state.Time); // the first tick of the new incarnation
    }

    [Fact]
    public void Eventually_FromFaultsEnd_NeverOpensWhileAPartitionStays()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 30);
        NodeId other = sim.AddNode("other", () => new Ticker(TimeSpan.FromSeconds(1), 30));
        new FaultSchedule().Partition(SimTime.FromSeconds(1), [t], [other]).ApplyTo(sim);
        sim.Eventually("never", () => false, TimeSpan.FromSeconds(1), EventuallyFrom.FaultsEnd);

        RunResult result = sim.Run();

        Assert.True(result.Outcome == RunOutcome.Quiescent, result.Failure?.Message);
        PropertyState state = Assert.Single(sim.Properties);
        Assert.Equal(PropertyStatus.Pending, state.Status);
        Assert.Null(state.WindowOpened);
    }

    [Fact]
    public void Eventually_RegisteredMidRun_WithAStateThatAlreadyHolds_IsSatisfied_NotViolated()
    {
        (DistSim.Simulation sim, _) = WithTicker(TimeSpan.FromSeconds(20), 1);
        sim.RunUntil(SimTime.FromSeconds(11));

        sim.Eventually("already true", () => true, TimeSpan.FromSeconds(1));
        sim.Eventually("already true, no slack", () => true, TimeSpan.Zero);
        RunResult result = sim.Run(); // the next event is at 20 s, past both deadlines

        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        Assert.All(sim.Properties, p => Assert.Equal(PropertyStatus.Satisfied, p.Status));
        Assert.All(sim.Properties, p => Assert.Equal(SimTime.FromSeconds(11), p.Time));

        (DistSim.Simulation stepped, _) = WithTicker(TimeSpan.FromSeconds(20), 1);
        stepped.RunUntil(SimTime.FromSeconds(11));
        stepped.Eventually("already true", () => true, TimeSpan.Zero);
        Assert.True(stepped.Step());
        Assert.Equal(PropertyStatus.Satisfied, Assert.Single(stepped.Properties).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Eventually_FromFaultsEnd_APartitionAtTheSameInstantAsOtherEvents_KeepsTheWindowShut(int at)
    {
        for (ulong seed = 1; seed <= 50; seed++)
        {
            var sim = new DistSim.Simulation(new SimulationOptions
            {
                Seed = seed,
                TimeLimit = TimeSpan.FromMinutes(1),
                Scheduling = SchedulingStrategy.RandomTieBreak,
            });
            NodeId a = sim.AddNode("a", () => new Ticker(TimeSpan.FromSeconds(1), 30));
            NodeId b = sim.AddNode("b", () => new Ticker(TimeSpan.FromSeconds(1), 30));
            new FaultSchedule().Partition(SimTime.FromSeconds(at), [a], [b]).ApplyTo(sim); // never heals
            sim.Eventually("never", () => false, TimeSpan.FromSeconds(5), EventuallyFrom.FaultsEnd);

            RunResult result = sim.Run();

            Assert.True(result.Outcome == RunOutcome.Quiescent, $"seed {seed}: {result.Outcome} {result.Failure?.Message}");
            Assert.Equal(PropertyStatus.Pending, Assert.Single(sim.Properties).Status);
        }
    }

    [Fact]
    public void Eventually_FromFaultsEnd_WaitsForTheNemesisRestarts()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var sim = new DistSim.Simulation(new SimulationOptions
            {
                Seed = seed,
                TimeLimit = TimeSpan.FromMinutes(5),
                Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(3), Until = TimeSpan.FromSeconds(20) },
            });
            NodeId[] nodes = [.. Enumerable.Range(0, 3).Select(i => sim.AddNode("t" + i, () => new Ticker(TimeSpan.FromMilliseconds(250), 400), FailureModels.CrashRecover()))];
            sim.Eventually("all up", () => nodes.All(sim.IsUp), TimeSpan.Zero, EventuallyFrom.FaultsEnd);

            RunResult result = sim.Run();

            Assert.Equal(RunOutcome.Quiescent, result.Outcome);
            PropertyState state = Assert.Single(sim.Properties);
            Assert.Equal(PropertyStatus.Satisfied, state.Status); // "all up" within zero time of the end of faults: the window waits for the restarts
            Assert.True(state.WindowOpened >= SimTime.FromSeconds(20));
            TraceEvent lastRestart = sim.Trace.Events.LastOrDefault(e => e.Kind == TraceEventKind.Restart);
            if (lastRestart.Time > SimTime.FromSeconds(20))
            {
                Assert.Equal(lastRestart.Time, state.WindowOpened);
            }
        }
    }

    [Fact]
    public void Unreachable_ReachedByNodeCode_FailsTheRunNamingTheNode()
    {
        DistSim.Simulation sim = New();
        sim.AddNode("n", () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromSeconds(2)), onTimer: (c, _) => c.Unreachable("timer fired", "at the wrong time")));

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.PropertyViolated, result.Outcome);
        PropertyViolationException v = Assert.IsType<PropertyViolationException>(result.Failure!.InnerException);
        Assert.Equal(PropertyKind.Unreachable, v.Kind);
        Assert.Contains("node n: at the wrong time", v.Message);
        Assert.Equal(SimTime.FromSeconds(2), result.Failure.Time);
        Assert.Equal(PropertyStatus.Violated, Assert.Single(sim.Properties).Status);
    }

    [Fact]
    public void APredicateThatChangesTheSimulation_FailsTheRun()
    {
        (DistSim.Simulation sim, NodeId t) = WithTicker(TimeSpan.FromSeconds(1), 5);
        sim.Always("sneaky", () => Ticks(sim, t) < 2 || !sim.Crash(t));

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Contains("must only read", result.Failure!.InnerException!.Message);
        Assert.Contains("sneaky", result.Failure.Message);
    }

    [Fact]
    public void APredicateThatThrows_FailsTheRunWithItsException()
    {
        (DistSim.Simulation sim, _) = WithTicker(TimeSpan.FromSeconds(1), 5);
        sim.Always("throws", () => throw new FormatException("bad"));

        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.IsType<FormatException>(result.Failure!.InnerException);
    }

    [Fact]
    public void Names_AreRequiredAndUnique()
    {
        DistSim.Simulation sim = New();
        sim.Always("p", () => true);

        Assert.Equal("name", Assert.Throws<ArgumentException>(() => sim.Always("p", () => true)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => sim.Sometimes(" ", () => true)).ParamName);
        Assert.Equal("within", Assert.Throws<ArgumentOutOfRangeException>(() => sim.Eventually("q", () => true, TimeSpan.FromTicks(-1))).ParamName);
    }

    [Fact]
    public void Coverage_OverASweep_ListsGoalsNeverMetAndUnreachablesReached()
    {
        var report = new CoverageReport();
        for (ulong seed = 1; seed <= 20; seed++)
        {
            DistSim.Simulation sim = New(seed);
            sim.AddNode("n", () => new Scripted(
                onStart: c =>
                {
                    ulong roll = c.Random.NextBelow(6);
                    c.Sometimes("rolled a six", roll == 5);
                    if (roll == 0 && c.Random.NextBelow(4) == 0)
                    {
                        c.Unreachable("rolled a one, then a one in four");
                    }
                }));
            sim.ExpectSometimes("never marked");
            sim.Sometimes("never true", () => false);
            sim.Run();
            report.Add(seed, sim.Properties);
        }

        Assert.Equal(20, report.Runs);
        Assert.Equal(["never marked", "never true"], report.NeverFired.Select(e => e.Name));
        CoverageEntry six = report.Entries.Single(e => e.Name == "rolled a six");
        Assert.InRange(six.RunsFired, 1, 19);
        Assert.Equal(20, six.Hits);
        Assert.False(report.IsComplete);
        Assert.Contains("NEVER", report.ToString());
    }

    /// <summary>
    /// The class: for any seed, any bound and any fault schedule, an Always property stops a run exactly at the first
    /// event after which it is false in the unmonitored run, and the monitored run's trace is that run's prefix.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property Always_StopsAtTheFirstViolatingEventOfTheUnmonitoredRun(ulong seed, PositiveInt boundSeed, bool crashes)
    {
        int bound = 1 + (boundSeed.Get % 40);
        DistSim.Simulation plain = Gossip(seed, crashes);
        plain.Run();
        List<TraceEvent> all = [.. plain.Trace.Events];
        long firstBad = -1;
        int delivered = 0;
        foreach (TraceEvent e in all)
        {
            if (e.Kind == TraceEventKind.Deliver && ++delivered > bound)
            {
                firstBad = e.Index;
                break;
            }
        }

        DistSim.Simulation watched = Gossip(seed, crashes, sim => sim.Always("few deliveries", () => sim.Messages.Delivered <= bound));
        RunResult result = watched.Run();

        bool prefix = watched.Trace.Events.SequenceEqual(all.Take(watched.Trace.Events.Count));
        return firstBad < 0
            ? (result.Outcome != RunOutcome.PropertyViolated && result.Fingerprint == plain.Trace.Fingerprint).Label("never violated: same run")
            : (result.Outcome == RunOutcome.PropertyViolated && result.Failure!.EventIndex == firstBad && prefix).Label($"stopped at {result.Failure?.EventIndex}, first violation {firstBad}");
    }

    /// <summary>An Eventually decided over random runs agrees with a judgement made afterwards from the unmonitored trace.</summary>
    [Property(MaxTest = 60)]
    public Property Eventually_AgreesWithTheTrace(ulong seed, PositiveInt targetSeed, PositiveInt withinSeed)
    {
        int target = 1 + (targetSeed.Get % 30);
        TimeSpan within = TimeSpan.FromMilliseconds(withinSeed.Get % 400);
        DistSim.Simulation plain = Gossip(seed, crashes: false);
        plain.Run();
        TraceEvent[] deliveries = [.. plain.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver)];
        bool expected = deliveries.Length >= target && deliveries[target - 1].Time <= SimTime.Zero + within;

        DistSim.Simulation watched = Gossip(seed, false, sim => sim.Eventually("enough deliveries", () => sim.Messages.Delivered >= target, within));
        RunResult result = watched.Run();
        PropertyState state = watched.Properties.Single();

        return expected
            ? (state.Status == PropertyStatus.Satisfied && state.Time == deliveries[target - 1].Time && result.Fingerprint == plain.Trace.Fingerprint).Label("satisfied at the delivery")
            : (state.Status == PropertyStatus.Violated && result.Failure!.Time == SimTime.Zero + within).Label($"violated at the deadline ({state})");
    }

    /// <summary>The ticker's count; 0 while it is down or not started.</summary>
    private static int Ticks(DistSim.Simulation sim, NodeId node) => sim.GetNode(node) is Ticker t ? t.Count : 0;

    private static DistSim.Simulation Gossip(ulong seed, bool crashes, Action<DistSim.Simulation>? watch = null)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            ThrowOnNodeFault = false,
            TimeLimit = TimeSpan.FromSeconds(1),
            Network = new FairLossLinkOptions { LossProbability = 0.2, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5)) },
            Nemesis = crashes ? new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromMilliseconds(200), Until = TimeSpan.FromMilliseconds(600) } : null,
        });
        for (int i = 0; i < 3; i++)
        {
            sim.AddNode("g" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(c.Random.NextBelow(10))),
                onTimer: (c, _) =>
                {
                    if (c.Random.NextBelow(10) < 8)
                    {
                        c.Send(new NodeId((int)c.Random.NextBelow(3)), new Ping((int)c.Random.NextBelow(1000)));
                        c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(40)));
                    }
                }), FailureModels.CrashRecover());
        }

        watch?.Invoke(sim);
        return sim;
    }
}
