using System.Text.RegularExpressions;
using DistSim.Checking;

namespace DistSim.Tests.Checking;

public partial class LinearizabilityTests
{
    [GeneratedRegex("""\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key "([^"]*)", :value (nil|"([^"]*)")\}""")]
    private static partial Regex EdnLine();

    /// <summary>Reads a Porcupine key-value history: one operation per invoke/ok pair of a process, times are line numbers.</summary>
    private static List<Operation<KvInput, string?>> Load(string file)
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
}
