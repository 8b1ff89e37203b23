using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.TwoGenerals;

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
        // {dir}: a temporary directory; {file}: a file in it (so {file}/x is a path under a file: not writable);
        // {link}: a symbolic link to {dir}/t.jsonl (which need not exist); {dirlink}: a link to {dir}; {loop}: a link to itself.
        string file = Path.Combine(_dir, "existing.txt");
        File.WriteAllText(file, "x");
        if (args.Any(a => a.Contains("link}", StringComparison.Ordinal) || a.Contains("{loop}", StringComparison.Ordinal)))
        {
            try
            {
                File.CreateSymbolicLink(Path.Combine(_dir, "link"), Path.Combine(_dir, "t.jsonl"));
                Directory.CreateSymbolicLink(Path.Combine(_dir, "dirlink"), _dir);
                File.CreateSymbolicLink(Path.Combine(_dir, "loop"), Path.Combine(_dir, "loop"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Assert.Skip("cannot create symbolic links here: " + ex.Message);
            }
        }

        string[] resolved = [.. args.Select(a => a
            .Replace("{dir}", _dir, StringComparison.Ordinal)
            .Replace("{file}", file, StringComparison.Ordinal)
            .Replace("{link}", Path.Combine(_dir, "link"), StringComparison.Ordinal)
            .Replace("{dirlink}", Path.Combine(_dir, "dirlink"), StringComparison.Ordinal)
            .Replace("{loop}", Path.Combine(_dir, "loop"), StringComparison.Ordinal))];
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
    // bench: options of another workload, too few nodes for messages, too few rounds
    [InlineData("--link", "bench", "--link", "reliable")]
    [InlineData("--link", "bench", "--workload", "idle", "--link", "fair-loss")]
    [InlineData("--events", "bench", "--workload", "ring", "--events", "1000")]
    [InlineData("--events", "bench", "--workload", "idle", "--events", "1000")]
    [InlineData("--deliveries", "bench", "--deliveries", "1000")]
    [InlineData("--deliveries", "bench", "--workload", "all-to-all", "--deliveries", "0")]
    [InlineData("--nodes: '1'", "bench", "--workload", "ring", "--nodes", "1")]
    [InlineData("--nodes: '1'", "bench", "--workload", "all-to-all", "--nodes", "1")]
    [InlineData("--nodes: '0'", "bench", "--workload", "idle", "--nodes", "0")]
    [InlineData("--rounds: '4'", "bench", "--rounds", "4")]
    [InlineData("--workload: 'mesh'", "bench", "--workload", "mesh")]
    [InlineData("--link: 'tcp'", "bench", "--workload", "ring", "--link", "tcp")]
    [InlineData("--sweep", "bench", "--sweep", "2")]
    [InlineData("--trace", "bench", "--trace", "{dir}/t.jsonl")]
    [InlineData("--event-limit", "bench", "--workload", "ring", "--event-limit", "5")]
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
    // One file under two names: a symbolic link to the trace file (before it exists), a linked directory, a link loop
    [InlineData("--mermaid", "two-generals", "--trace", "{dir}/t.jsonl", "--mermaid", "{link}")]
    [InlineData("--mermaid", "two-generals", "--mermaid", "{dir}/t.jsonl", "--trace", "{link}")]
    [InlineData("--mermaid", "reliable", "--messages", "10", "--trace", "{dir}/t.jsonl", "--mermaid", "{dirlink}/t.jsonl")]
    [InlineData("--mermaid", "two-generals", "--trace", "{dir}/t.jsonl", "--mermaid", "{dirlink}/../dirlink/./t.jsonl")]
    [InlineData("--trace", "two-generals", "--trace", "{loop}")]
    // The standard output and error: the report and the errors go there (--json: exactly one JSON object on stdout)
    [InlineData("--trace", "two-generals", "--trace", "/dev/stdout", "--json")]
    [InlineData("--trace", "two-generals", "--trace", "/dev/stdout")]
    [InlineData("--trace", "two-generals", "--trace", "/dev/stderr")]
    [InlineData("--mermaid", "two-generals", "--mermaid", "/dev/stdout", "--json")]
    [InlineData("--trace", "tcp", "--trace", "/dev/fd/1", "--json")]
    [InlineData("--trace", "wal-kv", "--trace", "/proc/self/fd/1", "--json")]
    [InlineData("--mermaid", "split-brain", "--trace", "{dir}/t.jsonl", "--mermaid", "/proc/self/fd/2")]
    // A sweep past the largest seed would wrap around to seed 0
    [InlineData("--sweep", "two-generals", "--seed", "18446744073709551615", "--sweep", "3")]
    [InlineData("--sweep", "split-brain", "--seed", "18446744073709551614", "--sweep", "3", "--json")]
    [InlineData("--sweep", "wal-kv", "--seed", "18446744073709550616", "--sweep", "1001")]
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
        Assert.False(File.Exists(Path.Combine(_dir, "t.jsonl")), "a file was created before the error");
        Assert.False(File.Exists(Path.Combine(_dir, "t.md")), "a file was created before the error");
    }

    [Theory]
    // A limit stops the run: limitHit names it, the exit code is 3, and stderr says why.
    // (Each stops with work pending: two-generals runs 3 events with seed 1, its decision at T still to come after 2.)
    [InlineData(3, "event", "two-generals", "--event-limit", "1")]
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

    [Theory]
    // A tampered or forged payload is not a message: never distinct, never making "missing" negative (it was "-5 missing").
    [InlineData("--link", "fair-loss", "--adversary", "tamper=0.5,replay=0.5", "--messages", "200")]
    [InlineData("--link", "fair-loss", "--adversary", "tamper=1,forge=1", "--messages", "50", "--nodes", "3")]
    [InlineData("--link", "reliable", "--adversary", "tamper=0.3,forge=0.3,replay=0.3", "--messages", "300")]
    [InlineData("--link", "authenticated", "--adversary", "tamper=0.5,forge=0.5,replay=0.5", "--messages", "300")]
    [InlineData("--link", "fair-loss", "--duplicate", "0.5", "--messages", "300", "--nodes", "4")]
    public void Reliable_Counts_AddUp_AndFakesAreNotMessages(params string[] args)
    {
        (_, string output, string error) = Run(["reliable", .. args, "--json"]);

        JsonElement root = JsonDocument.Parse(output).RootElement;
        long sent = root.GetProperty("sent").GetInt64();
        long delivered = root.GetProperty("delivered").GetInt64();
        long unique = root.GetProperty("uniqueDelivered").GetInt64();
        long duplicates = root.GetProperty("applicationDuplicates").GetInt64();
        long neverSent = root.GetProperty("neverSent").GetInt64();
        long missing = root.GetProperty("missing").GetInt64();
        JsonElement attacks = root.GetProperty("adversary");
        Assert.True(unique is >= 0 && unique <= sent, error);
        Assert.Equal(sent - unique, missing);
        Assert.InRange(missing, 0, sent);
        Assert.Equal(delivered, unique + duplicates + neverSent);
        Assert.True(neverSent <= attacks.GetProperty("tamperedAccepted").GetInt64() + attacks.GetProperty("forgedAccepted").GetInt64(), "a fake the adversary did not make");
        Assert.Equal(neverSent > 0 || duplicates > 0 || missing > 0 ? false : true, root.GetProperty("exactlyOnce").GetBoolean());

        (_, string text, _) = Run(["reliable", .. args]);
        Assert.Contains($"{unique} distinct, {duplicates} duplicates, {neverSent} never sent (tampered or forged); {missing} of {sent} missing", text, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A sweep that ends exactly at the largest seed runs those seeds, none wrapped to 0")]
    public void Sweep_UpToTheLargestSeed_RunsExactlyThoseSeeds()
    {
        ScenarioArgs args = ScenarioArgs.Parse(["--seed", "18446744073709551613", "--sweep", "3"], new TwoGeneralsScenario().Options);
        var seeds = new List<ulong>();
        args.RunObserver = s => seeds.Add(s.Options.Seed);

        Assert.Equal(0, new TwoGeneralsScenario().Run(args, new StringWriter()));

        Assert.Equal([ulong.MaxValue - 2, ulong.MaxValue - 1, ulong.MaxValue], seeds);
    }

    [Theory(DisplayName = "A run that ends exactly at its event limit is reported as the kernel's RunOutcome says: no limit logic of the samples' own")]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void ARunEndingAtItsEventLimit_IsReportedAsRunOutcomeSays(ulong seed)
    {
        var game = new Game(Strategy.Naive, 0.3, 0, DistSim.Timing.Delay.Uniform(TimeSpan.FromHours(1), TimeSpan.FromHours(3)));
        long events = game.Play(seed, RunSettings.Unrecorded).Run.Events; // every event of the complete run
        RunOutcome atLimit = game.Play(seed, RunSettings.Unrecorded with { EventLimit = events }).Run.Outcome;
        string s = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);

        (int code, string output, string error) = Run(["two-generals", "--seed", s, "--event-limit", events.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"]);

        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(Report.OutcomeName(atLimit), root.GetProperty("outcome").GetString());
        string? limit = RunSummary.LimitName(atLimit);
        Assert.Equal(limit, root.GetProperty("limitHit").GetString());
        Assert.Equal(limit is null ? 0 : 3, code);
        Assert.Equal(limit is null, error.Length == 0);
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
