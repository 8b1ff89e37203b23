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

    [Property(MaxTest = 10, DisplayName = "Cancelled, a search stops between paths: the paths before the stop and the one under way, no more, and the same ones as an uncancelled search")]
    public Property ACancelledSearch_CoversThePathsBeforeTheStop() => Prop.ForAll(Gen.Choose(1, 24).ToArbitrary(), stopAt =>
    {
        // 4 senders: 24 orders, more paths than that. The token is cancelled while path stopAt runs.
        var all = new List<string>();
        ExplorationResult whole = Explorer.Explore(run =>
        {
            all.Add(string.Join(",", Gather(run, 4)));
            return false;
        }, new ExplorationOptions { MaxDepth = 100 });

        using var source = new CancellationTokenSource();
        var seen = new List<string>();
        ExplorationResult stopped = Explorer.Explore(
            run =>
            {
                seen.Add(string.Join(",", Gather(run, 4)));
                if (seen.Count == stopAt)
                {
                    source.Cancel(); // the path under way runs to its end
                }

                return false;
            },
            new ExplorationOptions { MaxDepth = 100, CancellationToken = source.Token });
        return (whole.Complete && !whole.Cancelled && whole.Paths > stopAt
                && stopped.Cancelled && !stopped.Complete && stopped.Paths == stopAt && seen.SequenceEqual(all.Take(stopAt)))
            .Label($"stop at {stopAt}: {stopped.Paths} paths of {whole.Paths}");
    });

    [Fact(DisplayName = "A violation found before the stop is reported with the stopped search, as the uncancelled search reports it")]
    public void ACancelledSearch_KeepsTheViolationItFound()
    {
        // Every order of three messages, counting the violating ones (the senders' order, which FIFO never gives).
        static bool Violated(ExplorationRun run) => Gather(run, 3) is [1, 2, 3];
        var counting = new ExplorationOptions { MaxDepth = 100, StopAtFirstViolation = false };
        ExplorationResult whole = Explorer.Explore(Violated, counting);
        Assert.True(whole.Complete && whole.ViolationFound && whole.Paths > whole.Violations);

        // Cancelled during the first violating path: the search stops right after it, and reports it.
        using var source = new CancellationTokenSource();
        int paths = 0;
        ExplorationResult stopped = Explorer.Explore(
            run =>
            {
                paths++;
                bool violated = Violated(run);
                if (violated)
                {
                    source.Cancel();
                }

                return violated;
            },
            counting with { CancellationToken = source.Token });
        Assert.True(stopped.Cancelled);
        Assert.False(stopped.Complete);
        Assert.Equal(paths, stopped.Paths);
        Assert.True(paths < whole.Paths, $"{paths} paths of {whole.Paths}: the stop cut nothing");
        Assert.Equal(1, stopped.Violations);
        Assert.Equal(whole.FirstViolation!.Choices, stopped.FirstViolation!.Choices);

        using var before = new CancellationTokenSource();
        before.Cancel();
        ExplorationResult none = Explorer.Explore(_ => throw new InvalidOperationException("no path runs once cancelled"), new ExplorationOptions { CancellationToken = before.Token });
        Assert.Equal((0L, true, false), (none.Paths, none.Cancelled, none.Complete));
    }

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

    [Fact(DisplayName = "Symmetry reduction: interchangeable senders make one state of many, and the violation is still found")]
    public void Symmetry_Reduces()
    {
        // Four senders of one same vote; the sink counts. Which sender's vote came first is the same state up to renaming.
        bool Play(ExplorationRun run)
        {
            var sim = new DistSim.Simulation(run.Apply(new SimulationOptions { Seed = 5, Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(9)) } }));
            NodeId sink = sim.AddNode("sink", () => new Summer());
            for (int i = 1; i <= 4; i++)
            {
                sim.AddNode("s" + i, () => new Scripted(onStart: c => c.Send(new NodeId(0), new Value(1))));
            }

            sim.Run();
            return sim.GetNode(sink) is Summer { Sum: 3 }; // one vote lost
        }

        static ulong NodeHash(DistSim.Simulation sim, NodeId n) => sim.GetNode(n) is Summer s ? (ulong)s.Sum + 1 : 0;
        var options = new ExplorationOptions { MaxDepth = 100, MaxDrops = 1, StopAtFirstViolation = false, NodeHash = NodeHash };
        ExplorationResult plain = Explorer.Explore(Play, options);
        ExplorationResult symmetric = Explorer.Explore(Play, options with { SymmetryGroups = [[new(1), new(2), new(3), new(4)]] });
        Assert.True(plain.Complete && symmetric.Complete);
        Assert.True(plain.ViolationFound && symmetric.ViolationFound);
        Assert.True(symmetric.StatesExplored * 4 < plain.StatesExplored * 3, $"{symmetric.StatesExplored} states with symmetry, {plain.StatesExplored} without"); // measured 88 against 133
        Assert.True(symmetric.Paths < plain.Paths);

        Assert.Equal("SymmetryGroups", Assert.Throws<ArgumentException>(() => Explorer.Explore(Play, new ExplorationOptions { SymmetryGroups = [[new(1), new(2)]] })).ParamName);
        Assert.Equal("SymmetryGroups", Assert.Throws<ArgumentOutOfRangeException>(() => Explorer.Explore(Play, options with { SymmetryGroups = [[.. Enumerable.Range(0, 9).Select(i => new NodeId(i))]] })).ParamName);
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
        var e = Assert.Throws<ExplorationReplayException>(() => Explorer.Explore(run =>
        {
            calls++;
            _ = run.Choose(2);
            _ = run.Choose(calls == 1 ? 2 : 3); // state kept between runs changes the decisions
            return false;
        }));
        Assert.Contains("did not replay", e.Message);
    }

    [Fact(DisplayName = "A path that does not fit is refused after the run, never as a node's fault: an option out of range, choices left over, a decision inside a handler that changed")]
    public void BadPaths_AreRefused()
    {
        bool Play(ExplorationRun run) => Gather(run, 2).Count == 0;
        var options = new ExplorationOptions { MaxDepth = 100, MaxDrops = 1 };
        Assert.Contains("asks option 5", Assert.Throws<ExplorationReplayException>(() => Explorer.Replay(Play, [5], options)).Message);
        (bool _, ExplorationPath path) = Explorer.Replay(Play, [], options);
        Assert.Contains("the path has", Assert.Throws<ExplorationReplayException>(() => Explorer.Replay(Play, [.. ExplorationPath.ParseChoices(path.Choices), 0], options)).Message);

        // Node code that decides differently on a replayed prefix (state kept between plays) is caught although it runs in a handler.
        int plays = 0;
        var e = Assert.Throws<ExplorationReplayException>(() => Explorer.Explore(run =>
        {
            plays++;
            var sim = new DistSim.Simulation(run.Apply(new SimulationOptions { Seed = 1, ThrowOnNodeFault = false }));
            sim.AddNode("n", () => new Scripted(onStart: c =>
            {
                _ = run.Choose(2);
                c.SetTimer(TimeSpan.FromMilliseconds(1));
            }, onTimer: (_, _) => run.Choose(plays == 1 ? 2 : 3)));
            sim.Run();
            return false;
        }, new ExplorationOptions { MaxDepth = 10 }));
        Assert.Contains("not a function of its decisions", e.Message);
    }

    [Fact(DisplayName = "Depth: MaxDepth 0 explores one path; decisions at event MaxDepth and later take the default")]
    public void Depth_IsExact()
    {
        Assert.Equal(1, Explorer.Explore(run => Gather(run, 3).Count == 0, new ExplorationOptions { MaxDepth = 0 }).Paths);
        long Paths(int depth) => Explorer.Explore(run => Gather(run, 3).Count == 0, new ExplorationOptions { MaxDepth = depth, ExploreOrder = false, MaxDrops = 3 }).Paths;
        Assert.True(Paths(1) < Paths(100));
    }

    [Fact(DisplayName = "A pruned run's verdict is not counted, and the run says Pruned")]
    public void PrunedRuns_AreNotJudged()
    {
        var outcomes = new List<RunOutcome>();
        ExplorationResult result = Explorer.Explore(run =>
        {
            var sim = new DistSim.Simulation(run.Apply(new SimulationOptions { Seed = 1 }));
            sim.AddNode("ticker", () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10)), onTimer: (c, _) => c.SetTimer(TimeSpan.FromMilliseconds(10))));
            sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(0), new Value(1))));
            sim.AddNode("b", () => new Scripted(onStart: c => c.Send(new NodeId(0), new Value(2))));
            RunOutcome outcome = sim.RunUntil(global::DistSim.Time.SimTime.FromSeconds(1)).Outcome;
            outcomes.Add(outcome);
            return sim.Now < global::DistSim.Time.SimTime.FromSeconds(1); // "violated" only by a run cut short
        }, new ExplorationOptions { MaxDepth = 20, StateHash = _ => 0 });
        Assert.Contains(RunOutcome.Pruned, outcomes);
        Assert.False(result.ViolationFound);
        Assert.True(result.Pruned > 0);
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
