using DistSim.Exploration;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Exploration;

/// <summary>Bounded exhaustive search: complete within its bounds, finds what it must, replays what it finds.</summary>
public class ExplorerTests
{
    private sealed record Value(int Sender);

    /// <summary>
    /// Nodes 1 … n each send their number to node 0 at start (delays 1 – 9 ms); node 0 records the order of arrival.
    /// Returns the order; losses and crashes as the run's options allow.
    /// </summary>
    private static List<int> Gather(ExplorationRun run, int senders, FailureModel? receiverModel = null)
    {
        var order = new List<int>();
        var sim = new DistSim.Simulation(run.Apply(new SimulationOptions
        {
            Seed = 3,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(9)) },
        }));
        sim.AddNode("sink", () => new Scripted(onMessage: (_, _, m) => order.Add(((Value)m).Sender)), receiverModel ?? FailureModels.None);
        for (int i = 1; i <= senders; i++)
        {
            int me = i;
            sim.AddNode("s" + i, () => new Scripted(onStart: c => c.Send(new NodeId(0), new Value(me))));
        }

        sim.Run();
        return order;
    }

    private static long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    private static long Binomial(int n, int k) => k < 0 || k > n ? 0 : Factorial(n) / (Factorial(k) * Factorial(n - k));

    [Property(MaxTest = 5, DisplayName = "Every order of n messages to one node is explored (n! orders; more paths: no partial-order reduction)")]
    public Property EveryOrder_IsExplored() => Prop.ForAll(Gen.Choose(1, 5).ToArbitrary(), n =>
    {
        var seen = new HashSet<string>();
        ExplorationResult result = Explorer.Explore(run =>
        {
            seen.Add(string.Join(",", Gather(run, n)));
            return false;
        }, new ExplorationOptions { MaxDepth = 100 });
        return (result.Complete && result.Paths >= Factorial(n) && seen.Count == Factorial(n) && !result.ViolationFound)
            .Label($"n={n}: {result.Paths} paths, {seen.Count} orders");
    });

    [Property(MaxTest = 12, DisplayName = "Every set of up to k lost packets among m is explored, each once")]
    public Property EveryDropSet_IsExplored() => Prop.ForAll(Gen.Choose(1, 6).ToArbitrary(), Gen.Choose(0, 3).ToArbitrary(), (m, k) =>
    {
        var seen = new HashSet<string>();
        ExplorationResult result = Explorer.Explore(run =>
        {
            seen.Add(string.Join(",", Gather(run, m).Order()));
            return false;
        }, new ExplorationOptions { ExploreOrder = false, MaxDrops = k, MaxDepth = 100 });
        long expected = Enumerable.Range(0, k + 1).Sum(i => Binomial(m, i));
        return (result.Complete && result.Paths == expected && seen.Count == expected).Label($"m={m}, k={k}: {result.Paths} paths, expected {expected}");
    });

    [Fact(DisplayName = "A race FIFO never shows is found by search, and its path replays it")]
    public void FindsARace_AndReplaysIt()
    {
        Assert.Equal([3, 1, 2], Gather(new ExplorationRun([], null, new ExplorationOptions(), null), 3)); // FIFO: the drawn delays put 3 first
        bool Violated(ExplorationRun run) => Gather(run, 3) is [1, 2, 3]; // the senders' order, which the delays never give

        ExplorationResult result = Explorer.Explore(Violated, new ExplorationOptions { MaxDepth = 100 });
        Assert.True(result.ViolationFound);
        Assert.False(result.Complete); // stopped at the violation
        Assert.InRange(result.Paths, 2, 1_000);
        Assert.All(result.FirstViolation!.NonDefault, d => Assert.Equal(DecisionKind.Order, d.Kind));

        (bool again, ExplorationPath path) = Explorer.Replay(Violated, ExplorationPath.ParseChoices(result.FirstViolation.Choices), new ExplorationOptions { MaxDepth = 100 });
        Assert.True(again);
        Assert.Equal(result.FirstViolation.Choices, path.Choices);
    }

    [Fact(DisplayName = "Crash points: the search crashes the receiver before the message arrives")]
    public void FindsACrashPoint()
    {
        ExplorationResult result = Explorer.Explore(run => Gather(run, 1, FailureModels.CrashStop).Count == 0, new ExplorationOptions { MaxCrashes = 1, MaxDepth = 100 });
        Assert.True(result.ViolationFound);
        ExplorationDecision crash = Assert.Single(result.FirstViolation!.NonDefault);
        Assert.Equal(DecisionKind.Crash, crash.Kind);
        Assert.Contains("crash node 0", crash.Detail);

        // A node whose model does not allow crashes is never crashed: the search finds nothing.
        ExplorationResult none = Explorer.Explore(run => Gather(run, 1).Count == 0, new ExplorationOptions { MaxCrashes = 1, MaxDepth = 100 });
        Assert.False(none.ViolationFound);
        Assert.True(none.Complete);
    }

    [Fact(DisplayName = "State hashing prunes converging paths and finds the same violations")]
    public void StateHashing_Prunes()
    {
        // Three senders; the sink keeps the sum and the first sender it heard: many orders reach the same states.
        bool Play(ExplorationRun run)
        {
            var sim = new DistSim.Simulation(run.Apply(new SimulationOptions { Seed = 3, Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(9)) } }));
            NodeId sink = sim.AddNode("sink", () => new Summer());
            for (int i = 1; i <= 3; i++)
            {
                int me = i;
                sim.AddNode("s" + i, () => new Scripted(onStart: c => c.Send(new NodeId(0), new Value(me))));
            }

            sim.Run();
            return sim.GetNode(sink) is Summer { Sum: 6, First: 2 }; // heard 2 first: FIFO never does
        }

        static ulong Hash(DistSim.Simulation sim) => sim.GetNode(new NodeId(0)) is Summer s ? (ulong)((s.Sum * 10) + s.First) : 99;
        var tree = new ExplorationOptions { MaxDepth = 100, StopAtFirstViolation = false };
        ExplorationResult plain = Explorer.Explore(Play, tree);
        ExplorationResult hashed = Explorer.Explore(Play, tree with { StateHash = Hash });
        Assert.True(plain.Complete && hashed.Complete);
        Assert.True(plain.ViolationFound && hashed.ViolationFound, $"plain {plain}, hashed {hashed}");
        Assert.True(hashed.Pruned > 0);
        Assert.True(hashed.Paths * 4 < plain.Paths, $"{hashed.Paths} paths with hashing, {plain.Paths} without");
    }

    private sealed class Summer : Node
    {
        public int Sum { get; private set; }

        public int First { get; private set; }

        public override void OnMessage(NodeId from, object message)
        {
            int sender = ((Value)message).Sender;
            First = First == 0 ? sender : First;
            Sum += sender;
        }
    }

    [Fact(DisplayName = "Choices of scenario code are explored, and the search is depth-first in their order")]
    public void Choices_AreExplored()
    {
        var seen = new List<(int, int)>();
        ExplorationResult result = Explorer.Explore(run =>
        {
            int a = run.Choose(3, "a"), b = run.Choose(2, "b");
            _ = new DistSim.Simulation(run.Apply(new SimulationOptions { Seed = 1 }));
            seen.Add((a, b));
            return false;
        });
        Assert.Equal([(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)], seen);
        Assert.Equal(6, result.Paths);
    }

    [Fact(DisplayName = "A play function that is not a function of its decisions is caught")]
    public void Nondeterminism_IsCaught()
    {
        int calls = 0;
        var e = Assert.Throws<InvalidOperationException>(() => Explorer.Explore(run =>
        {
            calls++;
            _ = run.Choose(2);
            _ = run.Choose(calls == 1 ? 2 : 3); // state kept between runs changes the decisions
            return false;
        }));
        Assert.Contains("did not replay", e.Message);
    }

    [Fact]
    public void BadOptions_AreRefusedNamingThem()
    {
        Assert.Equal("MaxDepth", Assert.Throws<ArgumentOutOfRangeException>(() => Explorer.Explore(_ => false, new ExplorationOptions { MaxDepth = -1 })).ParamName);
        Assert.Equal("MaxDrops", Assert.Throws<ArgumentOutOfRangeException>(() => Explorer.Explore(_ => false, new ExplorationOptions { MaxDrops = -1 })).ParamName);
        Assert.Equal("MaxCrashes", Assert.Throws<ArgumentOutOfRangeException>(() => Explorer.Explore(_ => false, new ExplorationOptions { MaxCrashes = -1 })).ParamName);
        Assert.Equal("MaxPaths", Assert.Throws<ArgumentOutOfRangeException>(() => Explorer.Explore(_ => false, new ExplorationOptions { MaxPaths = 0 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() => Explorer.Explore(run => run.Choose(0) > 0)).ParamName);
        var twice = Assert.Throws<InvalidOperationException>(() => Explorer.Explore(run =>
        {
            _ = run.Apply(new SimulationOptions { Seed = 1 });
            _ = run.Apply(new SimulationOptions { Seed = 1 });
            return false;
        }));
        Assert.Contains("one simulation", twice.Message);
    }

    [Fact(DisplayName = "MaxPaths stops the search, incomplete")]
    public void MaxPaths_Stops()
    {
        ExplorationResult result = Explorer.Explore(run => Gather(run, 4).Count == 0, new ExplorationOptions { MaxPaths = 5, MaxDepth = 100 });
        Assert.Equal(5, result.Paths);
        Assert.False(result.Complete);
    }
}
