using System.Text.Json;
using DistSim.Samples.Cli;

namespace DistSim.Tests.Samples;

/// <summary>
/// The runner against hostile command lines: every malformed value, every option that does not apply, every
/// unwritable output path exits with 2 and names the option on the first line of stderr, before anything runs;
/// every run that a limit stops says so (<c>limitHit</c>) and exits with 3.
/// </summary>
public sealed class HostileCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(string[] args)
    {
        // {dir}: a temporary directory; {file}: a file in it (so {file}/x is a path under a file: not writable).
        string file = Path.Combine(_dir, "existing.txt");
        File.WriteAllText(file, "x");
        string[] resolved = [.. args.Select(a => a.Replace("{dir}", _dir, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal))];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Runner.Execute(resolved, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    // Options that do not apply to the chosen strategy, link, mode or scenario
    [InlineData("--rounds", "two-generals", "--rounds", "3")]
    [InlineData("--rounds", "two-generals", "--strategy", "timeout-fallback", "--rounds", "2")]
    [InlineData("--messengers", "two-generals", "--messengers", "5")]
    [InlineData("--messengers", "two-generals", "--strategy", "acks", "--messengers", "2")]
    [InlineData("--log", "two-generals", "--sweep", "3", "--log")]
    [InlineData("--window", "reliable", "--link", "fair-loss", "--window", "8")]
    [InlineData("--retransmit", "reliable", "--link", "fair-loss", "--retransmit", "1s")]
    [InlineData("--commander-value", "byzantine-generals", "--commander-value", "both")]
    [InlineData("--commander-value", "byzantine-generals", "--exhaustive", "--commander-value", "random")]
    [InlineData("--trace", "byzantine-generals", "--exhaustive", "--trace", "{dir}/t.jsonl")]
    [InlineData("--mermaid", "byzantine-generals", "--sweep", "2", "--mermaid", "{dir}/t.md")]
    [InlineData("--hold", "raft-election", "--timing", "sync", "--hold", "0.1")]
    [InlineData("--gst", "raft-election", "--timing", "async", "--gst", "1s")]
    [InlineData("--event-limit", "bench", "--event-limit", "5")]
    [InlineData("--mermaid", "bench", "--mermaid", "{dir}/b.md")]
    [InlineData("--sweep", "tcp", "--sweep", "2")]
    // Malformed numbers: NaN, infinities, negatives, overflow, empty, whitespace, trailing garbage, other notations
    [InlineData("--seed", "two-generals", "--seed", "-1")]
    [InlineData("--seed", "two-generals", "--seed", "18446744073709551616")]
    [InlineData("--seed", "two-generals", "--seed", " 7")]
    [InlineData("--seed", "two-generals", "--seed", "7x")]
    [InlineData("--sweep", "two-generals", "--sweep", "0")]
    [InlineData("--sweep", "two-generals", "--sweep", "1e3")]
    [InlineData("--sweep", "two-generals", "--sweep", "10000001")]
    [InlineData("--loss", "two-generals", "--loss", "NaN")]
    [InlineData("--loss", "two-generals", "--loss", "-Infinity")]
    [InlineData("--loss", "two-generals", "--loss", "1e400")]
    [InlineData("--loss", "two-generals", "--loss", " 0.5")]
    [InlineData("--loss", "two-generals", "--loss", "")]
    [InlineData("--loss", "two-generals", "--loss", "0x1")]
    [InlineData("--duplicate", "two-generals", "--duplicate", "1.0000001")]
    [InlineData("--rounds", "two-generals", "--strategy", "acks", "--rounds", "99999999999")]
    [InlineData("--writes", "primary-backup", "--writes", "1.5")]
    [InlineData("--event-limit", "wal-kv", "--event-limit", "0")]
    // Durations: zero, negative, NaN, infinite, spaced, unitless, beyond 10^9 s, beyond the run's time limit
    [InlineData("--attack-after", "two-generals", "--attack-after", "1000000000d")]
    [InlineData("--attack-after", "two-generals", "--attack-after", "-1h")]
    [InlineData("--attack-after", "two-generals", "--attack-after", "NaNh")]
    [InlineData("--attack-after", "two-generals", "--attack-after", "1 h")]
    [InlineData("--attack-after", "two-generals", "--attack-after", "5")]
    [InlineData("--attack-after", "two-generals", "--attack-after", "11000d")]
    [InlineData("--delay", "two-generals", "--delay", "const:11000d")]
    [InlineData("--rounds", "two-generals", "--strategy", "acks", "--rounds", "1000", "--delay", "const:100d")]
    [InlineData("--delay", "two-generals", "--delay", "lognormal:NaN,1")]
    [InlineData("--delay", "two-generals", "--delay", "uniform:1s,2s,")]
    [InlineData("--duration", "split-brain", "--duration", "1000000000d")]
    [InlineData("--crash-every", "wal-kv", "--crash-every", "0s")]
    // Adversary specifications: empty, a kind twice, empty parts, spaces, NaN, no value
    [InlineData("--adversary", "reliable", "--adversary", "")]
    [InlineData("--adversary", "reliable", "--adversary", "tamper=0.1,tamper=0.2")]
    [InlineData("--adversary", "reliable", "--adversary", "tamper=0.1,")]
    [InlineData("--adversary", "reliable", "--adversary", " tamper=0.1")]
    [InlineData("--adversary", "reliable", "--adversary", "tamper=NaN")]
    [InlineData("--adversary", "reliable", "--adversary", "tamper")]
    // Sizes that cannot run
    [InlineData("--m", "byzantine-generals", "--n", "12", "--m", "10")]
    [InlineData("--traitors", "byzantine-generals", "--traitors", "5")]
    // Output paths: missing directory, a directory, under a file, empty, blank, the same file twice, no value
    [InlineData("--trace", "two-generals", "--trace", "{dir}/missing/t.jsonl")]
    [InlineData("--trace", "two-generals", "--trace", "{dir}")]
    [InlineData("--trace", "two-generals", "--trace", "{file}/t.jsonl")]
    [InlineData("--mermaid", "wal-kv", "--mermaid", "{dir}/missing/t.md")]
    [InlineData("--trace", "tcp", "--trace", "")]
    [InlineData("--trace", "reliable", "--trace", "   ")]
    [InlineData("--mermaid", "two-generals", "--trace", "{dir}/t.jsonl", "--mermaid", "{dir}/./t.jsonl")]
    [InlineData("--trace", "two-generals", "--trace", "--json")]
    [InlineData("--trace", "two-generals", "--trace")]
    // Syntax
    [InlineData("--json", "two-generals", "--json=1")]
    [InlineData("--seed", "two-generals", "--seed", "1", "--seed", "2")]
    public void HostileInput_ExitsWith2_NamingTheOption_BeforeAnythingRuns(string named, params string[] args)
    {
        (int code, string output, string error) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        string first = error.Split('\n')[0];
        Assert.StartsWith("error: ", first, StringComparison.Ordinal);
        Assert.Contains(named, first, StringComparison.Ordinal);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
        Assert.Contains("exit codes:", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }

    [Theory]
    // A limit stops the run: limitHit names it, the exit code is 3, and stderr says why.
    [InlineData(3, "event", "two-generals", "--event-limit", "2")]
    [InlineData(3, "time", "two-generals", "--loss", "0", "--delay", "const:11000d", "--attack-after", "1h")]
    [InlineData(3, "event", "two-generals", "--strategy", "redundant", "--sweep", "20", "--event-limit", "4")]
    [InlineData(3, "event", "byzantine-generals", "--event-limit", "10")]
    [InlineData(3, "event", "byzantine-generals", "--exhaustive", "--event-limit", "12")]
    [InlineData(3, "time", "reliable", "--messages", "4", "--interval", "400d")]
    [InlineData(3, "event", "reliable", "--messages", "500", "--event-limit", "100")]
    [InlineData(3, "time", "tcp", "--delay", "const:31d", "--messages", "3")]
    [InlineData(3, "event", "wal-kv", "--writes", "2000", "--event-limit", "5000")]
    [InlineData(3, "event", "split-brain", "--duration", "10s", "--event-limit", "5000")]
    [InlineData(3, "event", "primary-backup", "--sweep", "3", "--event-limit", "500")]
    [InlineData(3, "event", "raft-election", "--event-limit", "100")]
    [InlineData(3, "time", "raft-election", "--timeout-min", "600000", "--timeout-max", "600000")]
    // Complete runs: no limit, exit 0.
    [InlineData(0, null, "two-generals", "--seed", "7")]
    [InlineData(0, null, "split-brain", "--duration", "1s")]
    [InlineData(0, null, "bench", "--nodes", "10", "--events", "1000")]
    public void LimitHit_IsReportedInTheJson_AndExitsWith3(int expected, string? limit, params string[] args)
    {
        (int code, string output, string error) = Run([.. args, "--json"]);

        Assert.True(code == expected, error);
        using JsonDocument doc = JsonDocument.Parse(output); // exactly one JSON object, even when incomplete
        JsonElement root = doc.RootElement;
        JsonElement hit = root.GetProperty("limitHit");
        if (limit is null)
        {
            Assert.Equal(JsonValueKind.Null, hit.ValueKind);
            Assert.Equal(0, root.GetProperty("incompleteRuns").GetInt32());
            Assert.Empty(error);
        }
        else
        {
            Assert.Equal(limit, hit.GetString());
            Assert.True(root.GetProperty("incompleteRuns").GetInt32() > 0);
            Assert.StartsWith("note: ", error, StringComparison.Ordinal);
            Assert.Contains("exit code 3", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2 events", "two-generals", "--event-limit", "2")]
    [InlineData("10 events", "byzantine-generals", "--event-limit", "10")]
    [InlineData("100 events", "reliable", "--messages", "500", "--event-limit", "100")]
    [InlineData("100 events", "tcp", "--event-limit", "100")]
    [InlineData("100 events", "wal-kv", "--event-limit", "100")]
    [InlineData("1 event", "split-brain", "--event-limit", "1")]
    [InlineData("100 events", "primary-backup", "--event-limit", "100")]
    [InlineData("100 events", "raft-election", "--event-limit", "100")]
    public void LimitHit_IsALineOfTheTextReport_InEveryScenario(string limit, params string[] args)
    {
        (int code, string output, _) = Run(args);

        Assert.Equal(3, code);
        string line = Assert.Single(output.Split('\n'), l => l.Contains("LIMIT HIT", StringComparison.Ordinal));
        Assert.Contains($"the run stopped at its event limit ({limit})", line, StringComparison.Ordinal);
        Assert.Contains("(incomplete)", output, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "split-brain asked for far longer than its event limit allows: says how much ran, no verdict of safety")]
    public void SplitBrain_CutShort_SaysHowMuchRan()
    {
        (int code, string output, _) = Run(["split-brain", "--duration", "1000d", "--leases", "--event-limit", "20000"]);

        Assert.Equal(3, code);
        Assert.Contains("LIMIT HIT: the run stopped at its event limit (20,000 events)", output, StringComparison.Ordinal);
        Assert.Contains("of the 86400000 s asked (incomplete)", output, StringComparison.Ordinal);
        Assert.Contains("(incomplete: none seen in the part that ran)", output, StringComparison.Ordinal);

        (_, string json, _) = Run(["split-brain", "--duration", "1000d", "--leases", "--event-limit", "20000", "--json"]);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(json).RootElement.GetProperty("splitBrain").ValueKind);
    }

    [Theory]
    [InlineData("--seed", "two-generals", "--seed", "-1", "--trace", "{dir}/t.jsonl", "--mermaid", "{dir}/t.md")]
    [InlineData("--event-limit", "wal-kv", "--event-limit", "x", "--trace", "{dir}/t.jsonl", "--mermaid", "{dir}/t.md")]
    [InlineData("--mermaid", "tcp", "--trace", "{dir}/t.jsonl", "--mermaid", "{dir}/missing/t.md")]
    [InlineData("--omission", "split-brain", "--omission", "2", "--trace", "{dir}/t.jsonl", "--mermaid", "{dir}/t.md")]
    public void BadInput_WithOutputFiles_CreatesNoFile(string named, params string[] args)
    {
        (int code, _, string error) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains(named, error.Split('\n')[0], StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "t.jsonl")));
        Assert.False(File.Exists(Path.Combine(_dir, "t.md")));
    }

    [Theory]
    [InlineData("--trace")]
    [InlineData("--mermaid")]
    public void AnOutputFileThatFillsUp_ExitsWith1_NamingTheOption(string option)
    {
        Assert.SkipUnless(File.Exists("/dev/full"), "needs /dev/full (Linux)");

        (int code, _, string error) = Run(["two-generals", option, "/dev/full"]);

        Assert.Equal(1, code);
        Assert.StartsWith($"error: two-generals: {option}: writing '/dev/full' failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoGenerals_StoppedBeforeT_HasNoOutcome()
    {
        (int code, string output, _) = Run(["two-generals", "--strategy", "acks", "--event-limit", "2", "--json"]);

        Assert.Equal(3, code);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("result").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("a1Attacks").ValueKind);
    }

    [Fact]
    public void Usage_DocumentsTheExitCodes()
    {
        (int code, string output, _) = Run(["two-generals", "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("exit codes: 0 completed; 1 a node failed or an output file could not be written; 2 bad input;", output, StringComparison.Ordinal);
        Assert.Contains("3 a run stopped at its event, time or queue limit", output, StringComparison.Ordinal);
        Assert.Contains("--event-limit N", output, StringComparison.Ordinal);
    }
}
