using DistSim.Diagnostics;
using DistSim.Scheduling;
using DistSim.Testing;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Scheduling;

public class SchedulerTests
{
    /// <summary>The strategies that pick, each a few ways.</summary>
    private static readonly Scheduler[] Exploring =
    [
        Schedulers.Pct(1, 200), Schedulers.Pct(2, 200), Schedulers.Pct(3, 200),
        Schedulers.DelayBounding(1, 200), Schedulers.DelayBounding(2, 200), Schedulers.DelayBounding(8, 50),
        Schedulers.Pct(3, 100, postponeLimit: TimeSpan.FromMilliseconds(2)),
    ];

    private static Arbitrary<Scheduler> ExploringArbitrary() => Gen.Elements(Exploring).ToArbitrary();

    private static TraceEvent[] Events(Workload w) => [.. w.Simulation.Trace.Events];

    [Property(MaxTest = 60)]
    public Property SameSeed_SameTrace_ForEveryStrategy() => Prop.ForAll(DistSimGen.SeedArbitrary(), ExploringArbitrary(), (seed, scheduler) =>
    {
        Divergence? d = DeterminismCheck.Compare(seed, s => new Workload(s, scheduler, nemesis: true).Run().Simulation);
        Assert.Null(d);
    });

    [Property(MaxTest = 60)]
    public Property FifoAndRandomTieBreak_AsSchedulers_RunAsTheEnumDoes() => Prop.ForAll(DistSimGen.SeedArbitrary(), seed =>
    {
        ulong fifo = new Workload(seed, Schedulers.Fifo, nemesis: true, setScheduler: false).Run().Simulation.Trace.Fingerprint;
        Assert.Equal(fifo, new Workload(seed, Schedulers.Fifo, nemesis: true).Run().Simulation.Trace.Fingerprint);
        ulong random = new Workload(seed, Schedulers.Fifo, nemesis: true, scheduling: SchedulingStrategy.RandomTieBreak, setScheduler: false).Run().Simulation.Trace.Fingerprint;
        Assert.Equal(random, new Workload(seed, Schedulers.RandomTieBreak, nemesis: true).Run().Simulation.Trace.Fingerprint);
        Assert.Equal(random, new Workload(seed, Schedulers.RandomTieBreak, nemesis: true, scheduling: SchedulingStrategy.RandomTieBreak).Run().Simulation.Trace.Fingerprint);
    });

    [Property(MaxTest = 60)]
    public Property PickingTheFirstCandidate_IsFifo_EventForEvent() => Prop.ForAll(DistSimGen.SeedArbitrary(), seed =>
    {
        // The picking path (no lane, candidates off the heap) with FIFO's choice runs FIFO's run, faults included.
        TraceEvent[] fifo = Events(new Workload(seed, Schedulers.Fifo, nemesis: true).Run());
        Assert.Equal(fifo, Events(new Workload(seed, Schedulers.DelayBounding(0, 10), nemesis: true).Run()));
        Assert.Equal(fifo, Events(new Workload(seed, new Recording(), nemesis: true).Run()));
    });

    [Property(MaxTest = 40)]
    public Property Timers_FireAtTheirInstant_CancelledOnesNever_UnderEveryStrategy() => Prop.ForAll(DistSimGen.SeedArbitrary(), ExploringArbitrary(), (seed, scheduler) =>
    {
        Workload w = new Workload(seed, scheduler, nemesis: true).Run();
        Assert.Empty(w.Violations);
        Assert.True(w.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.TimerFired) > 20);
    });

    [Property(MaxTest = 40)]
    public Property VirtualTime_NeverGoesBack_AndNoPacketArrivesBeforeItIsSent() => Prop.ForAll(DistSimGen.SeedArbitrary(), ExploringArbitrary(), (seed, scheduler) =>
    {
        TraceEvent[] events = Events(new Workload(seed, scheduler, nemesis: true).Run());
        for (int i = 1; i < events.Length; i++)
        {
            Assert.True(events[i].Time >= events[i - 1].Time, $"event {i} at {events[i].Time} after one at {events[i - 1].Time}");
        }

        var sent = events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time);
        Assert.All(events.Where(e => e.Kind == TraceEventKind.Deliver), e => Assert.True(e.Time.Ticks - sent[e.MessageId].Ticks >= TimeSpan.FromMilliseconds(1).Ticks));
    });

    [Property(MaxTest = 40)]
    public Property Faults_RunWhereFifoRunsThem_AndAreNeverCandidates() => Prop.ForAll(DistSimGen.SeedArbitrary(), ExploringArbitrary(), (seed, scheduler) =>
    {
        static string[] Faults(Workload w) => [.. w.Simulation.Trace.Events.Where(e => e.Kind is TraceEventKind.Crash or TraceEventKind.Restart).Select(e => $"{e.Time} {e.Kind} {e.Node}")];

        string[] fifo = Faults(new Workload(seed, Schedulers.Fifo, nemesis: true).Run());
        Assert.NotEmpty(fifo);
        Assert.Equal(fifo, Faults(new Workload(seed, scheduler, nemesis: true).Run()));

        var recording = new Recording();
        Workload w = new Workload(seed, recording, nemesis: true).Run();
        Assert.Equal(0, recording.Seen.Count(c => c.Kind == SchedulingEventKind.Action)); // the nemesis's faults are never offered
        Assert.Equal(w.Simulation.EventsExecuted - Faults(w).Length, recording.Steps);
    });

    [Property(MaxTest = 40)]
    public Property SynchronousModel_DelayBoundHolds_UnderEveryStrategy() => Prop.ForAll(DistSimGen.SeedArbitrary(), ExploringArbitrary(), (seed, scheduler) =>
    {
        TimeSpan delta = TimeSpan.FromMilliseconds(6);
        TraceEvent[] events = Events(new Workload(seed, scheduler, TimingModels.Synchronous(delta, TimeSpan.FromMilliseconds(1))).Run());
        var sent = events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time.Ticks);
        Assert.All(events.Where(e => e.Kind == TraceEventKind.Deliver), e => Assert.InRange(e.Time.Ticks - sent[e.MessageId], delta.Ticks / 6, delta.Ticks));
    });

    [Property(MaxTest = 30)]
    public Property PartiallySynchronousModel_ArrivesBy_MaxOfSendAndGst_PlusDelta() => Prop.ForAll(DistSimGen.SeedArbitrary(), ExploringArbitrary(), (seed, scheduler) =>
    {
        TimeSpan delta = TimeSpan.FromMilliseconds(10);
        var gst = SimTime.FromStart(TimeSpan.FromMilliseconds(15));
        Workload w = new Workload(seed, scheduler, TimingModels.PartiallySynchronous(delta, Delay.Exponential(TimeSpan.FromMilliseconds(20)), gst)).Run();
        TraceEvent[] events = Events(w);
        var sent = events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time.Ticks);
        Assert.All(events.Where(e => e.Kind == TraceEventKind.Deliver), e => Assert.True(e.Time.Ticks <= Math.Max(sent[e.MessageId], gst.Ticks) + delta.Ticks));
    });

    [Property(MaxTest = 30)]
    public Property PostponeLimit_BoundsHowLateAPacketArrives() => Prop.ForAll(DistSimGen.SeedArbitrary(), seed =>
    {
        TimeSpan limit = TimeSpan.FromMilliseconds(3);
        TraceEvent[] events = Events(new Workload(seed, Schedulers.Pct(3, 100, limit)).Run());
        var sent = events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time.Ticks);
        Assert.All(events.Where(e => e.Kind == TraceEventKind.Deliver), e => Assert.True(e.Time.Ticks - sent[e.MessageId] <= TimeSpan.FromMilliseconds(9).Ticks + limit.Ticks));
    });

    [Fact]
    public void Pct_Unbounded_PostponesPackets_PastTheirDrawnArrival()
    {
        // The link draws at most 9 ms; PCT makes some packets wait far longer (the asynchronous model allows any delay).
        long longest = Enumerable.Range(0, 20).Max(s =>
        {
            TraceEvent[] events = Events(new Workload((ulong)s, Schedulers.Pct(2, 200)).Run());
            var sent = events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time.Ticks);
            return events.Where(e => e.Kind == TraceEventKind.Deliver).Max(e => e.Time.Ticks - sent[e.MessageId]);
        });
        Assert.True(longest > TimeSpan.FromMilliseconds(9).Ticks, $"longest delay {TimeSpan.FromTicks(longest)}");
    }

    [Fact]
    public void DifferentStrategies_GiveDifferentRuns_OfOneSeed()
    {
        long k = new Workload(9, Schedulers.Fifo).Run().Simulation.EventsExecuted; // the estimate of a run's steps
        ulong[] prints = [.. new[] { Schedulers.Fifo, Schedulers.Pct(1, k), Schedulers.Pct(3, k), Schedulers.DelayBounding(2, k) }
            .Select(s => new Workload(9, s).Run().Simulation.Trace.Fingerprint)];
        Assert.Equal(prints.Length, prints.Distinct().Count());
    }

    /// <summary>A user strategy that picks FIFO's choice and keeps what it was offered.</summary>
    private sealed class Recording() : Scheduler("recording")
    {
        public List<SchedulingCandidate> Seen { get; } = [];

        public long Steps { get; private set; }

        protected internal override SchedulerRun Begin(DistSim.Random.RandomStream random) => new Run(this);

        private sealed class Run(Recording owner) : SchedulerRun
        {
            public override int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step)
            {
                Assert.Equal(owner.Steps, step);
                owner.Steps++;
                foreach (SchedulingCandidate c in candidates)
                {
                    owner.Seen.Add(c);
                }

                return 0;
            }
        }
    }
}
