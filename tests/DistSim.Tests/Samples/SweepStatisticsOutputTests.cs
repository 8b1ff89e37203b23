using System.Text.Json;
using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

/// <summary><c>--sweep</c> prints, for every per-run metric, the mean, its 95 % interval, the spread and the percentiles, in JSON and in text.</summary>
public class SweepStatisticsOutputTests
{
    private static readonly string[] Common = ["events", "virtualTime", "sent", "delivered", "dropped", "duplicated"];

    private static JsonElement Json(params string[] args)
    {
        (int code, string output, string error) = Run([.. args, "--json"]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Theory(DisplayName = "A sweep's JSON holds the statistics of every common metric, and of the scenario's own")]
    [InlineData(new[] { "raft-election", "--sweep", "12" }, new[] { "electionMs", "terms" })]
    [InlineData(new[] { "two-generals", "--strategy", "redundant", "--sweep", "30" }, new string[0])]
    [InlineData(new[] { "wal-kv", "--writes", "20", "--sweep", "10" }, new string[0])]
    public void SweepJson_HasStatisticsForEachMetric(string[] args, string[] own)
    {
        JsonElement root = Json(args);
        int runs = int.Parse(args[^1], System.Globalization.CultureInfo.InvariantCulture);
        JsonElement statistics = root.GetProperty("statistics");

        Assert.Equal([.. Common, .. own], statistics.EnumerateObject().Select(p => p.Name));
        foreach (JsonProperty metric in statistics.EnumerateObject())
        {
            JsonElement m = metric.Value;
            double mean = m.GetProperty("mean").GetDouble();
            string[] order = ["min", "p50", "p90", "p99", "max"];
            double[] values = order.Select(f => m.GetProperty(f).GetDouble()).ToArray();
            Assert.True(values.Zip(values.Skip(1)).All(p => p.First <= p.Second), $"{metric.Name}: {string.Join(", ", values)} not in order");
            Assert.InRange(mean, values[0], values[^1]);
            Assert.True(m.GetProperty("stdDev").GetDouble() >= 0, metric.Name);
            JsonElement interval = m.GetProperty("meanInterval");
            Assert.Equal(0.95, interval.GetProperty("confidence").GetDouble());
            Assert.InRange(mean, interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble());
            Assert.InRange(m.GetProperty("count").GetInt32(), 1, runs);
        }

        foreach (string name in Common)
        {
            Assert.Equal(runs, statistics.GetProperty(name).GetProperty("count").GetInt32());
        }

        // The per-run means agree with the sweep's totals.
        Assert.Equal(root.GetProperty("events").GetInt64(), statistics.GetProperty("events").GetProperty("mean").GetDouble() * runs, 6);
        Assert.Equal(root.GetProperty("messages").GetProperty("sent").GetInt64(), statistics.GetProperty("sent").GetProperty("mean").GetDouble() * runs, 6);
        Assert.Equal(root.GetProperty("virtualTime").GetDouble(), statistics.GetProperty("virtualTime").GetProperty("mean").GetDouble() * runs, 6);
    }

    [Fact]
    public void RaftSweep_FigureFields_AreTheElectionStatistics()
    {
        JsonElement root = Json("raft-election", "--sweep", "20");
        JsonElement election = root.GetProperty("statistics").GetProperty("electionMs");

        Assert.Equal(root.GetProperty("median").GetDouble(), election.GetProperty("p50").GetDouble());
        Assert.Equal(root.GetProperty("p90").GetDouble(), election.GetProperty("p90").GetDouble());
        Assert.Equal(root.GetProperty("max").GetDouble(), election.GetProperty("max").GetDouble());
        Assert.Equal(root.GetProperty("meanTerms").GetDouble(), root.GetProperty("statistics").GetProperty("terms").GetProperty("mean").GetDouble(), 12);
    }

    [Fact]
    public void ASingleRun_HasNoStatistics()
    {
        Assert.False(Json("raft-election").TryGetProperty("statistics", out _));
        (_, string text, _) = Run("raft-election");
        Assert.DoesNotContain("per run, over", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SweepText_PrintsOneLinePerMetric()
    {
        (int code, string text, string error) = Run("raft-election", "--sweep", "12");
        Assert.True(code == 0, error);

        Assert.Contains("per run, over 12 runs: mean [95% confidence interval], standard deviation, min / p50 / p90 / p99 / max", text, StringComparison.Ordinal);
        foreach (string metric in (string[])[.. Common, "electionMs", "terms"])
        {
            Assert.Single(text.Split('\n'), line => line.TrimStart().StartsWith(metric + " ", StringComparison.Ordinal) && line.Contains(", sd ", StringComparison.Ordinal));
        }
    }
}
