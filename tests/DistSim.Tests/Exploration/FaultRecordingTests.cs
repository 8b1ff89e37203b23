using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Exploration;

/// <summary>Faults as data: what a run draws at random is recorded as a schedule that replays the very same run.</summary>
public class FaultRecordingTests
{
    /// <summary>One shape of run: nodes, their models, the link, the network's randomness, the nemeses.</summary>
    public sealed record Shape(int Nodes, bool Reliable, double Loss, double Duplicate, double Omission, bool Pauses, bool ClockSteps, bool Partitions, int Strategy, int Timing = 0)
    {
        public override string ToString() =>
            $"{Nodes} nodes, {(Reliable ? "reliable" : "fair-loss")}, loss {Loss}, dup {Duplicate}, omission {Omission}, pauses {Pauses}, clock {ClockSteps}, partitions {Partitions}, strategy {StrategyOf(Strategy).Name}, timing {Timing}";
    }

    public static Arbitrary<Shape> Shapes() =>
        (from nodes in Gen.Choose(2, 5)
         from reliable in Gen.Elements(false, true)
         from loss in Gen.Elements(0.0, 0.1, 0.3)
         from dup in Gen.Elements(0.0, 0.1)
         from omission in Gen.Elements(0.0, 0.2)
         from pauses in Gen.Elements(false, true)
         from clock in Gen.Elements(false, true)
         from partitions in Gen.Elements(false, true)
         from strategy in Gen.Choose(0, 3)
         from timing in Gen.Choose(0, 2)
         select new Shape(nodes, reliable, loss, dup, omission, pauses, clock, partitions, strategy, timing)).ToArbitrary();

    /// <summary>Unbounded; synchronous (Δ 20 ms, pauses bounded by 100 ms, drift and skew); partially synchronous (Δ 20 ms after GST).</summary>
    public static TimingModel TimingOf(int timing) => timing switch
    {
        0 => TimingModels.Unbounded,
        1 => TimingModels.Synchronous(TimeSpan.FromMilliseconds(20), stepBound: TimeSpan.FromMilliseconds(100), drift: 0.01, clockSkew: TimeSpan.FromMilliseconds(5)),
        _ => TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(20), Delay.Exponential(TimeSpan.FromMilliseconds(50))),
    };

    /// <summary>FIFO, random tie-break, PCT (depth 2) or delay-bounding (1 delay): faults replay exactly under each.</summary>
    public static global::DistSim.Scheduling.Scheduler StrategyOf(int strategy) => strategy switch
    {
        0 => global::DistSim.Scheduling.Schedulers.Fifo,
        1 => global::DistSim.Scheduling.Schedulers.RandomTieBreak,
        2 => global::DistSim.Scheduling.Schedulers.Pct(2, 3_000),
        _ => global::DistSim.Scheduling.Schedulers.DelayBounding(1, 3_000),
    };

    private static SimulationOptions Options(ulong seed, Shape shape) => new()
    {
        Seed = seed,
        Link = shape.Reliable ? global::DistSim.Links.Links.Reliable() : global::DistSim.Links.Links.FairLoss,
        Network = new FairLossLinkOptions { LossProbability = shape.Loss, DuplicateProbability = shape.Duplicate },
        Scheduler = StrategyOf(shape.Strategy),
        Timing = TimingOf(shape.Timing),
        Nemesis = new NemesisOptions
        {
            MeanTimeBetweenCrashes = TimeSpan.FromSeconds(2),
            MeanTimeBetweenPauses = shape.Pauses ? TimeSpan.FromSeconds(2) : null,
            MeanTimeBetweenClockSteps = shape.ClockSteps ? TimeSpan.FromSeconds(2) : null,
            Until = TimeSpan.FromSeconds(8),
            MaxFaulty = shape.Nodes >= 4 ? 2 : null, // bounded: skipped faults are fault events too (NoFault)
        },
        Partitions = shape.Partitions ? new RandomPartitionOptions { MeanInterval = TimeSpan.FromSeconds(2), Until = TimeSpan.FromSeconds(8) } : null,
        TimeLimit = TimeSpan.FromMinutes(1),
    };

    /// <summary>Builds and runs a gossiping cluster: every 50 ms (local clock) each node writes its count and tells every peer, which echoes.</summary>
    internal static DistSim.Simulation Play(SimulationOptions options, Shape shape)
    {
        var sim = new DistSim.Simulation(options);
        for (int i = 0; i < shape.Nodes; i++)
        {
            int me = i;
            FailureModel model = me switch
            {
                0 => FailureModels.CrashRecover(tornWrites: true),
                1 when shape.Omission > 0 => FailureModels.Omission(shape.Omission, shape.Omission),
                2 => FailureModels.CrashStop,
                _ => FailureModels.CrashRecover(),
            };
            sim.AddNode("n" + me, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(50)),
                onMessage: (c, from, m) =>
                {
                    if (m is Ping { Seq: >= 0 } p)
                    {
                        c.Send(from, new Ping(-1 - p.Seq));
                    }
                },
                onTimer: (c, _) =>
                {
                    int n = int.TryParse(c.Storage.GetString("count"), System.Globalization.CultureInfo.InvariantCulture, out int k) ? k + 1 : 1; // a torn write leaves garbage: start over
                    c.Storage.PutString("count", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (n % 3 == 0)
                    {
                        c.Storage.Flush();
                    }

                    for (int peer = 0; peer < shape.Nodes; peer++)
                    {
                        if (peer != me)
                        {
                            c.Send(new NodeId(peer), new Ping(n));
                        }
                    }

                    c.SetTimer(TimeSpan.FromMilliseconds(50));
                }), model);
        }

        sim.RunUntil(SimTime.FromSeconds(10));
        return sim;
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(FaultRecordingTests)], DisplayName = "Recorded faults replay the same run under every strategy: same fingerprint, same trace, with the nemeses off")]
    public void RecordedFaults_ReplayTheSameRun(ulong seed, Shape shape)
    {
        SimulationOptions options = Options(seed, shape) with { RecordFaults = FaultRecording.NemesisAndMessages };
        DistSim.Simulation original = Play(options, shape);
        FaultSchedule recorded = original.RecordedFaults;

        // The nemeses' options stay (their Until counts for FaultsEnd) but inject nothing: the schedule replaces them.
        DistSim.Simulation replay = Play(options with { RecordFaults = FaultRecording.Off, FaultSchedule = recorded }, shape);
        Assert.Equal(original.Trace.Fingerprint, replay.Trace.Fingerprint);
        Assert.Equal(original.Trace.Events.Select(e => e.ToString()), replay.Trace.Events.Select(e => e.ToString()));

        // With the nemeses' options gone altogether, the schedule's FaultsEnd and faults still make the same run.
        DistSim.Simulation bare = Play(options with { Nemesis = null, Partitions = null, RecordFaults = FaultRecording.NemesisAndMessages, FaultSchedule = recorded }, shape);
        Assert.Equal(original.Trace.Fingerprint, bare.Trace.Fingerprint);
        Assert.Equal(original.FaultsEnd, bare.FaultsEnd);

        // Recording the replay gives the schedule back; through JSON it is the same schedule.
        Assert.Equal(recorded.ToJson(), bare.RecordedFaults.ToJson());
        Assert.Equal(recorded.ToJson(), FaultSchedule.FromJson(recorded.ToJson(indented: true)).ToJson());
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(FaultRecordingTests)], DisplayName = "Recording changes no run")]
    public void Recording_ChangesNoRun(ulong seed, Shape shape)
    {
        SimulationOptions options = Options(seed, shape);
        Assert.Equal(Play(options, shape).Trace.Fingerprint, Play(options with { RecordFaults = FaultRecording.NemesisAndMessages }, shape).Trace.Fingerprint);
    }

    [Fact(DisplayName = "Every fault the trace shows as drawn at random is in the recorded schedule, kind by kind")]
    public void TheScheduleHoldsEveryDrawnFault()
    {
        var shape = new Shape(4, Reliable: true, Loss: 0.2, Duplicate: 0.1, Omission: 0.2, Pauses: true, ClockSteps: true, Partitions: true, Strategy: 0);
        DistSim.Simulation sim = Play(Options(7, shape) with { RecordFaults = FaultRecording.NemesisAndMessages }, shape);
        FaultSchedule s = sim.RecordedFaults;
        int Count(TraceEventKind kind) => sim.Trace.Events.Count(e => e.Kind == kind);
        int Drops(DropCause cause) => sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == cause);
        int Messages(MessageFaultKind kind) => s.Faults.OfType<MessageFault>().Count(m => m.Kind == kind);

        Assert.Equal(Count(TraceEventKind.Crash), s.Faults.OfType<CrashFault>().Count());
        Assert.Equal(Count(TraceEventKind.Pause), s.Faults.OfType<PauseFault>().Count());
        Assert.Equal(Count(TraceEventKind.ClockStep), s.Faults.OfType<ClockStepFault>().Count());
        Assert.Equal(Count(TraceEventKind.Partition), s.Faults.Count(f => f is PartitionFault or CutFault or IsolateFault)); // cuts and isolations are traced as partition events too
        Assert.Equal(Drops(DropCause.Loss), Messages(MessageFaultKind.Loss));
        Assert.Equal(Count(TraceEventKind.Duplicate), Messages(MessageFaultKind.Duplicate));
        Assert.Equal(Drops(DropCause.SendOmission), Messages(MessageFaultKind.SendOmission));
        Assert.Equal(Drops(DropCause.ReceiveOmission), Messages(MessageFaultKind.ReceiveOmission));
        Assert.All(new[] { Count(TraceEventKind.Crash), Count(TraceEventKind.Partition), Count(TraceEventKind.Pause), Count(TraceEventKind.ClockStep), Drops(DropCause.Loss), Drops(DropCause.SendOmission), Drops(DropCause.ReceiveOmission), Count(TraceEventKind.Duplicate) },
            n => Assert.True(n > 0, "the run should show every kind of fault"));
    }

    [Fact(DisplayName = "A schedule that scripts messages loses exactly the packets it lists, whatever the loss rate")]
    public void ScriptedMessages_LoseExactlyTheListed()
    {
        var shape = new Shape(2, Reliable: false, Loss: 0.5, Duplicate: 0, Omission: 0, Pauses: false, ClockSteps: false, Partitions: false, Strategy: 0);
        FaultSchedule script = new FaultSchedule().LoseMessage(new NodeId(0), new NodeId(1), packet: 3).DuplicateMessage(new NodeId(1), new NodeId(0), packet: 2);
        DistSim.Simulation sim = Play(Options(3, shape) with { Nemesis = null, FaultSchedule = script }, shape);
        TraceEvent[] drops = [.. sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Drop)];
        Assert.Single(drops);
        Assert.Equal((0, 1, DropCause.Loss), (drops[0].Node.Value, drops[0].Peer!.Value.Value, drops[0].Cause));
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Duplicate && e.Node.Value == 1);

        // The third packet from 0 to 1 is the one lost: two sends of 0 to 1 were delivered before it.
        long lostMessage = drops[0].MessageId;
        Assert.Equal(2, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Send && e.Node.Value == 0 && e.MessageId < lostMessage && e.Peer!.Value.Value == 1));
    }

    [Fact(DisplayName = "An empty schedule that scripts messages makes a lossy network lose nothing")]
    public void ScriptedNothing_LosesNothing()
    {
        var shape = new Shape(3, Reliable: false, Loss: 0.3, Duplicate: 0.2, Omission: 0.3, Pauses: false, ClockSteps: false, Partitions: false, Strategy: 0);
        DistSim.Simulation sim = Play(Options(5, shape) with { Nemesis = null, FaultSchedule = new FaultSchedule().ScriptMessages() }, shape);
        Assert.True(sim.Messages.Sent > 100);
        Assert.Equal(0, sim.Messages.Dropped);
        Assert.Equal(0, sim.Messages.Duplicated);
    }

    [Property(MaxTest = 10, DisplayName = "A run that adds a node while it goes, over several run calls, replays from its recorded faults")]
    public void NodesAddedMidRun_Replay(ulong seed)
    {
        DistSim.Simulation Play(FaultSchedule? replay)
        {
            var sim = new DistSim.Simulation(new SimulationOptions
            {
                Seed = seed,
                Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromMilliseconds(500), MeanTimeBetweenPauses = TimeSpan.FromMilliseconds(700), Until = TimeSpan.FromSeconds(8) },
                RecordFaults = FaultRecording.NemesisAndMessages,
                FaultSchedule = replay,
                Network = new FairLossLinkOptions { LossProbability = 0.2 },
            });
            Scripted Ticker(int peer) => new(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(20)), onTimer: (c, _) =>
            {
                c.Send(new NodeId(peer), new Ping(1));
                c.SetTimer(TimeSpan.FromMilliseconds(20));
            });
            sim.AddNode("a", () => Ticker(1), FailureModels.CrashRecover());
            sim.AddNode("b", () => Ticker(0), FailureModels.CrashRecover());
            sim.RunUntil(SimTime.FromSeconds(1));
            sim.AddNode("c", () => Ticker(0), FailureModels.CrashRecover());
            sim.RunUntil(SimTime.FromSeconds(4));
            sim.RunUntil(SimTime.FromSeconds(10));
            return sim;
        }

        DistSim.Simulation original = Play(null);
        FaultSchedule recorded = original.RecordedFaults;
        Assert.Contains(recorded.Faults, f => f is CrashFault { Node.Value: 2 } or PauseFault { Node.Value: 2 });
        Assert.Equal(original.Trace.Fingerprint, Play(recorded).Trace.Fingerprint);
    }

    [Fact(DisplayName = "A test's own script (ApplyTo) next to a recording nemesis: the recording leaves the script out, and the replay with the script applied again is the same run")]
    public void OwnScript_NextToARecordedNemesis_Replays()
    {
        var shape = new Shape(3, Reliable: false, Loss: 0.2, Duplicate: 0.1, Omission: 0, Pauses: true, ClockSteps: false, Partitions: false, Strategy: 0);
        FaultSchedule script() => new FaultSchedule().LoseMessage(new NodeId(0), new NodeId(1), packet: 2).Pause(SimTime.FromSeconds(3), new NodeId(2), TimeSpan.FromMilliseconds(300));
        DistSim.Simulation Play(SimulationOptions options)
        {
            var sim = new DistSim.Simulation(options);
            for (int i = 0; i < 3; i++)
            {
                int me = i;
                sim.AddNode("n" + me, () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(50)), onTimer: (c, _) =>
                {
                    c.Send(new NodeId((me + 1) % 3), new Ping(me));
                    c.SetTimer(TimeSpan.FromMilliseconds(50));
                }), FailureModels.CrashRecover());
            }

            script().ApplyTo(sim);
            sim.RunUntil(SimTime.FromSeconds(10));
            return sim;
        }

        DistSim.Simulation original = Play(Options(21, shape) with { RecordFaults = FaultRecording.NemesisAndMessages });
        FaultSchedule recorded = original.RecordedFaults;
        Assert.DoesNotContain(recorded.Faults, f => f is MessageFault { From.Value: 0, To.Value: 1, Packet: 2, Kind: MessageFaultKind.Loss });
        Assert.DoesNotContain(recorded.Faults, f => f is PauseFault { Node.Value: 2, Duration.TotalMilliseconds: 300 });
        Assert.Equal(original.Trace.Fingerprint, Play(Options(21, shape) with { FaultSchedule = recorded }).Trace.Fingerprint);
    }

    [Fact(DisplayName = "Faults no simulation could take are refused when applied, naming the fault")]
    public void BadShapes_AreRefused()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1 });
        sim.AddNode("a", () => new Scripted());
        sim.AddNode("b", () => new Scripted());
        Assert.Contains("puts node 1 in more than one group", Assert.Throws<ArgumentException>(() => new FaultSchedule().Partition(SimTime.FromSeconds(1), [new(0), new(1)], [new(1)]).ApplyTo(sim)).Message);
        Assert.Contains("has an empty group", Assert.Throws<ArgumentException>(() => new FaultSchedule().Partition(SimTime.FromSeconds(1), [new(0)], []).ApplyTo(sim)).Message);
        Assert.Contains("cuts node 1 from itself", Assert.Throws<ArgumentException>(() => new FaultSchedule().Cut(SimTime.FromSeconds(1), new(1), new(1)).ApplyTo(sim)).Message);

        // A node that does not exist yet may be added while the run goes: the fault is checked when it comes due.
        new FaultSchedule().Crash(SimTime.FromSeconds(1), new(5)).ApplyTo(sim);
        var late = Assert.Throws<DistSim.Diagnostics.SimulationFailureException>(() => sim.RunUntil(SimTime.FromSeconds(2)));
        Assert.Contains("names node 5, but the simulation has 2 nodes", late.ToString());
    }

    [Fact(DisplayName = "A schedule refused at the first run call is refused again at the next: never silently dropped")]
    public void RefusedSchedule_StaysRefused()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Nemesis = new NemesisOptions(), FaultSchedule = new FaultSchedule().Crash(SimTime.FromSeconds(1), new NodeId(0)) });
        sim.AddNode("a", () => new Scripted()); // a correct node: its model does not allow a crash
        Assert.Throws<ArgumentException>(() => sim.RunUntil(SimTime.FromSeconds(2)));
        Assert.Throws<ArgumentException>(() => sim.RunUntil(SimTime.FromSeconds(2)));
    }

    [Fact]
    public void RecordedFaults_WithoutRecording_SaysWhatToSet()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => sim.RecordedFaults);
        Assert.Contains("RecordFaults", e.Message);
    }

    [Fact]
    public void AScheduleThatScriptsMessages_AfterPacketsFlew_IsRefused()
    {
        var shape = new Shape(2, false, 0, 0, 0, false, false, false, 0);
        DistSim.Simulation sim = Play(Options(1, shape) with { Nemesis = null }, shape);
        var e = Assert.Throws<InvalidOperationException>(() => new FaultSchedule().LoseMessage(new NodeId(0), new NodeId(1), 1).ApplyTo(sim));
        Assert.Contains("packet(s) were on the wire", e.Message);
    }

    [Fact]
    public void AMessageFaultTheModelDoesNotAllow_IsRefusedNamingIt()
    {
        var shape = new Shape(3, false, 0, 0, 0, false, false, false, 0);
        var e = Assert.Throws<ArgumentException>(() => Play(Options(1, shape) with { Nemesis = null, FaultSchedule = new FaultSchedule().OmitSend(new NodeId(2), new NodeId(0), 1) }, shape));
        Assert.Contains("does not allow DropSend", e.Message);
        Assert.Contains("n2", e.Message);
    }

    [Theory]
    [InlineData("{}", "version: missing")]
    [InlineData("{\"version\":2,\"faults\":[]}", "version: 2")]
    [InlineData("{\"version\":1}", "faults: missing")]
    [InlineData("{\"version\":1,\"faults\":[{\"type\":\"crash\",\"at\":5}]}", "fault 0: node: missing")]
    [InlineData("{\"version\":1,\"faults\":[{\"type\":\"explode\",\"at\":5}]}", "fault 0: type: \"explode\"")]
    [InlineData("{\"version\":1,\"faults\":[{\"type\":\"pause\",\"at\":-1,\"node\":0,\"duration\":1}]}", "fault 0: at: expected a whole number >= 0, found -1")]
    [InlineData("{\"version\":1,\"faults\":[{\"type\":\"message\",\"at\":0,\"kind\":\"loss\",\"from\":0,\"to\":1,\"packet\":0}]}", "Packet")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("{\"version\":1,\"scriptsMessages\":\"yes\",\"faults\":[]}", "scriptsMessages: expected true or false")]
    public void BadJson_IsRefusedNamingTheMember(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FaultSchedule.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    [Property(MaxTest = 15, Arbitrary = [typeof(FaultRecordingTests)], DisplayName = "The printed C# of a recorded schedule, compiled, is the same schedule")]
    public void ThePrintedCSharp_IsTheSameSchedule(ulong seed, Shape shape)
    {
        FaultSchedule recorded = Play(Options(seed, shape) with { RecordFaults = FaultRecording.NemesisAndMessages }, shape).RecordedFaults;
        var program = new DistSim.Tests.Docs.DocSnippet("schedule.cs", 1,
            "using DistSim.Failures;\nusing DistSim.Nodes;\nusing DistSim.Time;\npublic static class Rebuilt { public static FaultSchedule Schedule() => " + recorded.ToCSharp() + " }");
        (byte[]? assembly, IReadOnlyList<string> errors) = DistSim.Tests.Docs.DocSnippets.Compile(program);
        Assert.True(assembly is not null, string.Join('\n', errors) + "\n" + recorded.ToCSharp());
        var rebuilt = (FaultSchedule)System.Reflection.Assembly.Load(assembly!).GetType("Rebuilt")!.GetMethod("Schedule")!.Invoke(null, null)!;
        Assert.Equal(recorded.ToJson(), rebuilt.ToJson());
    }
}
