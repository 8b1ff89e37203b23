using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Testing;
using DistSim.Tests.Checking;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Testing;

public class DistSimGenTests
{
    private static DistSim.Simulation Cluster(ulong seed, FaultPlan plan, FailureModel? model = null)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 3; i++)
        {
            sim.AddNode("t" + i, () => new Ticker(TimeSpan.FromMilliseconds(100), 150), model ?? FailureModels.CrashRecover());
        }

        plan.ApplyTo(sim);
        return sim;
    }

    [Property(MaxTest = 100)]
    public Property EveryGeneratedPlan_AppliesAndRuns_AndItsFaultsHappen() => Prop.ForAll(
        DistSimGen.SeedArbitrary(),
        DistSimGen.FaultPlanArbitrary(nodes: 3, horizon: TimeSpan.FromSeconds(10), kinds: FaultPlanKinds.Recoverable | FaultPlanKinds.CrashStop),
        (seed, plan) =>
        {
            DistSim.Simulation sim = Cluster(seed, plan);
            RunResult result = sim.Run();
            int crashesPlanned = plan.Faults.Count(f => f.Kind is PlannedFaultKind.Crash or PlannedFaultKind.CrashFor);
            bool inHorizon = plan.Faults.All(f => f.At <= SimTime.FromSeconds(10) && f.Duration <= TimeSpan.FromSeconds(1));
            bool ordered = plan.Faults.Zip(plan.Faults.Skip(1)).All(p => p.First.At <= p.Second.At);
            int crashes = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash);
            return (result.Failure is null && inHorizon && ordered && crashes <= crashesPlanned && (crashesPlanned == 0 || crashes >= 1))
                .Label($"{plan}: {result.Outcome}, {crashes} crashes traced of {crashesPlanned} planned");
        });

    [Fact]
    public void Seeds_CoverTheWholeRange()
    {
        ulong[] seeds = DistSimGen.Seeds.Sample(200, 1).ToArray();

        Assert.Contains(seeds, s => s > (1UL << 63));
        Assert.Contains(seeds, s => s < (1UL << 63));
        Assert.True(seeds.Distinct().Count() > 190);
    }

    [Fact]
    public void Shrinking_AFailingPlan_EndsWithTheOneFaultThatMatters()
    {
        // The planted bug: the property fails whenever node 1 crashes for more than 200 ms.
        Property property = Prop.ForAll(
            DistSimGen.FaultPlanArbitrary(nodes: 3, horizon: TimeSpan.FromSeconds(10), maxFaults: 8),
            plan =>
            {
                DistSim.Simulation sim = Cluster(42, plan);
                sim.Run();
                TraceEvent[] events = [.. sim.Trace.Events];
                bool longOutage = events.Where(e => e.Kind == TraceEventKind.Crash && e.Node == new NodeId(1))
                    .Any(crash => events.FirstOrDefault(r => r.Kind == TraceEventKind.Restart && r.Node == crash.Node && r.Index > crash.Index) is var restart
                        && (restart.Kind != TraceEventKind.Restart || restart.Time - crash.Time > TimeSpan.FromMilliseconds(200)));
                return !longOutage;
            });

        Exception e = Assert.ThrowsAny<Exception>(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithReplay(7, 11)));

        // The shrunk counterexample is printed as C#: one CrashFor of node 1, a little over 200 ms, at time 0.
        string shrunk = e.Message[e.Message.LastIndexOf("new FaultSchedule()", StringComparison.Ordinal)..];
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(shrunk, @"\.\w+\(SimTime"));
        Assert.Contains(".CrashFor(SimTime.FromStart(TimeSpan.FromMilliseconds(0)), new NodeId(1), TimeSpan.FromMilliseconds(2", shrunk);
    }

    [Fact]
    public void APlanPrintsAsTheCSharpThatRebuildsIt()
    {
        var plan = new FaultPlan(
        [
            new PlannedFault(PlannedFaultKind.CrashFor, SimTime.FromSeconds(1.5), new NodeId(2), TimeSpan.FromMilliseconds(250)),
            new PlannedFault(PlannedFaultKind.Cut, SimTime.FromSeconds(3), new NodeId(0), TimeSpan.FromSeconds(1), new NodeId(1)),
        ]);

        Assert.Equal(
            "new FaultSchedule()\n" +
            "    .CrashFor(SimTime.FromStart(TimeSpan.FromMilliseconds(1500)), new NodeId(2), TimeSpan.FromMilliseconds(250))\n" +
            "    .Cut(SimTime.FromStart(TimeSpan.FromMilliseconds(3000)), new NodeId(0), new NodeId(1)).Heal(SimTime.FromStart(TimeSpan.FromMilliseconds(4000)));",
            plan.ToCSharp());
        Assert.Equal(
            ["1.5 s: crash node 2 for 250 ms", "3 s: cut 0->1", "4 s: heal"],
            plan.ToSchedule().Steps);
    }

    /// <summary>The printed C#, compiled and run, rebuilds exactly the plan's schedule, for any times down to the tick.</summary>
    [Property(MaxTest = 25)]
    public Property ThePrintedCSharp_RebuildsTheSameSchedule(PositiveInt[] ticks)
    {
        PlannedFault[] faults = [.. ticks.Take(6).Select((t, i) => new PlannedFault(
            (PlannedFaultKind)(i % 5),
            SimTime.FromStart(TimeSpan.FromTicks(t.Get * 7919L)),
            new NodeId(i % 3),
            i % 5 == 1 ? TimeSpan.Zero : TimeSpan.FromTicks(t.Get * 104729L % 50_000_000 + 1),
            i % 5 == 4 ? new NodeId((i + 1) % 3) : null))];
        var plan = new FaultPlan(faults);
        var program = new DistSim.Tests.Docs.DocSnippet("plan.cs", 1,
            "using DistSim.Failures;\nusing DistSim.Nodes;\nusing DistSim.Time;\npublic static class Rebuilt { public static FaultSchedule Schedule() => " + plan.ToCSharp() + " }");

        (byte[]? assembly, IReadOnlyList<string> errors) = DistSim.Tests.Docs.DocSnippets.Compile(program);

        if (assembly is null)
        {
            return false.Label(string.Join('\n', errors) + "\n" + plan.ToCSharp());
        }

        var rebuilt = (FaultSchedule)System.Reflection.Assembly.Load(assembly).GetType("Rebuilt")!.GetMethod("Schedule")!.Invoke(null, null)!;
        return rebuilt.Steps.SequenceEqual(plan.ToSchedule().Steps).Label(plan.ToCSharp());
    }

    [Fact]
    public void Shrink_ProposesFewerShorterAndEarlierFaults()
    {
        var plan = new FaultPlan(
        [
            new PlannedFault(PlannedFaultKind.Pause, SimTime.FromSeconds(4), new NodeId(0), TimeSpan.FromMilliseconds(800)),
            new PlannedFault(PlannedFaultKind.Isolate, SimTime.FromSeconds(6), new NodeId(1), TimeSpan.FromMilliseconds(300)),
        ]);

        FaultPlan[] candidates = [.. DistSimGen.Shrink(plan)];

        Assert.Contains(candidates, c => c.Faults.Count == 1);
        Assert.Contains(candidates, c => c.Faults.Any(f => f.Duration == TimeSpan.FromMilliseconds(400)));
        Assert.Contains(candidates, c => c.Faults.Any(f => f.At == SimTime.FromSeconds(2)));
        Assert.All(candidates, c => Assert.True(c.Faults.Count < 2 || c.Faults.Sum(f => f.Duration.Ticks + f.At.Ticks) < plan.Faults.Sum(f => f.Duration.Ticks + f.At.Ticks)));
    }

    [Fact]
    public void BadArguments_AreNamed()
    {
        Assert.Equal("nodes", Assert.Throws<ArgumentOutOfRangeException>(() => DistSimGen.FaultPlans(0, TimeSpan.FromSeconds(1))).ParamName);
        Assert.Equal("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => DistSimGen.FaultPlans(3, TimeSpan.Zero)).ParamName);
        Assert.Equal("kinds", Assert.Throws<ArgumentOutOfRangeException>(() => DistSimGen.FaultPlans(3, TimeSpan.FromSeconds(1), FaultPlanKinds.None)).ParamName);
        Assert.Equal("nodes", Assert.Throws<ArgumentOutOfRangeException>(() => DistSimGen.FaultPlans(1, TimeSpan.FromSeconds(1), FaultPlanKinds.Cut)).ParamName);
        Assert.Equal("maxFaults", Assert.Throws<ArgumentOutOfRangeException>(() => DistSimGen.FaultPlans(3, TimeSpan.FromSeconds(1), maxFaults: -1)).ParamName);
    }
}
