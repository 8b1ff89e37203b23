using System.Text.Json;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary>The samples runner's coverage report: the Sometimes markers of raft-election over a sweep, in text, JSON and merged shards.</summary>
public class CoverageOutputTests
{
    [Fact]
    public void ASweep_ReportsEveryMarker_AndTheGoalsNoRunMet()
    {
        (int code, string output, string error) = RunnerCli.Run("raft-election", "--sweep", "30", "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement coverage = json.RootElement.GetProperty("coverage");
        JsonElement[] markers = [.. coverage.GetProperty("markers").EnumerateArray()];
        Assert.Equal(3, markers.Length);
        Assert.All(markers, m => Assert.Equal(30, m.GetProperty("runs").GetInt64()));
        Assert.All(markers, m => Assert.True(m.GetProperty("hits").GetInt64() > 0));

        // The old leader is crashed, never deposed: no run shows a leader stepping down, and the report says so.
        JsonElement stepDown = markers.Single(m => m.GetProperty("name").GetString()!.StartsWith("a leader stepped down", StringComparison.Ordinal));
        Assert.Equal(0, stepDown.GetProperty("runsFired").GetInt64());
        Assert.Equal(JsonValueKind.Null, stepDown.GetProperty("firstSeedFired").ValueKind);
        Assert.False(coverage.GetProperty("complete").GetBoolean());

        (_, string text, _) = RunnerCli.Run("raft-election", "--sweep", "30");
        Assert.Contains("coverage over 30 runs:", text);
        Assert.Contains("NEVER     sometimes   \"a leader stepped down on seeing a higher term\"", text);
    }

    [Fact]
    public void MergedShards_ReportTheSameCoverage_AsTheWholeSweep()
    {
        string directory = Directory.CreateTempSubdirectory("coverage-shards-").FullName;
        string first = Path.Combine(directory, "0.jsonl"), second = Path.Combine(directory, "1.jsonl");
        Assert.Equal(0, RunnerCli.Run("raft-election", "--sweep", "24", "--shard", "0/2", "--shard-out", first).Code);
        Assert.Equal(0, RunnerCli.Run("raft-election", "--sweep", "24", "--shard", "1/2", "--shard-out", second).Code);

        (_, string whole, _) = RunnerCli.Run("raft-election", "--sweep", "24", "--json");
        (int code, string merged, string error) = RunnerCli.Run("merge", "--json", first, second);

        Assert.True(code == 0, error);
        using JsonDocument a = JsonDocument.Parse(whole), b = JsonDocument.Parse(merged);
        Assert.Equal(a.RootElement.GetProperty("coverage").GetRawText(), b.RootElement.GetProperty("coverage").GetRawText());
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void AScenarioWithoutMarkers_HasNoCoverageField()
    {
        (_, string output, _) = RunnerCli.Run("two-generals", "--sweep", "5", "--json");

        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.TryGetProperty("coverage", out _));
    }
}
