using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using DistSim.Checking;
using DistSim.Samples.Lincheck;
using DistSim.Tests.Checking.Support;

namespace DistSim.Tests.Checking;

/// <summary>
/// Histories published with other checkers, with their verdicts: Knossos's compare-and-set and multi-register
/// histories (EPL-1.0) and Porcupine's Jepsen etcd logs (MIT); see the README beside each in Checking/Data.
/// </summary>
public partial class PublishedHistoryTests
{
    private static string DataFile(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Checking", "Data", .. parts]);

    private static List<FileOperation> ReadKnossos(string relative)
    {
        string file = DataFile(["knossos", .. relative.Split('/')]);
        return HistoryPairing.Pair(file, EdnHistoryReader.Read(file, File.ReadAllText(file))).Operations;
    }

    [Theory]
    [InlineData("cas-register/good/cas-register-bug.edn", 6)]
    [InlineData("cas-register/good/memstress3-12.edn", 216)]
    [InlineData("cas-register/good/memstress3-20.edn", 73)]
    [InlineData("cas-register/good/memstress3-33.edn", 28)]
    [InlineData("cas-register/good/mongodb-v0-ack-rollback-.edn", 0)]
    [InlineData("cas-register/good/mongodb-v0-ack-rollback-9.edn", 0)]
    public void KnossosGoodCasRegisterHistories_AreLinearizable(string file, int checkedOps)
    {
        List<FileOperation> ops = ReadKnossos(file);
        Assert.Equal(checkedOps, ops.Count); // failed operations are left out, nemesis events skipped
        LincheckReport report = CasRegister().Check(file, ops, "0", unknownNil: true, new(), TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Linearizable, report.Verdict);
    }

    [Theory]
    [InlineData("cas-register/bad/bad-analysis.edn", 21, "2", 18)]
    [InlineData("cas-register/bad/cas-failure.edn", 70, "0", 503)]
    [InlineData("cas-register/bad/immediate-failure.edn", 1, "3", 4)]
    [InlineData("cas-register/bad/rethink-fail-minimal.edn", 1, "3", 7)]
    [InlineData("cas-register/bad/rethink-fail-smaller.edn", 12, "3", 332)]
    public void KnossosBadCasRegisterHistories_FailAtTheReadKnossosNames(string file, int process, string read, int okLine)
    {
        List<FileOperation> ops = ReadKnossos(file);
        LincheckReport report = CasRegister().Check(file, ops, "0", unknownNil: true, new(), TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, report.Verdict);
        FileOperation failing = Assert.IsType<FileOperation>(report.Failing);
        Assert.Equal((process, "read", read, okLine), (failing.Process, failing.F, failing.Answer.Text, failing.CompleteLine));
    }

    [Fact]
    public void KnossosMongoRollback_IsNotLinearizable()
    {
        const string file = "cas-register/bad/mongodb-v0-ack-rollback-6.edn";
        LincheckReport report = CasRegister().Check(file, ReadKnossos(file), "0", unknownNil: true, new(), TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, report.Verdict);
    }

    private static LincheckModel CasRegister() => LincheckModel.All.Single(m => m.Name == "cas-register");

    [Fact]
    public void KnossosMultiRegisterHistory_IsLinearizable_AndAWrongReadInItIsNot()
    {
        List<FileOperation> ops = ReadKnossos("multi-register/good/multi-register.edn");
        List<Operation<Txn, object?>> history = [.. ops.Select(o => new Operation<Txn, object?>(o.Process, o.Call, o.Return, Txn.Of(o.Completed ? o.Answer : o.Argument), null))];
        var model = new MultiRegisterModel();
        var result = Linearizability.Analyze(history, model, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
        Linearizations.AssertValidLinearization(history, result.Prefix, model);

        // Make the last completed read of x see a value that was never written: Knossos's model refuses it, and so must the checker.
        int last = history.FindLastIndex(o => !o.IsPending && o.Input.Steps.Any(s => s.Read && s.Key == ":x" && s.Value is not null));
        Txn wrong = new([.. history[last].Input.Steps.Select(s => s.Read && s.Key == ":x" ? s with { Value = "99" } : s)]);
        history[last] = history[last] with { Input = wrong };
        var bad = Linearizability.Analyze(history, model, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, bad.Verdict);
        Assert.Same(history[last], bad.FailingOperation);
    }

    /// <summary>One step of a transaction: read key (value null: unknown) or write key.</summary>
    public sealed record TxnStep(bool Read, string Key, string? Value);

    /// <summary>A transaction over registers, as Knossos's <c>:txn [[:read :x 0] [:write :y 1]]</c>.</summary>
    public sealed record Txn(ImmutableArray<TxnStep> Steps)
    {
        public static Txn Of(HistoryDatum value) => new([.. value.Items!.Select(s => new TxnStep(s.Items![0].Text == ":read", s.Items[1].Text!, s.Items[2].Text))]);
    }

    /// <summary>Knossos's multi-register: registers x and y from 0; a transaction's reads see the registers as its earlier writes left them (a nil read is always legal).</summary>
    private sealed class MultiRegisterModel : ISequentialModel<(string X, string Y), Txn, object?>
    {
        public (string X, string Y) Initial => ("0", "0");

        public (bool Legal, (string X, string Y) Next) Step((string X, string Y) state, Txn input, object? output)
        {
            foreach (TxnStep s in input.Steps)
            {
                string current = s.Key == ":x" ? state.X : state.Y;
                if (s.Read && s.Value is not null && s.Value != current)
                {
                    return (false, state);
                }

                if (!s.Read)
                {
                    state = s.Key == ":x" ? (s.Value!, state.Y) : (state.X, s.Value!);
                }
            }

            return (true, state);
        }
    }

    [GeneratedRegex(@"^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(nil|\d+|\[(\d+) (\d+)\]|:timed-out)$")]
    private static partial Regex JepsenLogLine();

    /// <summary>Reads a Jepsen etcd log as Porcupine does (see Data/porcupine-etcd/README.md): times are line numbers.</summary>
    private static List<Operation<CasRegisterInput<int?>, CasRegisterOutput<int?>>> ReadEtcd(string file)
    {
        string[] lines = File.ReadAllLines(DataFile("porcupine-etcd", file));
        var open = new Dictionary<int, (int Line, CasRegisterInput<int?> Input)>();
        var ops = new List<(int Line, Operation<CasRegisterInput<int?>, CasRegisterOutput<int?>> Op)>();
        for (int t = 0; t < lines.Length; t++)
        {
            Match m = JepsenLogLine().Match(lines[t]);
            Assert.True(m.Success, lines[t]);
            int process = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            (string type, string f, string value) = (m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value);
            int? Number(int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
            if (type == "invoke")
            {
                open.Add(process, (t, f switch
                {
                    "read" => CasRegisterInput<int?>.Read,
                    "write" => CasRegisterInput<int?>.Write(int.Parse(value, CultureInfo.InvariantCulture)),
                    _ => CasRegisterInput<int?>.CompareAndSet(Number(5), Number(6)),
                }));
                continue;
            }

            Assert.True(open.Remove(process, out var call), lines[t]);
            if (type == "info" || value == ":timed-out")
            {
                ops.Add((call.Line, new(process, call.Line, long.MaxValue, call.Input, default)));
                continue;
            }

            CasRegisterOutput<int?> output = f switch
            {
                "read" => CasRegisterOutput<int?>.Read(value == "nil" ? null : int.Parse(value, CultureInfo.InvariantCulture)),
                "cas" => CasRegisterOutput<int?>.CompareAndSet(type == "ok"),
                _ => CasRegisterOutput<int?>.Written,
            };
            ops.Add((call.Line, new(process, call.Line, t, call.Input, output)));
        }

        ops.AddRange(open.Select(o => (o.Value.Line, new Operation<CasRegisterInput<int?>, CasRegisterOutput<int?>>(o.Key, o.Value.Line, long.MaxValue, o.Value.Input, default))));
        return [.. ops.OrderBy(o => o.Line).Select(o => o.Op)];
    }

    [Theory]
    [InlineData("etcd_000.log", false)]
    [InlineData("etcd_001.log", false)]
    [InlineData("etcd_002.log", true)]
    [InlineData("etcd_003.log", false)]
    [InlineData("etcd_004.log", false)]
    [InlineData("etcd_005.log", true)]
    [InlineData("etcd_007.log", true)]
    [InlineData("etcd_018.log", true)]
    public void PorcupineEtcdLogs_GetPorcupinesVerdicts(string file, bool linearizable)
    {
        List<Operation<CasRegisterInput<int?>, CasRegisterOutput<int?>>> ops = ReadEtcd(file);
        Assert.True(ops.Count > 60);
        var model = new CasRegisterModel<int?>(null);
        var result = Linearizability.Analyze(ops, model, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(linearizable ? LinearizabilityVerdict.Linearizable : LinearizabilityVerdict.NotLinearizable, result.Verdict);
        if (linearizable)
        {
            Linearizations.AssertValidLinearization(ops, result.Prefix, model);
        }
        else
        {
            Linearizations.AssertValidPrefix(ops, result.Prefix, model);
            Assert.DoesNotContain(result.Prefix, p => ReferenceEquals(p.Operation, result.FailingOperation));
        }
    }
}
