using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.PrimaryBackup;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class PrimaryBackupTests
{
    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, Runner.Execute([.. args, "--json"], output, new StringWriter()));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact(DisplayName = "primary-backup, 300 seeds: the primary crashes, the backup takes over, no acknowledged write is lost")]
    public void SynchronousReplication_LosesNothingAcknowledged()
    {
        JsonElement r = Json("primary-backup", "--sweep", "300");

        Assert.Equal(300, r.GetProperty("failovers").GetInt32());
        Assert.Equal(0, r.GetProperty("lostAcknowledgedWrites").GetInt32());
        Assert.Equal(300 * 500, r.GetProperty("acknowledged").GetInt32()); // and the client finished on the new primary
    }

    [Fact]
    public void AsynchronousReplication_LosesAcknowledgedWrites() =>
        Assert.True(Json("primary-backup", "--sweep", "100", "--async").GetProperty("lostAcknowledgedWrites").GetInt32() > 0);

    [Fact]
    public void TheCrashAndTheTakeoverAreInTheTrace()
    {
        PrimaryBackupRun run = PrimaryBackupScenario.Play(4, 500, 20, synchronous: true, record: true);

        TraceEvent crash = Assert.Single(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Crash);
        Assert.Equal(run.CrashAt, crash.Time);
        TraceEvent announce = Assert.Single(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Send && e.Payload is NewPrimary);
        Assert.InRange(announce.Time - crash.Time, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(260)); // heartbeat timeout 200 ms
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.NodeDown); // the client's retries to the dead primary
    }
}
