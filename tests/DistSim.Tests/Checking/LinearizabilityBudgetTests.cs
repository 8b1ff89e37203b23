using System.Collections.Immutable;
using DistSim.Checking;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Checking;

/// <summary>Budgets, cancellation and partitions of <see cref="Linearizability.Analyze"/>.</summary>
public class LinearizabilityBudgetTests
{
    /// <summary>
    /// Twenty writes of distinct values and a read of a value nobody wrote, all concurrent: not linearizable, but only
    /// after trying every subset of writes before the read (about 20·2¹⁹ configurations).
    /// </summary>
    private static List<Operation<RegisterInput<int>, int>> Hard(int writes = 20) =>
    [
        .. Enumerable.Range(1, writes).Select(v => new Operation<RegisterInput<int>, int>(v, v, 1000, RegisterInput<int>.Write(v), 0)),
        new(0, 0, 1000, RegisterInput<int>.Read, 99),
    ];

    [Fact]
    public void TinyStepBudget_OnAHardHistory_IsUnknown_AtExactlyThatStep_Deterministically()
    {
        var options = new LinearizabilityOptions { MaxSteps = 5_000 };
        var first = Linearizability.Analyze(Hard(), new RegisterModel<int>(0), options, TestContext.Current.CancellationToken);
        var second = Linearizability.Analyze(Hard(), new RegisterModel<int>(0), options, TestContext.Current.CancellationToken);

        Assert.Equal(LinearizabilityVerdict.Unknown, first.Verdict);
        Assert.Equal(UnknownReason.StepLimit, first.UnknownReason);
        Assert.Equal(5_000, first.Steps);
        Assert.Null(first.FailingOperation);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Equal(first.Prefix.Select(p => p.Operation.Client), second.Prefix.Select(p => p.Operation.Client));
        Assert.Contains("StepLimit", first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EnoughSteps_DecideTheSameHardHistoryWhenSmaller()
    {
        var result = Linearizability.Analyze(Hard(writes: 8), new RegisterModel<int>(0), new LinearizabilityOptions { MaxSteps = 1_000_000 }, TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Equal(UnknownReason.None, result.UnknownReason);
        Assert.InRange(result.Steps, 8 * (1 << 7), 1_000_000); // it had to try the subsets
    }

    [Fact]
    public void AlreadyCancelledToken_IsUnknownCancelled_BeforeAnyStep()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = Linearizability.Analyze(Hard(), new RegisterModel<int>(0), null, cts.Token);
        Assert.Equal(LinearizabilityVerdict.Unknown, result.Verdict);
        Assert.Equal(UnknownReason.Cancelled, result.UnknownReason);
        Assert.Equal(0, result.Steps);
    }

    [Fact]
    public void CancellationDuringTheSearch_StopsItAtTheNextPoll()
    {
        using var cts = new CancellationTokenSource();
        var model = new CancellingModel(new RegisterModel<int>(0), cts, after: 5_000);
        var result = Linearizability.Analyze(Hard(), model, null, cts.Token);
        Assert.Equal(LinearizabilityVerdict.Unknown, result.Verdict);
        Assert.Equal(UnknownReason.Cancelled, result.UnknownReason);
        Assert.InRange(result.Steps, 5_000, 5_000 + 2_048);
        Assert.Equal(0, result.Steps % 1024); // the budget looks at the token every 1,024 steps
    }

    [Fact]
    public void TimeBudget_OnAHardHistory_IsUnknownTimeLimit()
    {
        // One tick cannot hold the 1,024 steps before the first look at the clock: no race with the machine's speed.
        var options = new LinearizabilityOptions { TimeLimit = TimeSpan.FromTicks(1) };
        var result = Linearizability.Analyze(Hard(), new RegisterModel<int>(0), options, TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Unknown, result.Verdict);
        Assert.Equal(UnknownReason.TimeLimit, result.UnknownReason);
    }

    [Fact]
    public void AViolationFoundWithinTheBudget_DecidesEvenIfALaterPartitionIsUnknown()
    {
        // Key "b" is a plain stale read (found at once); key "a" is hard. Partitions are checked in order of first appearance.
        var ops = new List<Operation<KvInput, string?>>
        {
            new(50, 0, 1, new(KvOperation.Put, "b", "1"), null),
            new(51, 2, 3, new(KvOperation.Get, "b", ""), ""),
        };
        ops.AddRange(Enumerable.Range(1, 20).Select(v => new Operation<KvInput, string?>(v, v, 1000, new(KvOperation.Put, "a", $"{v}"), null)));
        ops.Add(new(0, 0, 1000, new(KvOperation.Get, "a", ""), "99"));

        var result = Linearizability.Analyze(ops, KeyValueModel.Instance, new LinearizabilityOptions { MaxSteps = 3_000 }, TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Same(ops[1], result.FailingOperation);
        Assert.Equal("b", result.FailingPartition);
        Assert.Equal([LinearizabilityVerdict.NotLinearizable, LinearizabilityVerdict.Unknown], result.Partitions.Select(p => p.Verdict));
        Assert.Equal(UnknownReason.StepLimit, result.Partitions[1].UnknownReason);
        Assert.Equal(3_000, result.Steps);

        // The other way round, the hard key eats the budget first: nothing is decided.
        ops.Reverse();
        var reversed = Linearizability.Analyze(ops, KeyValueModel.Instance, new LinearizabilityOptions { MaxSteps = 3_000 }, TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Unknown, reversed.Verdict);
        Assert.Equal(["a", "b"], reversed.Partitions.Select(p => p.Partition));
        Assert.Equal(0, reversed.Partitions[1].Steps);
    }

    [Fact]
    public void NullPartitionKey_IsRefusedNamingTheModelAndOperation()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Linearizability.Analyze([new(0, 0, 1, 0, 0)], new NullKeys(), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("NullKeys.PartitionKey returned null for history[0]", ex.Message, StringComparison.Ordinal);
    }

    public static Arbitrary<List<Operation<KvInput, string?>>> KvHistories() => KvHistoryGen(maxOps: 12, lies: true).ToArbitrary();

    /// <summary>
    /// Histories of a key-value store over keys x, y, z, run on a real map (<see cref="Run"/>); with <paramref name="lies"/>,
    /// about one get in six answers a value nobody wrote, else every history is linearizable.
    /// </summary>
    private static Gen<List<Operation<KvInput, string?>>> KvHistoryGen(int maxOps, bool lies) =>
        from n in Gen.Choose(0, maxOps)
        from ops in (from kind in Gen.Elements(KvOperation.Get, KvOperation.Put, KvOperation.Append)
                     from key in Gen.Elements("x", "y", "z")
                     from value in Gen.Elements("1", "2")
                     from call in Gen.Choose(0, 20)
                     from length in Gen.Choose(0, 8)
                     from point in Gen.Choose(0, 8)
                     from pending in Gen.Choose(0, 9)
                     from lie in Gen.Choose(0, 5)
                     select (Input: new KvInput(kind, key, value), call, length, point: Math.Min(point, length), pending, lie: lies ? lie : 1)).ArrayOf(n)
        select Run(ops);

    /// <summary>Runs the calls on a real map in the order of their points; a few get answers are then made up.</summary>
    private static List<Operation<KvInput, string?>> Run((KvInput Input, int Call, int Length, int Point, int Pending, int Lie)[] plan)
    {
        var map = new Dictionary<string, string>();
        var outputs = new string?[plan.Length];
        foreach (int i in Enumerable.Range(0, plan.Length).OrderBy(i => plan[i].Call + plan[i].Point).ThenBy(i => i))
        {
            KvInput input = plan[i].Input;
            string before = map.GetValueOrDefault(input.Key, string.Empty);
            map[input.Key] = input.Kind switch { KvOperation.Put => input.Value, KvOperation.Append => before + input.Value, _ => before };
            outputs[i] = input.Kind != KvOperation.Get ? null : plan[i].Lie == 0 ? before + "?" : before;
        }

        return [.. plan.Select((p, i) => new Operation<KvInput, string?>(i, p.Call, p.Pending == 0 ? long.MaxValue : p.Call + p.Length, p.Input, outputs[i]))];
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(LinearizabilityBudgetTests)])]
    public bool SplittingByKey_GivesTheVerdictOfTheWholeMapChecked(List<Operation<KvInput, string?>> ops)
    {
        var split = Linearizability.Analyze(ops, KeyValueModel.Instance);
        var whole = Linearizability.Analyze(ops, new KvMapModel());
        Assert.Empty(whole.Partitions);
        return split.Verdict == whole.Verdict && split.Partitions.Count == ops.Select(o => o.Input.Key).Distinct().Count();
    }

    /// <summary>
    /// The class: a linearizable history split by key has one linearization of the whole history as its
    /// <c>Prefix</c> (the per-key witnesses merged), which replays through the whole map — each operation legal, each
    /// state after it its key's value — respects real time, and holds every completed operation once.
    /// </summary>
    [Property(MaxTest = 400)]
    public Property LinearizablePartitionedHistory_HasAWitnessOfTheWholeHistory() =>
        Prop.ForAll(KvHistoryGen(maxOps: 16, lies: false).ToArbitrary(), ops =>
        {
            var result = Linearizability.Analyze(ops, KeyValueModel.Instance);
            string? problem = result.Verdict != LinearizabilityVerdict.Linearizable ? $"verdict {result.Verdict} for a history run on a map"
                : WholeWitnessProblem(ops, result.Prefix);
            return (problem is null).Label($"{problem} ({result.Partitions.Count} partitions, prefix [{string.Join(", ", result.Prefix.Select(p => p.Operation))}])");
        });

    [Fact(DisplayName = "Porcupine's linearizable key-value histories come with a witness of the whole history")]
    public void PorcupineLinearizableHistories_HaveAWitnessOfTheWholeHistory()
    {
        foreach (string file in new[] { "c01-ok.txt", "c10-ok.txt" })
        {
            List<Operation<KvInput, string?>> ops = LinearizabilityTests.Load(file);
            var result = Linearizability.Analyze(ops, KeyValueModel.Instance, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(10, result.Partitions.Count);
            Assert.Null(WholeWitnessProblem(ops, result.Prefix));
        }
    }

    /// <summary>Why <paramref name="witness"/> is not a linearization of all of <paramref name="ops"/> on one map; null if it is.</summary>
    private static string? WholeWitnessProblem(List<Operation<KvInput, string?>> ops, IReadOnlyList<LinearizedOperation<string, KvInput, string?>> witness)
    {
        var inHistory = new HashSet<Operation<KvInput, string?>>(ops, ReferenceEqualityComparer.Instance);
        var placed = new HashSet<Operation<KvInput, string?>>(ReferenceEqualityComparer.Instance);
        var model = new KvMapModel();
        KvMap state = model.Initial;
        foreach (LinearizedOperation<string, KvInput, string?> step in witness)
        {
            Operation<KvInput, string?> op = step.Operation;
            if (!inHistory.Contains(op) || !placed.Add(op))
            {
                return $"{op} is not an operation of the history, or is placed twice";
            }

            (bool legal, KvMap next) = op.IsPending ? model.StepPending(state, op.Input, op.Output) : model.Step(state, op.Input, op.Output);
            if (!legal)
            {
                return $"{op} is not legal on the map {string.Join(", ", state.Values)}";
            }

            state = next;
            if (step.StateAfter != state.Values.GetValueOrDefault(op.Input.Key, string.Empty))
            {
                return $"after {op} the witness says {step.StateAfter}, the map holds {state.Values.GetValueOrDefault(op.Input.Key)}";
            }
        }

        if (ops.FirstOrDefault(o => !o.IsPending && !placed.Contains(o)) is { } missing)
        {
            return $"{missing} is completed but not in the witness";
        }

        for (int i = 0; i < witness.Count; i++)
        {
            for (int j = i + 1; j < witness.Count; j++)
            {
                if (witness[j].Operation.Return < witness[i].Operation.Call)
                {
                    return $"{witness[j].Operation} returned before {witness[i].Operation} was called, yet comes after it";
                }
            }
        }

        return null;
    }

    /// <summary>A key-value store as one object (state: the whole map), so the checker cannot split it.</summary>
    private sealed class KvMapModel : ISequentialModel<KvMap, KvInput, string?>
    {
        public KvMap Initial => new(ImmutableSortedDictionary<string, string>.Empty);

        public (bool Legal, KvMap Next) Step(KvMap state, KvInput input, string? output)
        {
            (bool legal, string value) = KeyValueModel.Instance.Step(state.Values.GetValueOrDefault(input.Key, string.Empty), input, output);
            return (legal, new(state.Values.SetItem(input.Key, value)));
        }

        public (bool Legal, KvMap Next) StepPending(KvMap state, KvInput input, string? output) =>
            input.Kind == KvOperation.Get ? (true, state) : Step(state, input, output);
    }

    private sealed record KvMap(ImmutableSortedDictionary<string, string> Values)
    {
        public bool Equals(KvMap? other) => other is not null && Values.Count == other.Values.Count && Values.All(kv => other.Values.TryGetValue(kv.Key, out string? v) && v == kv.Value);

        public override int GetHashCode() => Values.Aggregate(Values.Count, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value));
    }

    /// <summary>Cancels its token once it has been asked <c>after</c> times.</summary>
    private sealed class CancellingModel(RegisterModel<int> inner, CancellationTokenSource cts, int after) : ISequentialModel<int, RegisterInput<int>, int>
    {
        private int _calls;

        public int Initial => inner.Initial;

        public (bool Legal, int Next) Step(int state, RegisterInput<int> input, int output)
        {
            if (++_calls == after)
            {
                cts.Cancel();
            }

            return inner.Step(state, input, output);
        }
    }

    private sealed class NullKeys : ISequentialModel<int, int, int>, IPartitionedModel<int>
    {
        public int Initial => 0;

        public (bool Legal, int Next) Step(int state, int input, int output) => (true, state);

        public string PartitionKey(int input) => null!;
    }
}
