using System.Text.Json;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tests.Support;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Tracing;

/// <summary>The answer to a <see cref="Ping"/>.</summary>
public sealed record Pong(int Seq);

/// <summary>A node that pings every other node each round and answers every ping: sends inside timer and message handlers.</summary>
internal sealed class Chatter(int nodes, int rounds) : Node
{
    private int _round;

    public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

    public override void OnTimer(TimerId timer, object? state)
    {
        for (int n = 0; n < nodes; n++)
        {
            if (n != Id.Value)
            {
                Send(new NodeId(n), new Ping(_round));
            }
        }

        if (++_round < rounds)
        {
            SetTimer(TimeSpan.FromMilliseconds(10));
        }
    }

    public override void OnMessage(NodeId from, object message)
    {
        if (message is Ping p)
        {
            Send(from, new Pong(p.Seq));
        }
    }
}

/// <summary>The runs the visual exporters are checked on: drops, duplicates, retransmissions, crashes and partitions.</summary>
internal static class ExportRuns
{
    public const int Shapes = 6;

    /// <summary>
    /// Shape 0: lossy and duplicating fair-loss; 1: reliable link over it; 2: a crash and restart; 3: a partition and heal;
    /// 4: node C Byzantine, tampering with what it sends; 5: an in-transit adversary forging and replaying packets.
    /// </summary>
    public static Simulation Run(ulong seed, int shape, int nodes = 3, int rounds = 8)
    {
        var network = new FairLossLinkOptions { LossProbability = 0.2, DuplicateProbability = shape == 1 ? 0.05 : 0.1 };
        Simulation sim = new(new SimulationOptions
        {
            Seed = seed,
            Network = network,
            RecordTrace = true,
            Link = shape == 1 ? global::DistSim.Links.Links.Reliable() : global::DistSim.Links.Links.FairLoss,
            TimeLimit = TimeSpan.FromDays(1),
            Adversary = shape == 5 ? new global::DistSim.Network.AdversaryOptions { ForgeProbability = 0.2, ReplayProbability = 0.2 } : null,
        });
        for (int n = 0; n < nodes; n++)
        {
            bool liar = shape == 4 && n == 2;
            Func<Node> chatter = () => new Chatter(nodes, rounds);
            sim.AddNode("node " + (char)('A' + n), liar ? Byzantine.Wrap(chatter, ByzantineBehavior.Tamper()) : chatter, liar ? FailureModels.Byzantine : FailureModels.CrashRecover());
        }

        var b = new NodeId(1);
        if (shape == 2)
        {
            sim.At(SimTime.FromSeconds(0.035), () => sim.CrashFor(b, TimeSpan.FromMilliseconds(25)));
        }
        else if (shape == 3)
        {
            new FaultSchedule().Partition(SimTime.FromSeconds(0.03), [new NodeId(0)], [b, new NodeId(2)]).Heal(SimTime.FromSeconds(0.06)).ApplyTo(sim);
        }

        sim.Run();
        return sim;
    }

    public static bool IsHandler(TraceEventKind kind) =>
        kind is TraceEventKind.NodeStarted or TraceEventKind.Deliver or TraceEventKind.TimerFired or TraceEventKind.Continued;
}

public sealed class ChromeTraceTests
{
    private static readonly HashSet<string> Phases = ["X", "i", "s", "f", "M"];

    /// <summary>
    /// The export obeys the trace-event format for every shape and seed: each event has the fields its phase needs, slices
    /// on a track never overlap, every flow has one start and one end, each bound inside a slice of its track, the start
    /// no later than the end; and it shows what happened: a slice per handler, a flow per delivered packet from the
    /// sender's track to the receiver's, an instant per drop and fault.
    /// </summary>
    [Property(MaxTest = 24)]
    public void Export_FollowsTheFormat_AndShowsTheRun(ulong seed, byte shapeByte)
    {
        Simulation sim = ExportRuns.Run(seed, shapeByte % ExportRuns.Shapes);
        IReadOnlyList<TraceEvent> events = sim.Trace.Events;
        using JsonDocument doc = JsonDocument.Parse(sim.Trace.ToChromeTrace());
        JsonElement root = doc.RootElement;
        Assert.Equal("ms", root.GetProperty("displayTimeUnit").GetString());
        Assert.Equal(sim.Trace.FingerprintHex, root.GetProperty("otherData").GetProperty("fingerprint").GetString());
        JsonElement[] all = [.. root.GetProperty("traceEvents").EnumerateArray()];

        var slices = new Dictionary<int, List<(double Ts, double End)>>();
        var flows = new Dictionary<long, (int Tid, double Ts)>();
        var ended = new Dictionary<long, (int Tid, double Ts)>();
        var threadNames = new Dictionary<int, string>();
        foreach (JsonElement e in all)
        {
            string ph = e.GetProperty("ph").GetString()!;
            Assert.Contains(ph, Phases);
            Assert.Equal(1, e.GetProperty("pid").GetInt32());
            if (ph == "M")
            {
                if (e.GetProperty("name").GetString() == "thread_name")
                {
                    threadNames[e.GetProperty("tid").GetInt32()] = e.GetProperty("args").GetProperty("name").GetString()!;
                }

                continue;
            }

            int tid = e.GetProperty("tid").GetInt32();
            double ts = e.GetProperty("ts").GetDouble();
            Assert.True(ts >= 0, $"negative ts {ts}");
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("cat").GetString()));
            switch (ph)
            {
                case "X":
                    double dur = e.GetProperty("dur").GetDouble();
                    Assert.True(dur > 0);
                    JsonElement args = e.GetProperty("args");
                    Assert.True(ts >= (args.GetProperty("time").GetDouble() * 1e6) - 1e-3, "a slice is never drawn before its virtual time");
                    if (!slices.TryGetValue(tid, out var list))
                    {
                        slices[tid] = list = [];
                    }

                    Assert.True(list.Count == 0 || list[^1].End <= ts + 1e-9, $"slices overlap on track {tid} at {ts}");
                    list.Add((ts, ts + dur));
                    break;
                case "i":
                    Assert.Contains(e.GetProperty("s").GetString(), new[] { "g", "p", "t" });
                    break;
                case "s":
                    Assert.True(flows.TryAdd(e.GetProperty("id").GetInt64(), (tid, ts)), "one start per flow");
                    break;
                case "f":
                    Assert.Equal("e", e.GetProperty("bp").GetString());
                    Assert.True(ended.TryAdd(e.GetProperty("id").GetInt64(), (tid, ts)), "one end per flow");
                    break;
            }
        }

        Assert.Equal(flows.Keys.Order(), ended.Keys.Order());
        foreach ((long id, (int tid, double ts)) in flows)
        {
            Assert.True(ts <= ended[id].Ts, $"flow {id} ends before it starts");
            Assert.True(InSlice(slices, tid, ts), $"flow {id} starts outside a slice");
            Assert.True(InSlice(slices, ended[id].Tid, ended[id].Ts), $"flow {id} ends outside a slice");
        }

        // What the run did, as drawn.
        int handlers = events.Count(e => ExportRuns.IsHandler(e.Kind));
        Assert.True(slices.Values.Sum(l => l.Count) >= handlers);
        string[] handlerKinds = ["node-started", "deliver", "timer-fired", "continued"];
        Assert.Equal(handlers, all.Count(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() == "handler"
            && handlerKinds.Contains(e.GetProperty("args").GetProperty("kind").GetString())));
        int[] origins = PacketOrigins.Compute(events);
        int deliveries = 0;
        for (int k = 0; k < events.Count; k++)
        {
            TraceEvent d = events[k];
            if (d.Kind != TraceEventKind.Deliver)
            {
                continue;
            }

            deliveries++;
            TraceEvent origin = events[origins[k]];
            bool adversary = origin.Kind is TraceEventKind.Forged or TraceEventKind.Replayed;
            Assert.Equal(adversary ? 0 : origin.Node.Value + 1, flows[d.Index].Tid); // the network's track for what the adversary injected
            Assert.Equal(d.Node.Value + 1, ended[d.Index].Tid);
        }

        Assert.Equal(deliveries, flows.Count);

        foreach (TraceEventKind kind in new[] { TraceEventKind.Drop, TraceEventKind.Crash, TraceEventKind.Restart, TraceEventKind.Partition, TraceEventKind.Heal, TraceEventKind.Retransmit, TraceEventKind.Byzantine })
        {
            string name = kind == TraceEventKind.Drop ? "drop" : kind.ToString().ToLowerInvariant();
            Assert.Equal(events.Count(e => e.Kind == kind), all.Count(e => e.GetProperty("ph").GetString() == "i" && e.GetProperty("name").GetString()!.StartsWith(name, StringComparison.Ordinal)));
        }

        foreach (int n in Enumerable.Range(0, 3))
        {
            Assert.Equal(sim.Trace.NodeName(new NodeId(n)), threadNames[n + 1]);
        }
    }

    [Fact]
    public void EveryShape_ShowsItsMechanism()
    {
        Assert.Contains(ExportRuns.Run(1, 0).Trace.Events, e => e.Kind == TraceEventKind.Drop);
        Assert.Contains(ExportRuns.Run(1, 0).Trace.Events, e => e.Kind == TraceEventKind.Duplicate);
        Assert.Contains(ExportRuns.Run(1, 1).Trace.Events, e => e.Kind == TraceEventKind.Retransmit);
        Assert.Contains(ExportRuns.Run(1, 2).Trace.Events, e => e.Kind == TraceEventKind.Restart);
        Assert.Contains(ExportRuns.Run(1, 3).Trace.Events, e => e.Kind == TraceEventKind.Heal);
        Assert.Contains(ExportRuns.Run(1, 4).Trace.Events, e => e.Kind == TraceEventKind.Byzantine);
        Assert.Contains(ExportRuns.Run(1, 5).Trace.Events, e => e.Kind == TraceEventKind.Forged);
        Assert.Contains(ExportRuns.Run(1, 5).Trace.Events, e => e.Kind == TraceEventKind.Replayed);
    }

    [Fact]
    public void SameRun_SameBytes_AndWriteMatchesTo()
    {
        string a = ExportRuns.Run(7, 2).Trace.ToChromeTrace();
        Simulation sim = ExportRuns.Run(7, 2);
        using var stream = new MemoryStream();
        sim.Trace.WriteChromeTrace(stream);

        Assert.Equal(a, System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void WithoutRecordedEvents_TheExportsSaySo()
    {
        Simulation sim = Sims.Create(3, record: false);
        sim.AddNode("A", () => new Chatter(1, 1));
        sim.Run();

        var ex = Assert.Throws<InvalidOperationException>(() => sim.Trace.ToChromeTrace());
        Assert.Contains("RecordTrace", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => sim.Trace.ToHtml());
    }

    private static bool InSlice(Dictionary<int, List<(double Ts, double End)>> slices, int tid, double ts) =>
        slices.TryGetValue(tid, out var list) && list.Exists(s => s.Ts <= ts && ts <= s.End);
}
