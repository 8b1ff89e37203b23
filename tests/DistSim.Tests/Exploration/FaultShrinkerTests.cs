using DistSim.Checking;
using DistSim.Exploration;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Timing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Exploration;

public class FaultShrinkerTests
{
    private static FaultSchedule Pauses(int count) =>
        new(Enumerable.Range(0, count).Select(i => (Fault)new PauseFault(SimTime.FromSeconds(i + 1), new NodeId(i % 4), TimeSpan.FromMilliseconds(100 + i))));

    [Property(MaxTest = 100, DisplayName = "ddmin finds exactly the faults a failure needs, whichever and however many")]
    public Property Shrink_FindsTheCulprits()
    {
        Gen<(int Size, int[] Culprits)> cases =
            from size in Gen.Choose(1, 40)
            from count in Gen.Choose(1, Math.Min(size, 5))
            from culprits in Gen.Shuffle(Enumerable.Range(0, size).ToArray()).Select(a => a.Take(count).Order().ToArray())
            select (size, culprits);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            FaultSchedule schedule = Pauses(c.Size);
            HashSet<SimTime> needed = [.. c.Culprits.Select(i => schedule.Faults[i].At)];
            ShrinkResult result = FaultShrinker.Shrink(schedule, s => needed.IsSubsetOf(s.Faults.Select(f => f.At)), new ShrinkOptions { ShortenDurations = false, MoveLater = false });
            return (result.Shrunk.Faults.Select(f => f.At).SequenceEqual(needed.Order())
                    && result.OneMinimal
                    && result.SizeBefore == c.Size && result.SizeAfter == c.Culprits.Length
                    && result.Replays <= 2 + (c.Culprits.Length * c.Culprits.Length * 3 * (int)Math.Ceiling(Math.Log2(c.Size + 1))) + c.Size)
                .Label($"{c.Size} faults, culprits {string.Join(",", c.Culprits)} -> {result}");
        });
    }

    [Fact(DisplayName = "Durations shrink to the shortest that still fails (within a halving), faults move later")]
    public void Shrink_ShortensAndMovesLater()
    {
        var schedule = new FaultSchedule { FaultsEnd = SimTime.FromSeconds(20) }
            .Pause(SimTime.FromSeconds(1), new NodeId(0), TimeSpan.FromSeconds(4))
            .Crash(SimTime.FromSeconds(2), new NodeId(1));

        // Fails while node 0 is paused for at least 300 ms and the pause starts before 10 s; the crash is noise.
        ShrinkResult result = FaultShrinker.Shrink(schedule, s => s.Faults.OfType<PauseFault>().Any(p => p.Duration >= TimeSpan.FromMilliseconds(300) && p.At < SimTime.FromSeconds(10)));
        PauseFault pause = Assert.IsType<PauseFault>(Assert.Single(result.Shrunk.Faults));
        Assert.InRange(pause.Duration, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600));
        Assert.InRange(pause.At, SimTime.FromSeconds(9.99), SimTime.FromSeconds(10));
        Assert.Equal(2, result.SizeBefore);
        Assert.Equal(2.0, result.ReductionFactor);
        Assert.True(result.OneMinimal);
    }

    [Fact(DisplayName = "A failure that needs no fault shrinks to the empty schedule")]
    public void Shrink_ToNothing()
    {
        ShrinkResult result = FaultShrinker.Shrink(Pauses(5), _ => true);
        Assert.Equal(0, result.SizeAfter);
        Assert.True(double.IsPositiveInfinity(result.ReductionFactor));
    }

    [Fact(DisplayName = "A schedule whose replay does not fail is refused: the replay does not reproduce the run")]
    public void Shrink_RefusesAPassingSchedule()
    {
        var e = Assert.Throws<ArgumentException>(() => FaultShrinker.Shrink(Pauses(3), _ => false));
        Assert.Equal("failing", e.ParamName);
    }

    [Fact(DisplayName = "The budget bounds the replays, and a cut-short result says it is not known to be 1-minimal")]
    public void Shrink_StopsAtTheBudget()
    {
        int calls = 0;
        ShrinkResult result = FaultShrinker.Shrink(Pauses(30), s =>
        {
            calls++;
            return s.Count >= 7;
        }, new ShrinkOptions { MaxReplays = 10 });
        Assert.Equal(10, calls);
        Assert.Equal(10, result.Replays);
        Assert.False(result.OneMinimal);
        Assert.True(result.SizeAfter >= 7);
    }

    [Fact(DisplayName = "Cancelled, a shrink stops between replays with the smallest failing schedule found so far")]
    public void ACancelledShrink_ReturnsTheBestSoFar()
    {
        // Fails while the schedule keeps the faults at 3 s, 11 s and 17 s (of 24); the token is cancelled during replay
        // stopAt, for every stopAt up to one past the replays the uncancelled shrink makes.
        FaultSchedule schedule = Pauses(24);
        HashSet<SimTime> needed = [SimTime.FromSeconds(3), SimTime.FromSeconds(11), SimTime.FromSeconds(17)];
        bool Fails(FaultSchedule s) => needed.IsSubsetOf(s.Faults.Select(f => f.At));
        ShrinkResult whole = FaultShrinker.Shrink(schedule, Fails);
        Assert.True(whole.OneMinimal && whole.SizeAfter == 3 && !whole.Cancelled, whole.ToString());

        int previousSize = int.MaxValue;
        for (int stopAt = 1; stopAt <= whole.Replays + 1; stopAt++)
        {
            using var source = new CancellationTokenSource();
            int replays = 0;
            int stop = stopAt;
            ShrinkResult stopped = FaultShrinker.Shrink(
                schedule,
                s =>
                {
                    if (++replays == stop)
                    {
                        source.Cancel();
                    }

                    return Fails(s);
                },
                new ShrinkOptions { CancellationToken = source.Token });
            string where = $"stop at {stopAt}: {stopped} (uncancelled: {whole})";
            Assert.True(Fails(stopped.Shrunk), where); // every schedule on the way was replayed and failed
            Assert.Equal(Math.Min(stopAt, whole.Replays), stopped.Replays);
            Assert.Equal(stopped.Replays, replays);
            Assert.Equal(stopAt < whole.Replays, stopped.Cancelled);
            if (stopped.Cancelled)
            {
                Assert.EndsWith(stopped.OneMinimal ? ", 1-minimal, cancelled" : "replay(s), cancelled", stopped.ToString(), StringComparison.Ordinal);
                Assert.True(!stopped.OneMinimal || stopped.Shrunk.Faults.All(f => !Fails(stopped.Shrunk.With([.. stopped.Shrunk.Faults.Where(g => g != f)]))), where);
            }
            else
            {
                Assert.Equal(whole.Shrunk.ToJson(), stopped.Shrunk.ToJson()); // a stop after the last replay changes nothing
                Assert.True(stopped.OneMinimal);
            }

            Assert.True(stopped.SizeAfter <= previousSize, $"{where}: larger than when stopped earlier ({previousSize})"); // the same path, cut later
            previousSize = stopped.SizeAfter;
        }
    }

    [Fact(DisplayName = "Cancelled before the first replay, a shrink returns the schedule given, unreplayed")]
    public void ACancelledShrink_BeforeAnyReplay()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        FaultSchedule schedule = Pauses(4);
        ShrinkResult result = FaultShrinker.Shrink(schedule, _ => throw new InvalidOperationException("nothing is replayed once cancelled"), new ShrinkOptions { CancellationToken = source.Token });
        Assert.True(result.Cancelled);
        Assert.Equal(0, result.Replays);
        Assert.Same(schedule, result.Shrunk);
        Assert.False(result.OneMinimal);
    }

    [Fact]
    public void BadOptions_AreRefusedNamingTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FaultShrinker.Shrink(Pauses(2), _ => true, new ShrinkOptions { MaxReplays = 0 }));
        Assert.Equal("MaxReplays", e.ParamName);
    }

    [Fact(DisplayName = "Shrinking a real run by its violated property: a replayed crash schedule down to the one crash that matters")]
    public void ShrinkProperty_OnARealRun()
    {
        // Three nodes crash and restart at random; the property "node 2 is never down while node 0 is" fails. The shrunk
        // schedule must keep one crash of each and still violate it when replayed.
        DistSim.Simulation Run(FaultSchedule? schedule, FaultRecording recording)
        {
            var sim = new DistSim.Simulation(new SimulationOptions
            {
                Seed = 11,
                RecordFaults = recording,
                FaultSchedule = schedule,
                Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(1), Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400)), Until = TimeSpan.FromSeconds(30) },
                ThrowOnNodeFault = false,
            });
            for (int i = 0; i < 3; i++)
            {
                sim.AddNode("n" + i, () => new Support.Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10)), onTimer: (c, _) => c.SetTimer(TimeSpan.FromMilliseconds(10))), FailureModels.CrashRecover());
            }

            sim.Always("not both down", () => sim.IsUp(new NodeId(0)) || sim.IsUp(new NodeId(2)));
            sim.RunUntil(SimTime.FromSeconds(40));
            return sim;
        }

        DistSim.Simulation failing = Run(null, FaultRecording.Nemesis);
        Assert.Contains(failing.Properties, p => p.Name == "not both down" && p.Status == PropertyStatus.Violated);
        FaultSchedule recorded = failing.RecordedFaults;
        Assert.True(recorded.Count >= 3, recorded.ToString()); // more crashes than the two that overlap

        ShrinkResult result = FaultShrinker.ShrinkProperty(recorded, s => Run(s, FaultRecording.Off), "not both down");
        Assert.Equal(2, result.SizeAfter);
        Assert.Equal([0, 2], result.Shrunk.Faults.Cast<CrashFault>().Select(c => c.Node.Value).Order());
        Assert.True(result.OneMinimal);
        Assert.Contains(Run(result.Shrunk, FaultRecording.Off).Properties, p => p.Name == "not both down" && p.Status == PropertyStatus.Violated);
    }
}
