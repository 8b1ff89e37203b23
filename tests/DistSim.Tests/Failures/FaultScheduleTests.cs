using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Failures;

public class FaultScheduleTests
{
    private static readonly NodeId A = new(0), B = new(1);

    private static DistSim.Simulation Ring(ulong seed, NemesisOptions? nemesis, params FailureModel[] models) => Ring(seed, nemesis, true, models);

    private static DistSim.Simulation Ring(ulong seed, NemesisOptions? nemesis, bool record, params FailureModel[] models)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, Nemesis = nemesis, TimeLimit = TimeSpan.FromMinutes(2), RecordTrace = record });
        for (int i = 0; i < models.Length; i++)
        {
            var next = new NodeId((i + 1) % models.Length);
            sim.AddNode("n" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(100)),
                onTimer: (c, _) =>
                {
                    c.Send(next, new Ping(0));
                    c.SetTimer(TimeSpan.FromMilliseconds(100));
                }), models[i]);
        }

        sim.RunUntil(SimTime.FromSeconds(60));
        return sim;
    }

    [Fact(DisplayName = "Pause: messages wait, timers fire late, and nothing runs meanwhile")]
    public void Pause_DefersEverythingUntilResume()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Sender(B, 10, TimeSpan.FromMilliseconds(100)));
        sim.AddNode("B", () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(250), "timer")));
        new FaultSchedule().Pause(SimTime.FromSeconds(0.15), B, TimeSpan.FromSeconds(0.5)).ApplyTo(sim);
        sim.Run();

        var atB = sim.Trace.Events.Where(e => e.Node == B && e.Kind is TraceEventKind.Deliver or TraceEventKind.TimerFired).ToList();
        Assert.DoesNotContain(atB, e => e.Time > SimTime.FromSeconds(0.15) && e.Time < SimTime.FromSeconds(0.65));
        TraceEvent timer = Assert.Single(atB, e => e.Kind == TraceEventKind.TimerFired);
        Assert.Equal(SimTime.FromSeconds(0.65), timer.Time); // due at 0.25 s, fired late at the resume
        Assert.Equal(10, atB.Count(e => e.Kind == TraceEventKind.Deliver)); // none lost: they waited
        Assert.Equal(5, atB.Count(e => e.Kind == TraceEventKind.Deliver && e.Time == SimTime.FromSeconds(0.65)));
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Resume);
    }

    [Fact]
    public void Schedule_RefusesAFaultOutsideTheModel()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Receiver(), FailureModels.CrashStop);
        var schedule = new FaultSchedule().Crash(SimTime.FromSeconds(1), A).Restart(SimTime.FromSeconds(2), A);
        var ex = Assert.Throws<ArgumentException>(() => schedule.ApplyTo(sim));
        Assert.Contains("does not allow Restart", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_RunsEveryStepAtItsTime()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Sender(B, 50, TimeSpan.FromMilliseconds(100)));
        sim.AddNode("B", () => new Receiver(), FailureModels.CrashRecover());
        new FaultSchedule()
            .Crash(SimTime.FromSeconds(1), B)
            .Restart(SimTime.FromSeconds(2), B)
            .Partition(SimTime.FromSeconds(3), [A], [B])
            .Heal(SimTime.FromSeconds(4))
            .ApplyTo(sim);
        sim.Run();

        Assert.Equal(SimTime.FromSeconds(1), sim.Trace.Events.Single(e => e.Kind == TraceEventKind.Crash).Time);
        Assert.Equal(SimTime.FromSeconds(2), sim.Trace.Events.Single(e => e.Kind == TraceEventKind.Restart).Time);
        Assert.Equal(SimTime.FromSeconds(3), sim.Trace.Events.Single(e => e.Kind == TraceEventKind.Partition).Time);
        Assert.Equal(SimTime.FromSeconds(4), sim.Trace.Events.Single(e => e.Kind == TraceEventKind.Heal).Time);
    }

    [Fact(DisplayName = "Nemesis: faults only within each node's model")]
    public void Nemesis_StaysWithinEachModel()
    {
        var nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(3), MeanTimeBetweenPauses = TimeSpan.FromSeconds(5) };
        DistSim.Simulation sim = Ring(3, nemesis, FailureModels.None, FailureModels.CrashStop, FailureModels.CrashRecover());
        var crashes = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Crash).ToList();

        Assert.DoesNotContain(crashes, e => e.Node.Value == 0); // correct: never crashes
        Assert.Single(crashes, e => e.Node.Value == 1); // crash-stop: once, for good
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Restart && e.Node.Value == 1);
        Assert.True(crashes.Count(e => e.Node.Value == 2) >= 5); // crash-recover: again and again
        Assert.Equal(crashes.Count(e => e.Node.Value == 2), sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Restart && e.Node.Value == 2));
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Pause && e.Node.Value == 0); // pauses hit everyone
        Assert.False(sim.IsUp(new NodeId(1)));
    }

    [Fact]
    public void Nemesis_AddingANode_DoesNotMoveTheOthersFaults()
    {
        var nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(3) };
        static List<long> CrashTimesOf0(DistSim.Simulation sim) =>
            sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Crash && e.Node.Value == 0).Select(e => e.Time.Ticks).ToList();

        List<long> two = CrashTimesOf0(Ring(5, nemesis, FailureModels.CrashRecover(), FailureModels.CrashRecover()));
        List<long> three = CrashTimesOf0(Ring(5, nemesis, FailureModels.CrashRecover(), FailureModels.CrashRecover(), FailureModels.CrashRecover()));
        Assert.NotEmpty(two);
        Assert.Equal(two, three);
    }

    [Property(MaxTest = 10)]
    public bool Nemesis_IsAFunctionOfTheSeed(ulong seed)
    {
        var nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(2), MeanTimeBetweenPauses = TimeSpan.FromSeconds(2), Until = TimeSpan.FromSeconds(20) };
        return Ring(seed, nemesis, FailureModels.CrashRecover(), FailureModels.CrashRecover()).Trace.Fingerprint
            == Ring(seed, nemesis, FailureModels.CrashRecover(), FailureModels.CrashRecover()).Trace.Fingerprint;
    }

    [Property(MaxTest = 10, DisplayName = "Fault counters: equal to the trace's fault events, and the same without a trace")]
    public bool FaultCounters_MatchTheTrace_WithOrWithoutRecording(ulong seed)
    {
        var nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(2), MeanTimeBetweenPauses = TimeSpan.FromSeconds(3), Until = TimeSpan.FromSeconds(30) };
        FailureModel torn = FailureModels.CrashRecover(tornWrites: true);
        DistSim.Simulation traced = Ring(seed, nemesis, true, torn, FailureModels.CrashRecover(), FailureModels.CrashStop);
        DistSim.Simulation untraced = Ring(seed, nemesis, false, torn, FailureModels.CrashRecover(), FailureModels.CrashStop);
        long Count(TraceEventKind kind) => traced.Trace.Events.Count(e => e.Kind == kind);

        FaultCounters f = traced.Faults;
        return f.Crashes > 0 && f.Pauses > 0
            && f.Crashes == Count(TraceEventKind.Crash) && f.Restarts == Count(TraceEventKind.Restart)
            && f.TornWrites == Count(TraceEventKind.TornWrite) && f.Pauses == Count(TraceEventKind.Pause)
            && untraced.Trace.Events.Count == 0 && !untraced.Trace.IsRecording
            && (untraced.Faults.Crashes, untraced.Faults.Restarts, untraced.Faults.TornWrites, untraced.Faults.Pauses)
                == (f.Crashes, f.Restarts, f.TornWrites, f.Pauses);
    }

    [Fact]
    public void Swarm_TheSeedChoosesTheMix()
    {
        var nemesis = new NemesisOptions { Swarm = true };
        var mixes = Enumerable.Range(0, 40)
            .Select(s => new DistSim.Simulation(new SimulationOptions { Seed = (ulong)s, Nemesis = nemesis }).NemesisRates)
            .ToList();

        Assert.Contains(mixes, m => m.Crashes is null);
        Assert.Contains(mixes, m => m.Crashes is not null);
        Assert.Contains(mixes, m => m.Pauses is null);
        Assert.Contains(mixes, m => m.Pauses is not null);
        Assert.True(mixes.Select(m => m.Crashes).Where(c => c is not null).Distinct().Count() > 10); // rates vary too
        Assert.All(mixes.Where(m => m.Crashes is not null), m => Assert.InRange(m.Crashes!.Value, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(40)));
    }

    [Theory]
    [InlineData("MeanTimeBetweenCrashes")]
    [InlineData("MeanTimeBetweenPauses")]
    [InlineData("Until")]
    public void InvalidNemesis_IsRejectedNamingTheOption(string parameter)
    {
        NemesisOptions bad = parameter switch
        {
            "MeanTimeBetweenCrashes" => new() { MeanTimeBetweenCrashes = TimeSpan.Zero },
            "MeanTimeBetweenPauses" => new() { MeanTimeBetweenPauses = TimeSpan.FromSeconds(-1) },
            _ => new() { Until = TimeSpan.FromSeconds(-1) },
        };
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(() => new DistSim.Simulation(new SimulationOptions { Seed = 1, Nemesis = bad })).ParamName);
    }
}
