using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.SplitBrain;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class SplitBrainTests
{
    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, Runner.Execute([.. args, "--json"], output, new StringWriter()));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact(DisplayName = "split-brain, 500 seeds: overlapping primaries without leases, none with leases")]
    public void Leases_PreventOverlappingPrimaries()
    {
        JsonElement without = Json("split-brain", "--sweep", "500");
        JsonElement with = Json("split-brain", "--sweep", "500", "--leases");

        Assert.True(without.GetProperty("runsWithOverlappingPrimaries").GetInt32() > 50);
        Assert.Equal(0, with.GetProperty("runsWithOverlappingPrimaries").GetInt32());
        Assert.True(with.GetProperty("takeovers").GetInt32() > 100); // the backup really took over, many times
    }

    [Fact]
    public void SplitBrain_ShowsInTheTrace_AsTwoTermsAcceptingWrites()
    {
        SplitBrainRun run = Enumerable.Range(1, 50)
            .Select(seed => SplitBrainScenario.Play((ulong)seed, 0.5, leases: false, TimeSpan.FromSeconds(5), record: true))
            .First(r => r.Conflicts > 0);

        // In the trace: a new term was announced, and afterwards the old primary still acknowledged a write in its old term.
        var sends = run.Simulation.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToList();
        Assert.Contains(sends, takeover => takeover.Payload is Takeover t && sends.Any(ack =>
            ack.Time > takeover.Time && ack.Time <= run.FirstConflict!.Value && ack.Payload is WriteAck w && w.Term < t.Term));
        Assert.Contains(run.Simulation.Trace.Events, e => e.Cause == DropCause.SendOmission); // the omission really hid heartbeats
    }
}
