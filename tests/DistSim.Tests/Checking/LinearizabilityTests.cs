using System.Text.RegularExpressions;
using DistSim.Checking;
using DistSim.Tests.Checking.Support;

namespace DistSim.Tests.Checking;

public partial class LinearizabilityTests
{
    [GeneratedRegex("""\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key "([^"]*)", :value (nil|"([^"]*)")\}""")]
    private static partial Regex EdnLine();

    /// <summary>Reads a Porcupine key-value history: one operation per invoke/ok pair of a process, times are line numbers.</summary>
    internal static List<Operation<KvInput, string?>> Load(string file)
    {
        var open = new Dictionary<int, (long Call, KvInput Input)>();
        var ops = new List<Operation<KvInput, string?>>();
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Checking", "Data", "porcupine-kv", file));
        for (int t = 0; t < lines.Length; t++)
        {
            Match m = EdnLine().Match(lines[t]);
            Assert.True(m.Success, lines[t]);
            int process = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string? value = m.Groups[5].Value == "nil" ? null : m.Groups[6].Value;
            if (m.Groups[2].Value == "invoke")
            {
                KvOperation kind = m.Groups[3].Value switch { "get" => KvOperation.Get, "put" => KvOperation.Put, _ => KvOperation.Append };
                open[process] = (t, new KvInput(kind, m.Groups[4].Value, value ?? string.Empty));
            }
            else
            {
                (long call, KvInput input) = open[process];
                open.Remove(process);
                ops.Add(new Operation<KvInput, string?>(process, call, t, input, value));
            }
        }

        return ops;
    }

    private static bool CheckByKey(List<Operation<KvInput, string?>> ops) =>
        ops.GroupBy(o => o.Input.Key).All(g => Linearizability.Check(g.ToList(), KeyValueModel.Instance));

    [Theory]
    [InlineData("c01-ok.txt", true)]
    [InlineData("c01-bad.txt", false)]
    [InlineData("c10-ok.txt", true)]
    [InlineData("c10-bad.txt", false)]
    public void PorcupineHistories_GetTheirKnownVerdicts(string file, bool linearizable)
    {
        List<Operation<KvInput, string?>> ops = Load(file);
        Assert.True(ops.Count > 30);
        Assert.Equal(linearizable, CheckByKey(ops));
        Assert.Equal(linearizable, Linearizability.Check(ops, KeyValueModel.Instance)); // split by key by the checker itself
    }

    [Theory]
    [InlineData("c01-ok.txt")]
    [InlineData("c10-ok.txt")]
    public void PorcupineLinearizableHistories_ComeWithAWitnessPerKey(string file)
    {
        List<Operation<KvInput, string?>> ops = Load(file);
        var result = Linearizability.Analyze(ops, KeyValueModel.Instance, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
        Assert.Equal(ops.Select(o => o.Input.Key).Distinct(), result.Partitions.Select(p => p.Partition));
        Assert.Equal(ops.Count, result.OperationCount);
        Assert.Equal(result.Partitions.Sum(p => p.Steps), result.Steps);
        foreach (var part in result.Partitions)
        {
            Linearizations.AssertValidLinearization([.. ops.Where(o => o.Input.Key == part.Partition)], part.Prefix, KeyValueModel.Instance);
        }
    }

    [Theory]
    [InlineData("c01-bad.txt")]
    [InlineData("c10-bad.txt")]
    public void PorcupineViolations_NameTheFailingOperation_AfterAValidPrefix(string file)
    {
        List<Operation<KvInput, string?>> ops = Load(file);
        var result = Linearizability.Analyze(ops, KeyValueModel.Instance, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Operation<KvInput, string?> failing = Assert.IsType<Operation<KvInput, string?>>(result.FailingOperation);
        Assert.Equal(failing.Input.Key, result.FailingPartition);
        List<Operation<KvInput, string?>> part = [.. ops.Where(o => o.Input.Key == failing.Input.Key)];
        Linearizations.AssertValidPrefix(part, result.Prefix, KeyValueModel.Instance);
        Assert.DoesNotContain(result.Prefix, p => ReferenceEquals(p.Operation, failing));
        // Every operation of the partition that returned before the failing one is in the prefix.
        Assert.All(part.Where(o => o.Return < failing.Return), o => Assert.Contains(result.Prefix, p => ReferenceEquals(p.Operation, o)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Partitions.Single(p => p.Partition == failing.Input.Key).Verdict);
    }

    [Fact]
    public void StaleRead_AfterAWriteReturned_IsNotLinearizable()
    {
        var ops = new List<Operation<KvInput, string?>>
        {
            new(0, 0, 1, new(KvOperation.Put, "x", "1"), null),
            new(1, 2, 3, new(KvOperation.Get, "x", ""), ""), // starts after the put returned: must see "1"
        };
        Assert.False(Linearizability.Check(ops, KeyValueModel.Instance));
        var result = Linearizability.Analyze(ops, KeyValueModel.Instance, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Same(ops[1], result.FailingOperation);
        Assert.Equal("x", result.FailingPartition);
        Assert.Equal([ops[0]], result.Prefix.Select(p => p.Operation));
        Assert.Equal("1", result.Prefix[0].StateAfter);
        Assert.Contains("cannot linearize", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrentRead_MaySeeEitherValue()
    {
        foreach (string seen in new[] { "", "1" })
        {
            var ops = new List<Operation<KvInput, string?>>
            {
                new(0, 0, 3, new(KvOperation.Put, "x", "1"), null),
                new(1, 1, 2, new(KvOperation.Get, "x", ""), seen), // overlaps the put
            };
            Assert.True(Linearizability.Check(ops, KeyValueModel.Instance), seen);
        }
    }

    [Fact]
    public void APendingWrite_MayOrMayNotHaveTakenEffect()
    {
        foreach (string seen in new[] { "", "1" })
        {
            var ops = new List<Operation<KvInput, string?>>
            {
                new(0, 0, long.MaxValue, new(KvOperation.Put, "x", "1"), null), // the client crashed: no answer
                new(1, 5, 6, new(KvOperation.Get, "x", ""), seen),
            };
            Assert.True(Linearizability.Check(ops, KeyValueModel.Instance), seen);
        }
    }

    [Fact]
    public void APendingCompareAndSet_MayHaveSucceeded()
    {
        // The cas never answered; the read sees its value, so it must have succeeded — its unknown answer is not "failed".
        var model = new CasRegisterModel<int>(0);
        var ops = new List<Operation<CasRegisterInput<int>, CasRegisterOutput<int>>>
        {
            new(0, 0, long.MaxValue, CasRegisterInput<int>.CompareAndSet(0, 5), default),
            new(1, 3, 4, CasRegisterInput<int>.Read, CasRegisterOutput<int>.Read(5)),
        };
        var result = Linearizability.Analyze(ops, model, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
        Assert.Equal([0, 1], result.Prefix.Select(p => ops.IndexOf(p.Operation)));
        Assert.Equal([5, 5], result.Prefix.Select(p => p.StateAfter));
    }

    [Fact]
    public void EmptyHistory_IsLinearizable_InNoSteps()
    {
        var result = Linearizability.Analyze([], new RegisterModel<int>(0), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
        Assert.Equal(0, result.Steps);
        Assert.Empty(result.Prefix);
        Assert.Null(result.FailingOperation);
    }

    [Fact]
    public void OperationReturningBeforeItsCall_IsRejectedNamingItAndItsTimes()
    {
        List<Operation<int, int>> ops = [new(0, 0, 1, 0, 0), new(3, 9, 4, 0, 0)];
        var ex = Assert.Throws<ArgumentException>(() => Linearizability.Analyze(ops, new RegisterModel<int>(0).AsIntModel(), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("history", ex.ParamName);
        Assert.Contains("history[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("returns at 4, before its call at 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullArguments_AreRejectedNamingThem()
    {
        var model = new RegisterModel<int>(0);
        Assert.Equal("history", Assert.Throws<ArgumentNullException>(() => Linearizability.Analyze(null!, model, cancellationToken: TestContext.Current.CancellationToken)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => Linearizability.Analyze<int, RegisterInput<int>, int>([], null!, cancellationToken: TestContext.Current.CancellationToken)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => Linearizability.Analyze([null!], model, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("history[0] is null", ex.Message, StringComparison.Ordinal);
        var call = Assert.Throws<ArgumentException>(() => Linearizability.Analyze([new(0, long.MaxValue, long.MaxValue, RegisterInput<int>.Read, 0)], model, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("long.MaxValue", call.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, null, "MaxSteps")]
    [InlineData(-5L, null, "MaxSteps")]
    [InlineData(null, 0.0, "TimeLimit")]
    [InlineData(null, -1.0, "TimeLimit")]
    public void BadBudget_IsRejectedNamingTheOptionAndValue(long? steps, double? seconds, string parameter)
    {
        var options = new LinearizabilityOptions { MaxSteps = steps, TimeLimit = seconds is { } s ? TimeSpan.FromSeconds(s) : null };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Linearizability.Analyze([], new RegisterModel<int>(0), options, TestContext.Current.CancellationToken));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Equal(steps is null ? options.TimeLimit : steps, ex.ActualValue);
    }
}

/// <summary>Test helpers for the register model with raw ints as inputs.</summary>
internal static class RegisterModelTestExtensions
{
    /// <summary>A model over int inputs (0 = read) to test validation with the plainest types.</summary>
    public static ISequentialModel<int, int, int> AsIntModel(this RegisterModel<int> model) => new IntRegister(model);

    private sealed class IntRegister(RegisterModel<int> inner) : ISequentialModel<int, int, int>
    {
        public int Initial => inner.Initial;

        public (bool Legal, int Next) Step(int state, int input, int output) =>
            inner.Step(state, input == 0 ? RegisterInput<int>.Read : RegisterInput<int>.Write(input), output);
    }
}
