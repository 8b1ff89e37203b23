using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary><c>--explore</c>: the violations the issue names, found by search (not by a seed), and their paths replayed.</summary>
public class ExploreCommandTests
{
    private static JsonElement Explore(int expectedCode, params string[] args)
    {
        (int code, string output, string error) = RunnerCli.Run([.. args, "--json"]);
        Assert.True(code == expectedCode, error + output);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Theory(DisplayName = "Two Generals: for every round count, the search loses the last message and the generals disagree")]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(9)]
    public void TwoGenerals_LastMessageLost(int rounds)
    {
        foreach (string seed in new[] { "1", "77" })
        {
            JsonElement r = Explore(Runner.Failure, "two-generals", "--strategy", "acks", "--rounds", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed, "--explore", "200");
            Assert.True(r.GetProperty("violationFound").GetBoolean());
            string story = Assert.Single(r.GetProperty("story").EnumerateArray()).GetString()!;

            // Message k + 1 (the last of the chain) goes from A1 when k + 1 is odd, else from A2; it is packet ⌈(k + 1) / 2⌉ on its direction.
            int last = rounds + 1;
            string direction = last % 2 == 1 ? "from node 0 to node 1" : "from node 1 to node 0";
            Assert.Contains($"lose packet {(last + 1) / 2} {direction}", story);

            // Its path replays it.
            (int code, string replay, _) = RunnerCli.Run("two-generals", "--strategy", "acks", "--rounds", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed,
                "--explore", "200", "--explore-path", r.GetProperty("path").GetString()!);
            Assert.Equal(Runner.Failure, code);
            Assert.Contains("the path violates the property", replay);
        }
    }

    [Fact(DisplayName = "Byzantine Generals n = 3, m = 1: the search finds the traitorous lieutenant that breaks IC2")]
    public void ByzantineGenerals_IC2()
    {
        JsonElement r = Explore(Runner.Failure, "byzantine-generals", "--n", "3", "--m", "1", "--explore", "100");
        string[] story = [.. r.GetProperty("story").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Contains(story, s => s.Contains("traitors: option", StringComparison.Ordinal) && !s.Contains("option 0", StringComparison.Ordinal)); // a lieutenant, not the commander
        Assert.Contains(story, s => s.Contains("traitor sends", StringComparison.Ordinal));

        // n = 4, m = 1 is the bound OM(1) meets: every traitor and every behaviour explored, no violation.
        JsonElement safe = Explore(Runner.Success, "byzantine-generals", "--n", "4", "--m", "1", "--explore", "100");
        Assert.False(safe.GetProperty("violationFound").GetBoolean());
        Assert.True(safe.GetProperty("complete").GetBoolean());
        Assert.True(safe.GetProperty("paths").GetInt64() > 10);
    }

    [Fact(DisplayName = "Split brain: without leases the search loses six heartbeats in a row; with leases no path of the bounds overlaps")]
    public void SplitBrain()
    {
        JsonElement r = Explore(Runner.Failure, "split-brain", "--explore", "300");
        string[] story = [.. r.GetProperty("story").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(6, story.Length);
        Assert.All(story, s => Assert.Contains("from node 0 to node 1", s));
        Assert.True(r.GetProperty("statesExplored").GetInt64() > 0);

        JsonElement leases = Explore(Runner.Success, "split-brain", "--leases", "--explore", "300");
        Assert.False(leases.GetProperty("violationFound").GetBoolean());
        Assert.True(leases.GetProperty("complete").GetBoolean());
    }

    [Theory(DisplayName = "The replay line --explore prints replays the violating path, the scenario's options kept")]
    [InlineData("two-generals", "--strategy", "acks", "--rounds", "4", "--explore", "200")]
    [InlineData("byzantine-generals", "--n", "3", "--m", "1", "--explore", "100")]
    [InlineData("split-brain", "--explore", "300")]
    public void ThePrintedReplayLine_Replays(params string[] args)
    {
        (int code, string output, _) = RunnerCli.Run(args);
        Assert.Equal(Runner.Failure, code);
        string line = output.Split('\n').Single(l => l.TrimStart().StartsWith("replay: ", StringComparison.Ordinal)).Trim()["replay: ".Length..];
        (int replayCode, string replay, string error) = RunnerCli.Run(line.Split(' '));
        Assert.True(replayCode == Runner.Failure, error + replay);
        Assert.Contains("the path violates the property", replay);
    }

    [Theory]
    [InlineData("--explore-path: does not fit this scenario", "split-brain", "--explore", "300", "--explore-path", "5")]
    [InlineData("--explore: reliable has no property", "reliable", "--explore", "10")]
    [InlineData("--explore-drops: only with --explore", "split-brain", "--explore-drops", "2")]
    [InlineData("--explore: searches the decisions of one seed's runs", "split-brain", "--explore", "10", "--sweep", "3")]
    [InlineData("--explore-path: choice 1: \"x\" is not a number", "split-brain", "--explore", "10", "--explore-path", "0,x")]
    [InlineData("--exhaustive: enumerates the traitors' behaviours itself", "byzantine-generals", "--explore", "10", "--exhaustive")]
    public void BadUse_IsAUsageError(string expected, params string[] args)
    {
        (int code, _, string error) = RunnerCli.Run(args);
        Assert.Equal(Runner.UsageError, code);
        Assert.Contains(expected, error);
    }
}
