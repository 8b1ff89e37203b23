using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.Raft;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class RaftElectionTests
{
    private static JsonElement Json(params string[] args) => Json(0, args);

    private static JsonElement Json(int exitCode, params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(exitCode, Runner.Execute([.. args, "--json"], output, new StringWriter()));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact(DisplayName = "Raft, 200 trials per range: 150–150 far slower than 150–155, which is slower than 150–300; one leader per term everywhere")]
    public void Figure16Shape()
    {
        // Without randomness most trials never elect: each stops at its 5-minute time limit, which is reported (exit 3).
        JsonElement none = Json(Runner.LimitHit, "raft-election", "--timeout-min", "150", "--timeout-max", "150", "--sweep", "200");
        Assert.Equal("time", none.GetProperty("limitHit").GetString());
        Assert.Equal(none.GetProperty("unfinished").GetInt32(), none.GetProperty("incompleteRuns").GetInt32());
        Assert.True(none.GetProperty("unfinished").GetInt32() > 100);
        // An unfinished trial went through a term of split votes every 150 ms: its terms are counted, not reported as 0.
        Assert.True(none.GetProperty("meanTerms").GetDouble() > 1000, $"{none.GetProperty("meanTerms").GetDouble()}");
        JsonElement little = Json("raft-election", "--timeout-min", "150", "--timeout-max", "155", "--sweep", "200");
        JsonElement wide = Json("raft-election", "--timeout-min", "150", "--timeout-max", "300", "--sweep", "200");

        double mNone = none.GetProperty("median").GetDouble(), mLittle = little.GetProperty("median").GetDouble(), mWide = wide.GetProperty("median").GetDouble();
        Assert.True(mNone > 10 * mLittle, $"{mNone} vs {mLittle}");
        Assert.InRange(mLittle, 200, 1000); // a little randomness: a few hundred ms
        Assert.True(mLittle > mWide, $"{mLittle} vs {mWide}");
        Assert.True(little.GetProperty("p99").GetDouble() > wide.GetProperty("p99").GetDouble());
        foreach (JsonElement r in new[] { none, little, wide })
        {
            Assert.True(r.GetProperty("oneLeaderPerTerm").GetBoolean());
        }
    }

    [Fact]
    public void AfterTheCrash_TheNewLeaderWonAMajorityInAHigherTerm_AsTheTraceShows()
    {
        RaftTrial t = RaftElectionScenario.Trial(3, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300),
            Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(3)), TimingModels.Unbounded, record: true);

        Assert.NotNull(t.ElectionTime);
        Assert.Equal(0, t.LeadersPerTermViolations);
        var crash = t.Simulation.Trace.Events.Single(e => e.Kind == TraceEventKind.Crash);
        var votes = t.Simulation.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver && e.Payload is Vote { Granted: true } && e.Time > crash.Time).ToList();
        Assert.Contains(votes.GroupBy(v => (v.Node, ((Vote)v.Payload!).Term)), g => g.Count() >= 2); // 2 votes + its own: a majority of 5
        Assert.Contains(t.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.NodeDown); // heartbeats to the dead leader
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("async")]
    [InlineData("async", "--hold", "0.05")]
    [InlineData("partial")]
    public void EveryTimingModel_ElectsWithOneLeaderPerTerm(string timing, params string[] extra)
    {
        JsonElement r = Json(["raft-election", "--timing", timing, "--sweep", "50", .. extra]);
        Assert.True(r.GetProperty("oneLeaderPerTerm").GetBoolean());
        Assert.Equal(0, r.GetProperty("unfinished").GetInt32());
    }
}
