using System.Text.Json;
using DistSim.Links;
using DistSim.Tests.Support;

namespace DistSim.Tests.Tracing;

public class TraceTests
{
    [Fact]
    public void JsonLines_HasAHeaderThenOneParsableObjectPerEvent()
    {
        (DistSim.Simulation sim, _) = Sims.PingRun(5, 20, new FairLossLinkOptions { LossProbability = 0.3, DuplicateProbability = 0.2 });

        string[] lines = sim.Trace.ToJsonLines().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(sim.Trace.Events.Count + 1, lines.Length);
        using JsonDocument header = JsonDocument.Parse(lines[0]);
        Assert.Equal("run", header.RootElement.GetProperty("kind").GetString());
        Assert.Equal(5UL, header.RootElement.GetProperty("seed").GetUInt64());
        var kinds = lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "node-started", "send", "deliver", "drop", "duplicate" }, kinds);
        using JsonDocument drop = JsonDocument.Parse(lines.Skip(1).First(l => l.Contains("\"drop\"", StringComparison.Ordinal)));
        Assert.Equal("loss", drop.RootElement.GetProperty("cause").GetString());
        Assert.Equal("A", drop.RootElement.GetProperty("node").GetString());
        Assert.Equal("B", drop.RootElement.GetProperty("peer").GetString());
        Assert.Equal("Ping", drop.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void TraceLimit_TruncatesRecording_ButNotTheFingerprint()
    {
        var small = new DistSim.Simulation(new SimulationOptions { Seed = 2, TraceLimit = 10 });
        var full = new DistSim.Simulation(new SimulationOptions { Seed = 2 });
        foreach (DistSim.Simulation s in new[] { small, full })
        {
            s.AddNode("A", () => new Sender(new DistSim.Nodes.NodeId(1), 50));
            s.AddNode("B", () => new Receiver());
            s.Run();
        }

        Assert.Equal(10, small.Trace.Events.Count);
        Assert.True(small.Trace.IsTruncated);
        Assert.Equal(full.Trace.Count, small.Trace.Count);
        Assert.Equal(full.Trace.Fingerprint, small.Trace.Fingerprint);
    }

    [Fact]
    public void Fingerprint_ChangesWithEveryEvent()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 2 });
        sim.AddNode("A", () => new Forever(TimeSpan.FromSeconds(1)));
        var seen = new HashSet<ulong> { sim.Trace.Fingerprint };
        for (int i = 0; i < 100; i++)
        {
            sim.Step();
            Assert.True(seen.Add(sim.Trace.Fingerprint));
        }
    }

    [Fact]
    public void EventIndices_AreConsecutive()
    {
        (DistSim.Simulation sim, _) = Sims.PingRun(5, 20, new FairLossLinkOptions { LossProbability = 0.3 });
        Assert.Equal(Enumerable.Range(0, sim.Trace.Events.Count).Select(i => (long)i), sim.Trace.Events.Select(e => e.Index));
    }

    private sealed record Reading(double Value, DistSim.Time.SimTime At);

    [Fact]
    public void JsonLines_AreTheSameBytesUnderAnyCulture()
    {
        static string Export()
        {
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1 });
            var b = new DistSim.Nodes.NodeId(1);
            sim.AddNode("A", () => new Scripted(onStart: c => c.Send(b, new Reading(0.5, c.LocalNow))));
            sim.AddNode("B", () => new Receiver());
            sim.Run();
            return sim.Trace.ToJsonLines();
        }

        System.Globalization.CultureInfo saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            string invariant = Export();
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            string german = Export();

            Assert.Equal(invariant, german);
            Assert.Contains("Value = 0.5", german, StringComparison.Ordinal);
            Assert.Equal("de-DE", System.Globalization.CultureInfo.CurrentCulture.Name); // restored after the export
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Mermaid_DrawsDeliveriesDropsAndFaults()
    {
        DistSim.Simulation sim = Sims.Create(5, new FairLossLinkOptions { LossProbability = 0.3 });
        var b = new DistSim.Nodes.NodeId(1);
        sim.AddNode("A", () => new Sender(b, 10, TimeSpan.FromMilliseconds(10)));
        sim.AddNode("B", () => new Receiver(), DistSim.Failures.FailureModels.CrashRecover());
        sim.At(DistSim.Time.SimTime.FromSeconds(0.055), () => sim.CrashFor(b, TimeSpan.FromMilliseconds(20)));
        sim.Run();

        string[] lines = sim.Trace.ToMermaid().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequenceDiagram", lines[0]);
        Assert.Contains("    participant A", lines);
        Assert.Contains("    participant B", lines);
        int deliveries = sim.Trace.Events.Count(e => e.Kind == DistSim.Tracing.TraceEventKind.Deliver);
        int drops = sim.Trace.Events.Count(e => e.Kind == DistSim.Tracing.TraceEventKind.Drop);
        Assert.Equal(deliveries, lines.Count(l => l.Contains("A->>B: Ping", StringComparison.Ordinal)));
        Assert.Equal(drops, lines.Count(l => l.Contains("A-xB: Ping", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("    Note over B: crash at 0.0550000s", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("lost (node-down)", StringComparison.Ordinal));
        Assert.Equal(5, sim.Trace.ToMermaid(maxEvents: 1).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header, 2 participants, 1 line, and a note that more follow
    }
}
