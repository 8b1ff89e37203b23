using System.Text.Json;
using DistSim.Samples.Cli;
using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

public class RunnerTests
{
    [Theory]
    [InlineData("two-generals")]
    [InlineData("two-generals", "--sweep", "5")]
    [InlineData("paxos", "--sweep", "2")]
    [InlineData("byzantine-generals", "--explore", "100")]
    public void Json_IsOneLine_AndJsonPrettyIsTheSameObjectIndented(params string[] command)
    {
        (int code, string compact, _) = Run([.. command, "--json"]);
        (int prettyCode, string pretty, _) = Run([.. command, "--json-pretty"]);

        Assert.Equal(code, prettyCode);
        Assert.Single(compact.TrimEnd('\n').Split('\n'));
        Assert.True(pretty.Split('\n').Length > 5);
        using JsonDocument a = JsonDocument.Parse(compact), b = JsonDocument.Parse(pretty);
        Assert.True(JsonElement.DeepEquals(a.RootElement, b.RootElement));
    }

    [Fact]
    public void JsonAndJsonPretty_AreOneOrTheOther()
    {
        (int code, _, string error) = Run("two-generals", "--json", "--json-pretty");

        Assert.Equal(2, code);
        Assert.Contains("--json-pretty: is --json indented; give one of them", error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithJsonPretty_TheNotesFollowTheReport_AsWithJson()
    {
        // One writer for both streams, as a terminal shows them: the limit-hit note comes after the (buffered) report.
        foreach (string format in new[] { "--json", "--json-pretty" })
        {
            var both = new StringWriter();
            int code = Runner.Execute(["two-generals", "--event-limit", "1", format], both, both);
            string text = both.ToString();
            Assert.Equal(Runner.LimitHit, code);
            int note = text.IndexOf("note: two-generals: a run stopped at a limit", StringComparison.Ordinal);
            Assert.True(note > text.LastIndexOf('}'), $"{format}: the note comes before the report:\n{text}");
        }
    }

    /// <summary>A scenario's own option must not take a common option's name: parsing would fail for every invocation.</summary>
    [Fact]
    public void EveryScenario_HasOptionsDistinctFromTheCommonOnes_AndParsesItsDefaults()
    {
        foreach (IScenario scenario in Runner.Scenarios)
        {
            var names = ScenarioArgs.CommonOptions.Select(o => o.Name).Concat(scenario.Options.Select(o => o.Name)).ToList();
            Assert.True(names.Count == names.Distinct().Count(), $"{scenario.Name}: an option repeats a name: {string.Join(", ", names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key))}");
            _ = ScenarioArgs.Parse([], scenario.Options);
        }
    }

    [Fact]
    public void TwoGenerals_Json_IsOneObjectWithTheRequiredFields_AndRepeatable()
    {
        (int code, string first, _) = Run("two-generals", "--seed", "7", "--json");
        (_, string second, _) = Run("two-generals", "--seed", "7", "--json");
        (_, string other, _) = Run("two-generals", "--seed", "8", "--json");

        Assert.Equal(0, code);
        Assert.Equal(first, second);
        using JsonDocument doc = JsonDocument.Parse(first);
        JsonElement root = doc.RootElement;
        foreach (string field in new[] { "scenario", "seed", "outcome", "fingerprint", "virtualTime", "events", "messages", "result" })
        {
            Assert.True(root.TryGetProperty(field, out _), field);
        }

        foreach (string field in new[] { "sent", "delivered", "dropped", "duplicated" })
        {
            Assert.True(root.GetProperty("messages").TryGetProperty(field, out _), field);
        }

        using JsonDocument doc8 = JsonDocument.Parse(other);
        Assert.NotEqual(root.GetProperty("fingerprint").GetString(), doc8.RootElement.GetProperty("fingerprint").GetString());
    }

    [Theory]
    [InlineData("loss", "two-generals", "--loss", "1.5")]
    [InlineData("loss", "two-generals", "--loss", "abc")]
    [InlineData("strategy", "two-generals", "--strategy", "shout")]
    [InlineData("rounds", "two-generals", "--strategy", "acks", "--rounds", "0")]
    [InlineData("delay", "two-generals", "--delay", "uniform:3h,1h")]
    [InlineData("--bogus", "two-generals", "--bogus", "1")]
    [InlineData("seed", "two-generals", "--seed", "-1")]
    [InlineData("unknown scenario", "three-generals")]
    [InlineData("nodes", "bench", "--nodes", "0")]
    [InlineData("adversary", "reliable", "--adversary", "bribe=0.5")]
    [InlineData("adversary", "reliable", "--adversary", "tamper=1.5")]
    [InlineData("link", "reliable", "--link", "carrier-pigeon")]
    [InlineData("window", "reliable", "--window", "0")]
    [InlineData("loss", "tcp", "--loss", "-0.1")]
    [InlineData("timing", "raft-election", "--timing", "chaotic")]
    [InlineData("gst", "raft-election", "--timing", "sync", "--gst", "1s")]
    [InlineData("timeout-max", "raft-election", "--timeout-min", "300", "--timeout-max", "150")]
    [InlineData("n", "byzantine-generals", "--n", "1")]
    [InlineData("exhaustive", "byzantine-generals", "--n", "7", "--m", "2", "--exhaustive")]
    [InlineData("omission", "split-brain", "--omission", "2")]
    [InlineData("crash-every", "wal-kv", "--crash-every", "0s")]
    [InlineData("rwnd", "tcp", "--rwnd", "0")]
    [InlineData("delay", "tcp", "--delay", "pareto:1s,-2")]
    [InlineData("rto-min", "tcp", "--rto-min", "2m")]
    [InlineData("--trace", "two-generals", "--sweep", "3", "--trace", "x.jsonl")]
    [InlineData("attack-after", "two-generals", "--strategy", "timeout-fallback", "--attack-after", "1h")]
    public void BadInput_ExitsWith2_NamingTheProblem(string named, params string[] args)
    {
        (int code, string output, string error) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        string[] lines = error.Split('\n');
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal); // the error line itself, not the usage below it
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void List_PrintsEveryScenarioOnOneLine()
    {
        (int code, string output, _) = Run("list");
        Assert.Equal(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Runner.Scenarios.Count, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("two-generals", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bench", StringComparison.Ordinal));
    }

    [Fact]
    public void TraceOption_WritesJsonLines()
    {
        string path = Path.Combine(Path.GetTempPath(), $"distsim-trace-{Environment.ProcessId}.jsonl");
        try
        {
            (int code, _, _) = Run("two-generals", "--strategy", "acks", "--seed", "4", "--trace", path);
            Assert.Equal(0, code);
            string[] lines = File.ReadAllLines(path);
            Assert.True(lines.Length > 3);
            Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Sweep_Redundant_ReportsRateNextToTheory()
    {
        (int code, string output, _) = Run("two-generals", "--strategy", "redundant", "--messengers", "7", "--loss", "0.5", "--sweep", "2000", "--json");

        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(2000, root.GetProperty("outcomes").EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Equal(1 - Math.Pow(0.5, 7), root.GetProperty("theoreticalDeliveryRate").GetDouble(), 12);
        Assert.True(root.GetProperty("theoryWithinInterval").GetBoolean());
    }

    [Fact]
    public void Bench_Json_ReportsThroughputAndAllocation()
    {
        (int code, string output, _) = Run("bench", "--nodes", "10", "--events", "20000", "--json");

        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.Equal("event-limit", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(20000, doc.RootElement.GetProperty("events").GetInt64());
        Assert.Equal("timers", doc.RootElement.GetProperty("workload").GetString());
        Assert.True(doc.RootElement.GetProperty("distSimPerSecond").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("allocatedBytesPerUnit").GetDouble() >= 0);
    }

    private static JsonElement Json(params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public void Reliable_HalfTheNetworkLost_EveryMessageStillDeliveredExactlyOnce()
    {
        JsonElement r = Json("reliable", "--link", "reliable", "--loss", "0.5", "--messages", "100000", "--json");

        Assert.Equal(100_000, r.GetProperty("sent").GetInt64());
        Assert.Equal(100_000, r.GetProperty("delivered").GetInt64());
        Assert.Equal(0, r.GetProperty("applicationDuplicates").GetInt64());
        Assert.True(r.GetProperty("exactlyOnce").GetBoolean());
        Assert.True(r.GetProperty("linkCounters").GetProperty("retransmitted").GetInt64() > 100_000);
    }

    [Fact]
    public void Reliable_Adversary_AuthenticatedAcceptsNothing_FairLossAcceptsSome()
    {
        JsonElement authenticated = Json("reliable", "--link", "authenticated", "--adversary", "tamper=0.1,forge=0.1,replay=0.1", "--json");
        JsonElement plain = Json("reliable", "--link", "fair-loss", "--adversary", "tamper=0.1,forge=0.1,replay=0.1", "--json");

        Assert.True(authenticated.GetProperty("adversary").GetProperty("forgeAttempts").GetInt64() > 500);
        Assert.Equal(0, authenticated.GetProperty("adversary").GetProperty("accepted").GetInt64());
        Assert.Equal(10_000, authenticated.GetProperty("uniqueDelivered").GetInt64());
        Assert.True(plain.GetProperty("adversary").GetProperty("tamperedAccepted").GetInt64() > 0);
        Assert.True(plain.GetProperty("adversary").GetProperty("forgedAccepted").GetInt64() > 0);
        Assert.True(plain.GetProperty("adversary").GetProperty("replayedAccepted").GetInt64() > 0);
    }

    [Theory]
    [InlineData("two-generals", "--strategy", "acks")]
    [InlineData("reliable", "--link", "authenticated", "--messages", "500", "--adversary", "forge=0.2")]
    [InlineData("reliable", "--link", "fair-loss", "--messages", "500", "--loss", "0.3", "--duplicate", "0.1")]
    [InlineData("tcp", "--messages", "300", "--loss", "0.2", "--duplicate", "0.05")]
    public void EveryScenario_SameSeed_SameFingerprint(params string[] args)
    {
        string[] seeded = [.. args, "--seed", "3", "--json"];
        Assert.Equal(Json(seeded).GetProperty("fingerprint").GetString(), Json(seeded).GetProperty("fingerprint").GetString());
        string[] other = [.. args, "--seed", "4", "--json"];
        Assert.NotEqual(Json(seeded).GetProperty("fingerprint").GetString(), Json(other).GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void MermaidOption_WritesASequenceDiagram()
    {
        string path = Path.Combine(Path.GetTempPath(), $"distsim-mermaid-{Environment.ProcessId}.md");
        try
        {
            (int code, _, _) = Run("two-generals", "--strategy", "acks", "--rounds", "1", "--seed", "2", "--mermaid", path);
            Assert.Equal(0, code);
            string text = File.ReadAllText(path);
            Assert.StartsWith("```mermaid\nsequenceDiagram\n", text, StringComparison.Ordinal);
            Assert.Contains("A2-xA1: Messenger { Index = 1", text, StringComparison.Ordinal); // seed 2 loses the acknowledgement
        }
        finally
        {
            File.Delete(path);
        }
    }
}
