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

    public static Arbitrary<List<Operation<KvInput, string?>>> KvHistories() =>
        (from n in Gen.Choose(0, 12)
         from ops in (from kind in Gen.Elements(KvOperation.Get, KvOperation.Put, KvOperation.Append)
                      from key in Gen.Elements("x", "y", "z")
                      from value in Gen.Elements("1", "2")
                      from call in Gen.Choose(0, 20)
                      from length in Gen.Choose(0, 8)
                      from point in Gen.Choose(0, 8)
                      from pending in Gen.Choose(0, 9)
                      from lie in Gen.Choose(0, 5)
                      select (Input: new KvInput(kind, key, value), call, length, point: Math.Min(point, length), pending, lie)).ArrayOf(n)
         select Run(ops)).ToArbitrary();

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
