using System.Text.Json;
using DistSim.Failures;
using DistSim.Samples.Cli;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary><c>--shrink</c>, <c>--shrink-out</c> and <c>--faults</c> on the scenarios with a property.</summary>
public sealed class ShrinkCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-shrink-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The shrunk schedule: smaller, 1-minimal, and — replayed through <c>--faults</c> with the failing seed — still failing.</summary>
    [Theory]
    [InlineData("split-brain", "conflictingWrites", 3, "--sweep", "30")]
    [InlineData("split-brain", "conflictingWrites", 3, "--sweep", "30", "--omission", "0.3", "--duration", "8s")]
    [InlineData("wal-kv", "lostAcknowledgedWrites", 1, "--no-flush", "--sweep", "10")]
    [InlineData("wal-kv", "lostAcknowledgedWrites", 1, "--no-flush", "--sweep", "10", "--seed", "40", "--crash-every", "300ms")]
    [InlineData("two-generals", null, 1, "--strategy", "timeout-fallback", "--loss", "0.5", "--duplicate", "0.2", "--sweep", "100")]
    [InlineData("paxos", "violations", 2, "--no-flush", "--sweep", "30")]
    [InlineData("two-generals", null, 1, "--strategy", "redundant", "--messengers", "4", "--loss", "0.6", "--sweep", "200")]
    public void Shrink_GivesASmallerScheduleThatStillFails(string scenario, string? failureField, int minimumBefore, params string[] options)
    {
        string file = Path.Combine(_dir, scenario + ".json");
        (int code, string output, string error) = RunnerCli.Run([scenario, .. options, "--shrink", "--shrink-out", file, "--json"]);
        Assert.True(code == Runner.Failure, error + output);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement root = report.RootElement;
        Assert.True(root.GetProperty("violationFound").GetBoolean());
        int before = root.GetProperty("scheduleSizeBefore").GetInt32(), after = root.GetProperty("scheduleSizeAfter").GetInt32();
        Assert.InRange(before, minimumBefore, int.MaxValue);
        Assert.InRange(after, 1, before);
        Assert.True(root.GetProperty("oneMinimal").GetBoolean());
        Assert.Equal(after, root.GetProperty("faults").GetProperty("faults").GetArrayLength());
        Assert.Equal((double)before / after, root.GetProperty("reductionFactor").GetDouble(), 3);

        // The written schedule is the reported one, and replaying it with the failing seed fails again.
        FaultSchedule shrunk = FaultSchedule.FromJson(File.ReadAllText(file));
        Assert.Equal(after, shrunk.Count);
        string seed = root.GetProperty("seed").GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] scenarioOptions = [.. Without(options, "--sweep", "--seed")];
        (int replayCode, string replay, string replayError) = RunnerCli.Run([scenario, .. scenarioOptions, "--seed", seed, "--faults", file, "--json"]);
        Assert.True(replayCode is Runner.Success or Runner.Failure, replayError); // paxos exits 1 on a violation; the others report it
        using JsonDocument replayed = JsonDocument.Parse(replay);
        if (failureField is not null)
        {
            Assert.True(replayed.RootElement.GetProperty(failureField).GetInt32() > 0, replay);
        }
        else
        {
            Assert.Contains(replayed.RootElement.GetProperty("result").GetString(), new[] { "a1-fails", "a2-fails" });
        }
    }

    [Fact(DisplayName = "Split brain without leases shrinks to the consecutive lost heartbeats that make the backup take over")]
    public void SplitBrain_ShrinksToLostHeartbeats()
    {
        (int code, string output, _) = RunnerCli.Run("split-brain", "--sweep", "30", "--shrink", "--json");
        Assert.Equal(Runner.Failure, code);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement[] faults = [.. report.RootElement.GetProperty("faults").GetProperty("faults").EnumerateArray()];
        Assert.All(faults, f => Assert.Equal(("message", "send-omission", 0, 1), (f.GetProperty("type").GetString(), f.GetProperty("kind").GetString(), f.GetProperty("from").GetInt32(), f.GetProperty("to").GetInt32())));
        long[] packets = [.. faults.Select(f => f.GetProperty("packet").GetInt64())];
        Assert.Equal(Enumerable.Range((int)packets[0], packets.Length).Select(p => (long)p), packets); // consecutive heartbeats
        Assert.InRange(packets.Length, 5, 7); // 300 ms takeover / 50 ms heartbeats
    }

    [Theory(DisplayName = "The replay line --shrink prints is a command that replays the failing run: the scenario's own options kept")]
    [InlineData("wal-kv", "--no-flush", "--sweep", "5")]
    [InlineData("two-generals", "--strategy", "timeout-fallback", "--loss", "0.5", "--sweep", "100")]
    [InlineData("split-brain", "--omission", "0.3", "--duration", "8s", "--sweep", "30")]
    public void ThePrintedReplayLine_Replays(string scenario, params string[] options)
    {
        string file = Path.Combine(_dir, scenario + "-line.json");
        (int code, string output, _) = RunnerCli.Run([scenario, .. options, "--shrink", "--shrink-out", file]);
        Assert.Equal(Runner.Failure, code);
        string line = output.Split('\n').Single(l => l.TrimStart().StartsWith("replay: ", StringComparison.Ordinal)).Trim()["replay: ".Length..].Replace(" [--trace FILE]", string.Empty, StringComparison.Ordinal);
        (int replayCode, string replay, string error) = RunnerCli.Run([.. line.Split(' '), "--json"]);
        Assert.True(replayCode == Runner.Success, error);
        JsonElement r = JsonDocument.Parse(replay).RootElement;
        bool failed = scenario switch
        {
            "wal-kv" => r.GetProperty("lostAcknowledgedWrites").GetInt32() > 0,
            "split-brain" => r.GetProperty("conflictingWrites").GetInt32() > 0,
            _ => r.GetProperty("result").GetString() is "a1-fails" or "a2-fails",
        };
        Assert.True(failed, line + "\n" + replay);
    }

    [Fact(DisplayName = "No failing run: exit 0 and says so")]
    public void Shrink_WithNoFailure()
    {
        (int code, string output, _) = RunnerCli.Run("split-brain", "--leases", "--sweep", "3", "--shrink");
        Assert.Equal(Runner.Success, code);
        Assert.Contains("no run of 3 seed(s) from 1 failed", output);
    }

    [Theory]
    [InlineData("--shrink: reliable has no property", "reliable", "--shrink")]
    [InlineData("--shrink-out: only with --shrink", "split-brain", "--shrink-out", "x.json")]
    [InlineData("--shrink-budget: only with --shrink", "split-brain", "--shrink-budget", "5")]
    [InlineData("--shrink: records the random faults", "split-brain", "--shrink", "--faults", "x.json")]
    [InlineData("--shrink: replays hundreds of candidates", "split-brain", "--shrink", "--trace", "t.jsonl")]
    [InlineData("--faults: 'does-not-exist.json' is not a readable fault schedule", "split-brain", "--faults", "does-not-exist.json")]
    public void BadUse_IsAUsageError(string expected, params string[] args)
    {
        (int code, _, string error) = RunnerCli.Run(args);
        Assert.Equal(Runner.UsageError, code);
        Assert.Contains(expected, error);
    }

    [Fact(DisplayName = "The budget is honoured: a budget of 3 replays says it is not known to be 1-minimal")]
    public void Shrink_Budget()
    {
        (int code, string output, _) = RunnerCli.Run("split-brain", "--sweep", "30", "--shrink", "--shrink-budget", "3");
        Assert.Equal(Runner.Failure, code);
        Assert.Contains("in 3 replays; budget exhausted", output);
    }

    private static IEnumerable<string> Without(string[] options, params string[] names)
    {
        for (int i = 0; i < options.Length; i++)
        {
            if (names.Contains(options[i]))
            {
                i++; // and its value
                continue;
            }

            yield return options[i];
        }
    }
}
