using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.LongDelays;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class LongDelaysTests
{
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(180);

    private static JsonElement Json(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, Runner.Execute([.. args, "--json"], output, new StringWriter()));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact(DisplayName = "long-delays, 200 seeds: split brain in every run without fencing, never with --fencing")]
    public void Fencing_PreventsSplitBrain()
    {
        JsonElement without = Json("long-delays", "--sweep", "200");
        JsonElement with = Json("long-delays", "--sweep", "200", "--fencing");

        Assert.Equal(200, without.GetProperty("splitBrainRuns").GetInt32());
        Assert.True(without.GetProperty("oldActiveWrites").GetInt64() > 200 * 700); // ~80 s of writes every 100 ms on each side
        Assert.True(without.GetProperty("newActiveWrites").GetInt64() > 200 * 700);
        Assert.True(without.GetProperty("splitBrain").GetBoolean());
        Assert.Equal(0, with.GetProperty("splitBrainRuns").GetInt32());
        Assert.Equal(0, with.GetProperty("oldActiveWrites").GetInt64());
        Assert.Equal(200, with.GetProperty("takeovers").GetInt32()); // the passive really took over, once per run
        Assert.Equal(200, with.GetProperty("refusedWrites").GetInt32()); // and the old active was fenced off at the disk
        Assert.False(with.GetProperty("splitBrain").GetBoolean());
    }

    [Fact(DisplayName = "long-delays, a freeze shorter than the takeover timeout: no takeover, no split brain")]
    public void ShortFreeze_NoTakeover()
    {
        JsonElement run = Json("long-delays", "--sweep", "50", "--freeze", "5s");
        Assert.Equal(0, run.GetProperty("takeovers").GetInt32());
        Assert.Equal(0, run.GetProperty("splitBrainRuns").GetInt32());
    }

    [Fact(DisplayName = "long-delays without fencing: the trace shows heartbeats held by the freeze, a takeover, then writes of both epochs stored")]
    public void WithoutFencing_TraceShowsFreezeTakeoverAndBothSidesWriting()
    {
        LongDelaysRun run = LongDelaysScenario.Play(7, fencing: false, Freeze, Duration, record: true);
        var events = run.Simulation.Trace.Events;

        // The freeze: heartbeats delivered long after they were sent, far beyond the takeover timeout, at the end of the freeze.
        var held = events.Where(e => e.Kind == TraceEventKind.Deliver && e.Payload is Beat b && e.Time - b.SentAt > LongDelaysScenario.Takeover).ToList();
        Assert.NotEmpty(held);
        Assert.Contains(held, e => e.Time - ((Beat)e.Payload!).SentAt > TimeSpan.FromSeconds(75));
        Assert.All(held, e => Assert.True(e.Time >= run.FreezeEnd && e.Time < run.FreezeEnd + TimeSpan.FromMilliseconds(10)));

        // The takeover: the passive (node 1) announced epoch 1 during the freeze (and again to each held heartbeat after it).
        TraceEvent promote = events.First(e => e.Kind == TraceEventKind.Send && e.Node.Value == 1 && e.Payload is Promote { Epoch: 1 });
        Assert.True(promote.Time > run.FreezeStart && promote.Time < run.FreezeEnd);

        // Split brain: after the takeover the disk stored writes from both nodes, epochs 0 and 1, during the freeze.
        var stored = events.Where(e => e.Kind == TraceEventKind.Send && e.Node.Value == 2 && e.Payload is Stored && e.Time > promote.Time && e.Time < run.FreezeEnd).ToList();
        Assert.Contains(stored, e => e.Peer!.Value.Value == 0 && ((Stored)e.Payload!).Epoch == 0);
        Assert.Contains(stored, e => e.Peer!.Value.Value == 1 && ((Stored)e.Payload!).Epoch == 1);
        Assert.True(run.OldSideWrites > 700 && run.NewSideWrites > 700);
        Assert.DoesNotContain(events, e => e.Payload is Refused);
    }

    [Fact(DisplayName = "long-delays with fencing: the new active fences before serving, the disk refuses the old active, which stops")]
    public void WithFencing_TraceShowsOldActiveFenced()
    {
        LongDelaysRun run = LongDelaysScenario.Play(7, fencing: true, Freeze, Duration, record: true);
        var events = run.Simulation.Trace.Events;

        Assert.Contains(events, e => e.Kind == TraceEventKind.Deliver && e.Payload is Beat b && e.Time - b.SentAt > TimeSpan.FromSeconds(75));
        TraceEvent fence = Assert.Single(events, e => e.Kind == TraceEventKind.Send && e.Node.Value == 1 && e.Payload is Fence { Epoch: 1 });
        TraceEvent fenced = Assert.Single(events, e => e.Kind == TraceEventKind.Deliver && e.Node.Value == 1 && e.Payload is Fenced { Epoch: 1 });
        Assert.True(fence.Time > run.FreezeStart && fence.Time < run.FreezeEnd);

        // The new active wrote nothing before the fence was in force.
        Assert.DoesNotContain(events, e => e.Kind == TraceEventKind.Send && e.Node.Value == 1 && e.Payload is DiskWrite && e.Time < fenced.Time);

        // The old active's first write after the fence was refused by token, and it wrote nothing more during the freeze.
        TraceEvent refused = Assert.Single(events, e => e.Kind == TraceEventKind.Send && e.Node.Value == 2 && e.Payload is Refused { Epoch: 0, Fence: 1 });
        Assert.True(refused.Time > fence.Time);
        Assert.DoesNotContain(events, e => e.Kind == TraceEventKind.Send && e.Node.Value == 0 && e.Payload is DiskWrite && e.Time > refused.Time + TimeSpan.FromMilliseconds(10) && e.Time < run.FreezeEnd);
        Assert.DoesNotContain(events, e => e.Kind == TraceEventKind.Send && e.Node.Value == 2 && e.Payload is Stored { Epoch: 0 } && e.Time > fence.Time);

        // With the fence, no write of the old active counts as served while the new one is active, and there was one takeover.
        Assert.Equal(0, run.OldSideWrites);
        Assert.Equal(1, run.Takeovers);
    }

    [Fact]
    public void BadDuration_IsAUsageError_NamingOptionAndValue()
    {
        var error = new StringWriter();
        Assert.Equal(2, Runner.Execute(["long-delays", "--duration", "60s"], new StringWriter(), error));
        Assert.Contains("--duration: '60s'", error.ToString());
    }
}
