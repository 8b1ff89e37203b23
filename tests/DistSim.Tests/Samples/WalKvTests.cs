using System.Text;
using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.WalKv;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class WalKvTests
{
    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, Runner.Execute([.. args, "--json"], output, new StringWriter()));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact(DisplayName = "wal-kv, 500 seeds: no acknowledged write lost across thousands of crashes, torn tails included")]
    public void GroupCommit_LosesNothingAcknowledged()
    {
        JsonElement r = Json("wal-kv", "--sweep", "500");

        Assert.Equal(0, r.GetProperty("lostAcknowledgedWrites").GetInt32());
        Assert.True(r.GetProperty("crashes").GetInt32() > 1000);
        Assert.True(r.GetProperty("tornWrites").GetInt32() > 50); // recovery really had torn tails to cut
        Assert.Equal(500 * 300, r.GetProperty("acknowledged").GetInt32());
    }

    [Fact(DisplayName = "wal-kv --no-flush: acknowledged writes are lost")]
    public void NoFlush_LosesAcknowledgedWrites()
    {
        JsonElement r = Json("wal-kv", "--sweep", "50", "--no-flush");
        Assert.True(r.GetProperty("lostAcknowledgedWrites").GetInt32() > 0);
        Assert.True(r.GetProperty("runsWithLoss").GetInt32() > 0);
    }

    [Fact]
    public void Recovery_ReplaysTheLogAfterTheSnapshot_AndTheTraceShowsTheCrashes()
    {
        WalKvRun run = WalKvScenario.Play(3, 300, 20, TimeSpan.FromSeconds(1), 50, flush: true);

        Assert.Equal(0, run.LostAcknowledged);
        Assert.True(run.Crashes > 0);
        Assert.Equal(run.Crashes, run.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Restart));
        Assert.Equal(20, run.Server.State.Count);
    }

    [Fact]
    public void LogEntries_DetectTearing()
    {
        byte[] entry = KvServer.Encode("k1", "value");
        Assert.True(KvServer.TryParse(entry, out string key, out string value));
        Assert.Equal(("k1", "value"), (key, value));
        for (int cut = 0; cut < entry.Length; cut++)
        {
            Assert.False(KvServer.TryParse(entry[..cut], out _, out _), Encoding.UTF8.GetString(entry[..cut]));
        }
    }
}
