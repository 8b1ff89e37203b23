using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Timing;

public class TimingModelTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>A and B ping each other every 7 ms for 2 s over a link with exponential delays; returns each message's (sent, delivered).</summary>
    private static (DistSim.Simulation Sim, List<(SimTime Sent, SimTime Delivered)> Flights) PingPong(ulong seed, TimingModel timing, TimeSpan meanDelay)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Timing = timing,
            Network = new FairLossLinkOptions { Delay = Delay.Exponential(meanDelay) },
            TimeLimit = TimeSpan.FromDays(2),
        });
        foreach ((string name, NodeId peer) in new[] { ("A", B), ("B", A) })
        {
            sim.AddNode(name, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(7)),
                onTimer: (c, _) =>
                {
                    c.Send(peer, new Ping(0));
                    if (sim.Now < SimTime.FromSeconds(2))
                    {
                        c.SetTimer(TimeSpan.FromMilliseconds(7));
                    }
                }));
        }

        sim.Run();
        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time);
        return (sim, sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).Select(e => (sent[e.MessageId], e.Time)).ToList());
    }

    public static Arbitrary<(ulong Seed, int DeltaMs, int MinMs)> Bounds() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from delta in Gen.Choose(1, 50)
         from min in Gen.Choose(0, 50)
         select (seed, delta, Math.Min(min, delta))).ToArbitrary();

    [Property(MaxTest = 25, Arbitrary = [typeof(TimingModelTests)])]
    public bool Synchronous_NoDeliveryTakesLongerThanDelta_OrLessThanTheMinimum((ulong Seed, int DeltaMs, int MinMs) c)
    {
        TimeSpan delta = TimeSpan.FromMilliseconds(c.DeltaMs), min = TimeSpan.FromMilliseconds(c.MinMs);
        (_, var flights) = PingPong(c.Seed, TimingModels.Synchronous(delta, min), TimeSpan.FromMilliseconds(20));
        return flights.Count > 400 && flights.All(f => f.Delivered - f.Sent <= delta && f.Delivered - f.Sent >= min);
    }

    public static Arbitrary<(ulong Seed, int DriftPpm, int SkewMs)> Clocks() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from drift in Gen.Choose(0, 5000)
         from skew in Gen.Choose(0, 100)
         select (seed, drift, skew)).ToArbitrary();

    [Property(MaxTest = 25, Arbitrary = [typeof(TimingModelTests)])]
    public bool Synchronous_NoLocalClockDriftsBeyondEpsilon((ulong Seed, int DriftPpm, int SkewMs) c)
    {
        double epsilon = c.DriftPpm / 1e6;
        TimeSpan skew = TimeSpan.FromMilliseconds(c.SkewMs);
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = c.Seed, Timing = TimingModels.Synchronous(TimeSpan.FromMilliseconds(10), drift: epsilon, clockSkew: skew) });
        for (int i = 0; i < 5; i++)
        {
            sim.AddNode("n" + i, () => new Receiver());
        }

        for (int second = 0; second <= 1000; second += 50)
        {
            sim.RunUntil(SimTime.FromSeconds(second));
            foreach (NodeId n in sim.Nodes)
            {
                // local − true = offset + drift·t, with offset in [0, skew] and |drift| ≤ ε
                long error = sim.LocalNowOf(n).Ticks - sim.Now.Ticks;
                double allowed = epsilon * sim.Now.Ticks;
                if (error < -allowed - 1 || error > allowed + skew.Ticks + 1 || Math.Abs(sim.DriftOf(n)) > epsilon)
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Fact]
    public void PartiallySynchronous_AfterGstWithinDelta_BeforeGstByGstPlusDelta()
    {
        TimeSpan delta = TimeSpan.FromMilliseconds(5);
        SimTime gst = SimTime.FromSeconds(1);
        (_, var flights) = PingPong(3, TimingModels.PartiallySynchronous(delta, Delay.Pareto(TimeSpan.FromMilliseconds(10), 1.2), gst), TimeSpan.FromMilliseconds(2));

        var before = flights.Where(f => f.Sent < gst).ToList();
        var after = flights.Where(f => f.Sent >= gst).ToList();
        Assert.True(before.Count > 100 && after.Count > 100);
        Assert.All(after, f => Assert.True(f.Delivered - f.Sent <= delta));
        Assert.All(before, f => Assert.True(f.Delivered <= gst + delta));
        Assert.Contains(before, f => f.Delivered - f.Sent > delta * 10); // before GST: no bound
    }

    [Fact]
    public void PartiallySynchronous_GstIsDrawnFromTheSeed()
    {
        TimingModel model = TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(5), Delay.Exponential(TimeSpan.FromMilliseconds(50)), gstMax: TimeSpan.FromSeconds(10));
        SimTime? Gst(ulong seed) => new DistSim.Simulation(new SimulationOptions { Seed = seed, Timing = model }).Gst;

        Assert.Equal(Gst(1), Gst(1));
        Assert.Equal(10, Enumerable.Range(0, 10).Select(s => Gst((ulong)s)).Distinct().Count());
        Assert.All(Enumerable.Range(0, 50), s => Assert.InRange(Gst((ulong)s)!.Value, SimTime.Zero, SimTime.FromSeconds(10)));
        Assert.Null(new DistSim.Simulation(new SimulationOptions { Seed = 1 }).Gst);
    }

    [Fact]
    public void Asynchronous_DelaysBeyondAnyFixedBoundOccur()
    {
        (_, var flights) = PingPong(5, TimingModels.Asynchronous(Delay.Pareto(TimeSpan.FromMilliseconds(1), 1.1)), TimeSpan.FromMilliseconds(1));
        TimeSpan longest = flights.Max(f => f.Delivered - f.Sent);
        Assert.True(longest > TimeSpan.FromMilliseconds(200), $"{longest}"); // 200 times the scale: no fixed bound holds
    }

    [Fact]
    public void Asynchronous_HoldsChosenMessages_ForALongButFiniteTime()
    {
        var model = TimingModels.Asynchronous(Delay.Constant(TimeSpan.Zero), holdProbability: 1, holdFor: Delay.Constant(TimeSpan.FromHours(5)), holdWhen: m => m is Ping { Seq: 3 });
        (DistSim.Simulation sim, Receiver b) = Run(model);
        Assert.Equal([0, 1, 2, 4, 3], b.Received.Select(r => ((Ping)r.Message).Seq));
        Assert.Equal(SimTime.FromStart(TimeSpan.FromHours(5) + TimeSpan.FromMilliseconds(1)), sim.Now);

        static (DistSim.Simulation, Receiver) Run(TimingModel model)
        {
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Timing = model, TimeLimit = TimeSpan.FromDays(1) });
            sim.AddNode("A", () => new Sender(B, 5));
            sim.AddNode("B", () => new Receiver());
            sim.Run();
            return (sim, sim.GetNode<Receiver>(B));
        }
    }

    [Fact(DisplayName = "A timer set on a drifting clock fires at the right global time")]
    public void TimerOnADriftingClock_FiresWhenTheLocalClockAdvancedByItsDuration()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 2, Timing = TimingModels.Synchronous(TimeSpan.FromMilliseconds(10), drift: 0.01) });
        SimTime localAtSet = default, localAtFire = default, trueAtFire = default;
        NodeId n = sim.AddNode("n", () => new Scripted(
            onStart: c => { localAtSet = c.LocalNow; c.SetTimer(TimeSpan.FromSeconds(10)); },
            onTimer: (c, _) => { localAtFire = c.LocalNow; trueAtFire = sim.Now; }));
        sim.Run();

        double drift = sim.DriftOf(n);
        Assert.NotEqual(0, drift);
        Assert.InRange(localAtFire - localAtSet, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10) + TimeSpan.FromTicks(2));
        Assert.Equal(10 / (1 + drift), trueAtFire.TotalSeconds, 6);
    }

    [Fact]
    public void StepCorrection_MovesTheLocalClock_AndIsTraced()
    {
        DistSim.Simulation sim = Sims.Create(1);
        NodeId n = sim.AddNode("n", () => new Receiver());
        sim.RunUntil(SimTime.FromSeconds(5));
        sim.StepClock(n, TimeSpan.FromSeconds(-2));

        Assert.Equal(SimTime.FromSeconds(3), sim.LocalNowOf(n));
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.ClockStep);
    }

    [Fact]
    public void Synchronous_StepBoundCapsPauses()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Timing = TimingModels.Synchronous(TimeSpan.FromMilliseconds(10), stepBound: TimeSpan.FromMilliseconds(100)) });
        NodeId n = sim.AddNode("n", () => new Receiver());
        sim.At(SimTime.FromSeconds(1), () => sim.PauseFor(n, TimeSpan.FromSeconds(30)));
        sim.Run();

        Assert.Equal(SimTime.FromSeconds(1.1), sim.Trace.Events.Single(e => e.Kind == TraceEventKind.Resume).Time);
    }

    [Fact]
    public void InvalidTimingOptions_AreRejectedNamingThem()
    {
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => TimingModels.Synchronous(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5))).ParamName);
        Assert.Equal("driftBound", Assert.Throws<ArgumentOutOfRangeException>(() => TimingModels.Synchronous(TimeSpan.FromMilliseconds(1), drift: 0.7)).ParamName);
        Assert.Equal("stepBound", Assert.Throws<ArgumentOutOfRangeException>(() => TimingModels.Synchronous(TimeSpan.FromMilliseconds(1), stepBound: TimeSpan.Zero)).ParamName);
        Assert.Equal("holdProbability", Assert.Throws<ArgumentOutOfRangeException>(() => TimingModels.Asynchronous(Delay.Constant(TimeSpan.Zero), holdProbability: 2)).ParamName);
        Assert.Equal("gstMax", Assert.Throws<ArgumentOutOfRangeException>(() =>
            TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(1), Delay.Constant(TimeSpan.Zero), gstMax: TimeSpan.FromSeconds(-1))).ParamName);
    }

    [Property(MaxTest = 10)]
    public bool EveryTimingModel_SameSeed_SameFingerprint(ulong seed)
    {
        TimingModel[] models =
        [
            TimingModels.Synchronous(TimeSpan.FromMilliseconds(10), drift: 1e-3, clockSkew: TimeSpan.FromMilliseconds(5)),
            TimingModels.Asynchronous(Delay.Exponential(TimeSpan.FromMilliseconds(5)), holdProbability: 0.01),
            TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(5), Delay.Exponential(TimeSpan.FromMilliseconds(50))),
        ];
        return models.All(m => PingPong(seed, m, TimeSpan.FromMilliseconds(3)).Sim.Trace.Fingerprint == PingPong(seed, m, TimeSpan.FromMilliseconds(3)).Sim.Trace.Fingerprint);
    }
}
