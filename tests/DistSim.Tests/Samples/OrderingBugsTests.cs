using System.Text.Json;
using DistSim.Samples.OrderingBugs;
using DistSim.Scheduling;
using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

public class OrderingBugsTests
{
    private static JsonElement Json(params string[] args)
    {
        (int code, string output, string error) = Run([.. args, "--json"]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static double Fraction(string bug, Scheduler scheduler, int seeds) =>
        Enumerable.Range(1, seeds).Count(s => OrderingBug.Play(bug, (ulong)s, DistSim.Samples.Cli.RunSettings.Unrecorded with { Scheduler = scheduler }).Found) / (double)seeds;

    [Theory]
    [InlineData("stale-read", 7, 1)]
    [InlineData("torn-update", 6, 2)]
    [InlineData("interleaved", 7, 3)]
    public void EachBug_HidesFromFifo_AndPctFindsItFromItsDepthOn(string bug, long steps, int depth)
    {
        Assert.True(Fraction(bug, Schedulers.Fifo, 300) < 0.02); // stale-read shows naturally in under 1 % of the runs
        Assert.True(Fraction(bug, Schedulers.RandomTieBreak, 300) < 0.02);
        if (depth > 1)
        {
            Assert.Equal(0, Fraction(bug, Schedulers.Pct(depth - 1, steps), 300)); // one change point too few: never
        }

        Assert.True(Fraction(bug, Schedulers.Pct(depth, steps), 1000) > 0.01);
        Assert.True(Fraction(bug, Schedulers.DelayBounding(1, steps), 300) > 0.05);
    }

    [Fact]
    public void Runner_ReportsTheFraction_AndTheStrategy()
    {
        JsonElement pct = Json("ordering-bugs", "--bug", "torn-update", "--sweep", "200", "--schedule", "pct:2");
        Assert.Equal("pct:2", pct.GetProperty("schedule").GetString());
        Assert.Equal(200, pct.GetProperty("runs").GetInt32());
        Assert.InRange(pct.GetProperty("found").GetInt32(), 5, 60);
        Assert.Equal(pct.GetProperty("found").GetInt32() / 200.0, pct.GetProperty("fraction").GetDouble());

        JsonElement fifo = Json("ordering-bugs", "--bug", "torn-update", "--sweep", "200");
        Assert.False(fifo.TryGetProperty("schedule", out _)); // no --schedule: the report is as it always was
        Assert.Equal(0, fifo.GetProperty("found").GetInt32());
        Assert.Equal(JsonValueKind.Null, fifo.GetProperty("firstSeedFound").ValueKind);
    }

    [Fact]
    public void Schedule_IsTheSame_ForAnyParallelism_AndFifoIsTheDefault()
    {
        string[] sweep = ["wal-kv", "--writes", "30", "--sweep", "12"];
        string one = Json([.. sweep, "--schedule", "pct:3", "--parallel", "1"]).GetProperty("fingerprint").GetString()!;
        Assert.Equal(one, Json([.. sweep, "--schedule", "pct:3", "--parallel", "4"]).GetProperty("fingerprint").GetString());
        string fifo = Json(sweep).GetProperty("fingerprint").GetString()!;
        Assert.Equal(fifo, Json([.. sweep, "--schedule", "fifo"]).GetProperty("fingerprint").GetString());
        Assert.NotEqual(fifo, one);
        Assert.NotEqual(fifo, Json([.. sweep, "--schedule", "delay-bound:2:200"]).GetProperty("fingerprint").GetString());
    }

    [Theory]
    [InlineData("pct:0")]
    [InlineData("pct:-1")]
    [InlineData("pct:x")]
    [InlineData("pct")]
    [InlineData("pct:3:1")]
    [InlineData("pct:2:0")]
    [InlineData("delay-bound:-1")]
    [InlineData("delay-bound:1:2:3")]
    [InlineData("fifo:2")]
    [InlineData("dfs")]
    [InlineData("")]
    public void BadSchedule_IsAUsageError_NamingTheOptionAndTheValue(string value)
    {
        (int code, _, string error) = Run("two-generals", "--schedule", value);
        Assert.Equal(2, code);
        Assert.Contains($"--schedule: '{value}' is not a scheduling strategy", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_AndListsOfCases_SayWhyNot()
    {
        (int code, _, string error) = Run("bench", "--schedule", "pct:2");
        Assert.Equal(2, code);
        Assert.Contains("--schedule: bench measures", error, StringComparison.Ordinal);
        (code, _, error) = Run("byzantine-generals", "--exhaustive", "--schedule", "pct:2");
        Assert.Equal(2, code);
        Assert.Contains("needs K here", error, StringComparison.Ordinal);
        Assert.Equal(0, Run("byzantine-generals", "--exhaustive", "--schedule", "pct:2:100").Code);
    }
}
