using DistSim.Diagnostics;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Storage;
using DistSim.Tests.Support;
using DistSim.Time;

// These tests make node code use threads on purpose (Task.Run, new Thread): the simulation must refuse it and fail the run.
// Some block the node on that thread's task (WaitHandle.WaitOne, DSIM011): it runs on the thread pool, so the wait ends.
#pragma warning disable DSIM006, DSIM011

namespace DistSim.Tests.Simulations;

/// <summary>
/// The API-misuse suite: each case is something a hostile but ordinary user does, with its expected
/// outcome — a named exception, or a run that fails with seed, time, node and event. Never a silent
/// wrong answer, never a hang. See docs/concepts/reliability.md.
/// </summary>
public class MisuseTests
{
    private static DistSim.Simulation Sim(ulong seed = 1, bool throwOnFault = true) =>
        new(new SimulationOptions { Seed = seed, ThrowOnNodeFault = throwOnFault });

    /// <summary>Runs <paramref name="body"/> on another thread and returns what it threw (null if nothing).</summary>
    private static Exception? OnOtherThread(Action body)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                caught = ex;
            }
        });
        thread.Start();
        thread.Join();
        return caught;
    }

    /// <summary>Runs a simulation whose single node runs <paramref name="onStart"/> and returns the run's failure.</summary>
    private static SimulationFailureException FailureOf(Action<DistSim.Simulation, INodeContext> onStart)
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        sim.AddNode("n", () => new Scripted(onStart: c => onStart(sim, c)));
        sim.AddNode("m", () => new Receiver());
        RunResult result = sim.Run();
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        return result.Failure!;
    }

    // ---- one simulation, one thread at a time -------------------------------------------------------------

    public static TheoryData<string> ForeignThreadCalls() =>
        ["Step", "Run", "RunUntil", "AddNode", "At", "Crash", "Partition", "Now", "GetNode", "SetLink", "NodeName", "FindNode", "Nodes", "LocalNowOf", "DriftOf", "Trace", "StepClock"];

    [Theory(DisplayName = "A second thread using a simulation while it runs gets InvalidOperationException naming the call")]
    [MemberData(nameof(ForeignThreadCalls))]
    public void SecondThread_WhileRunning_Throws(string call)
    {
        DistSim.Simulation sim = Sim();
        Exception? seen = null;
        sim.AddNode("n", () => new Scripted(onStart: _ => seen = OnOtherThread(() => Use(sim, call))), FailureModels.CrashRecover());
        sim.AddNode("m", () => new Receiver());
        sim.Run();

        var ex = Assert.IsType<InvalidOperationException>(seen);
        Assert.Contains(call is "Partition" or "SetLink" ? "Simulation.Network" : "Simulation." + call, ex.Message, StringComparison.Ordinal);
        Assert.Contains("thread", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> WorldChangesFromNodeCode() => ["Crash", "At", "Partition", "SetLink", "StepClock", "AddNode", "FaultSchedule", "Cut", "Heal", "Isolate"];

    [Theory(DisplayName = "Node code cannot change the world around it (faults, partitions, clocks, scripted actions): the run fails naming the call")]
    [MemberData(nameof(WorldChangesFromNodeCode))]
    public void WorldChangeFromHandler_FailsTheRun(string call)
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        NodeId n = new(0), m = new(1);
        sim.AddNode("n", () => new Scripted(onStart: _ =>
        {
            switch (call)
            {
                case "At": sim.At(SimTime.FromSeconds(1), () => sim.Crash(m)); break;
                case "FaultSchedule": new FaultSchedule().Crash(SimTime.FromSeconds(1), m).ApplyTo(sim); break;
                case "Cut": sim.Network.Cut(m, n); break;
                case "Heal": sim.Network.Heal(); break;
                case "Isolate": sim.Network.Isolate(m); break;
                default: Use(sim, call); break;
            }
        }));
        sim.AddNode("m", () => new Receiver(), FailureModels.CrashStop);
        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Contains("node n called Simulation.", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
        Assert.True(sim.IsUp(m));
        Assert.False(sim.Network.IsCut(m, n));
    }

    [Fact(DisplayName = "A node's random stream kept and drawn from Task.Run fails the run (it would shift the node's draws silently)")]
    public void CachedRandom_FromAnotherThread_FailsTheRun()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        sim.AddNode("n", () => new Scripted(onStart: c =>
        {
            DistSim.Random.RandomStream rng = c.Random;
            Task t = Task.Run(() => rng.NextUInt64());
            ((IAsyncResult)t).AsyncWaitHandle.WaitOne();
            c.SetTimer(TimeSpan.FromMilliseconds(1));
        }));
        RunResult result = sim.Run();
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Contains("not on the simulation's thread", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A node's random stream drawn from another node's handler fails the run; from the test between runs it throws")]
    public void CachedRandom_FromElsewhere_IsRefused()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        DistSim.Random.RandomStream? kept = null;
        sim.AddNode("a", () => new Scripted(onStart: c => kept = c.Random));
        sim.AddNode("b", () => new Scripted(onTimer: (_, _) => kept!.NextUInt64(), onStart: c => c.SetTimer(TimeSpan.FromSeconds(1))));
        RunResult result = sim.Run();
        Assert.Contains("node a's random stream was drawn from node b's handler", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => kept!.NextUInt64());
    }

    [Fact(DisplayName = "A storage log enumerator carried to another thread during a run is refused: it reads nothing more, and the run fails")]
    public void LogEnumerator_OnAnotherThread_IsRefused()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        Exception? seen = null;
        bool? moved = null;
        sim.AddNode("n", () => new Scripted(onStart: c =>
        {
            c.Storage.AppendString("a");
            c.Storage.AppendString("b");
            using IEnumerator<byte[]> e = c.Storage.Log.GetEnumerator();
            e.MoveNext();
            seen = OnOtherThread(() => moved = e.MoveNext()); // a raw thread: an exception there would end the process
        }));
        RunResult result = sim.Run();
        Assert.Null(seen);
        Assert.False(moved); // the second entry is not read from there
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Contains("not on the simulat", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> SwallowedRefusals() =>
        ["unencodable", "backlog", "old-context", "unknown-node", "other-storage", "negative-timer", "fault-outside-model", "sign-unencodable", "verify-unencodable",
         "sign-null", "byzantine-null", "byzantine-forge-unknown", "byzantine-silent-unencodable", "byzantine-tamper-throws",
         "verify-unencodable-bad-signature", "storage-bad-argument"];

    [Theory(DisplayName = "A refusal the node catches still fails the run: nothing is refused silently")]
    [MemberData(nameof(SwallowedRefusals))]
    public void SwallowedRefusal_StillFailsTheRun(string kind)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 1,
            ThrowOnNodeFault = false,
            Link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { Window = 1, BacklogLimit = 1 }),
        });
        var contexts = new List<INodeContext>();
        Func<Node> node = () => new Scripted(onStart: c =>
        {
            contexts.Add(c);
            try
            {
                switch (kind)
                {
                    case "unencodable": c.Send(new NodeId(1), new Action(() => { })); break;
                    case "backlog": for (int i = 0; i < 5; i++) { c.Send(new NodeId(1), new Ping(i)); } break;
                    case "old-context" when contexts.Count == 2: contexts[0].SetTimer(TimeSpan.FromSeconds(1)); break;
                    case "unknown-node": c.Send(new NodeId(7), new Ping(1)); break;
                    case "other-storage": sim.StorageOf(new NodeId(1)).PutString("k", "v"); break;
                    case "negative-timer": c.SetTimer(TimeSpan.FromSeconds(-1)); break;
                    case "fault-outside-model": c.RecordFault(FaultKinds.Lie, "a lie its model does not allow"); break;
                    case "sign-unencodable": c.Sign(new Action(() => { })); break;
                    case "sign-null": c.Sign(null!); break;
                    case "verify-unencodable-bad-signature": c.Verify(new Action(() => { }), null); break;
                    case "storage-bad-argument": c.Storage.TruncateLog(-1); break;
                    case "verify-unencodable": c.Verify(new Action(() => { }), new DistSim.Security.Signature(c.Id, new byte[32])); break;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                // swallowed by the node
            }
        });
        NodeId n = kind switch
        {
            "byzantine-null" => sim.AddNode("n", Byzantine.Wrap(() => new Scripted(onStart: c => Swallow(() => c.Send(new NodeId(1), null!))), ByzantineBehavior.Tamper()), FailureModels.Byzantine),
            "byzantine-forge-unknown" => sim.AddNode("n", Byzantine.Wrap(() => new Scripted(onStart: c => Swallow(() => c.Send(new NodeId(9), new Ping(1)))), ByzantineBehavior.Forge()), FailureModels.Byzantine),
            "byzantine-silent-unencodable" => sim.AddNode("n", Byzantine.Wrap(() => new Scripted(onStart: c => Swallow(() => c.Send(new NodeId(1), new Action(() => { })))), ByzantineBehavior.Silent()), FailureModels.Byzantine),
            "byzantine-tamper-throws" => sim.AddNode("n", Byzantine.Wrap(() => new Scripted(onStart: c => Swallow(() => c.Send(new NodeId(1), new Ping(1)))), ByzantineBehavior.Tamper((_, _) => throw new InvalidOperationException("behaviour bug"))), FailureModels.Byzantine),
            _ => sim.AddNode("n", node, FailureModels.CrashRecover()),
        };
        sim.AddNode("m", () => new Receiver());
        if (kind == "old-context")
        {
            sim.At(SimTime.FromSeconds(1), () => sim.CrashFor(n, TimeSpan.FromSeconds(1)));
        }

        RunResult result = sim.Run();
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Equal("n", result.Failure!.NodeName);
    }

    [Fact(DisplayName = "A Byzantine wrapper around a forging wrapper forges (no cast failure hidden in the node)")]
    public void NestedByzantineForge_Forges()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        sim.AddNode("n", Byzantine.Wrap(Byzantine.Wrap(() => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))), ByzantineBehavior.Forge()), ByzantineBehavior.Tamper()),
            FailureModels.Byzantine);
        sim.AddNode("m", () => new Receiver());
        sim.AddNode("o", () => new Receiver());
        Assert.Equal(RunOutcome.Quiescent, sim.Run().Outcome);
        Assert.Contains(sim.Trace.Events, e => e.Kind == DistSim.Tracing.TraceEventKind.Forged);
    }

    private static void Swallow(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // swallowed by the node
        }
    }

    [Fact(DisplayName = "A fault outside the model is refused naming only the kinds the model lacks")]
    public void RecordFault_NamesOnlyWhatIsMissing()
    {
        SimulationFailureException failure = FailureOf((_, c) => c.RecordFault(FaultKinds.Lie, "a lie"));
        Assert.Contains("does not allow Lie", failure.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A signature claiming a signer that does not exist does not verify, and is no misuse of the verifier")]
    public void Verify_UnknownSigner_IsFalse()
    {
        bool? valid = null;
        DistSim.Simulation sim = Sim();
        sim.AddNode("n", () => new Scripted(onStart: c => valid = c.Verify(new Ping(1), new DistSim.Security.Signature(new NodeId(99), new byte[32]))));
        Assert.Equal(RunOutcome.Quiescent, sim.Run().Outcome);
        Assert.False(valid);
    }

    [Fact(DisplayName = "A run whose last allowed event leaves nothing pending is quiescent, not stopped by the event limit")]
    public void EventLimit_ExactlyReached_IsQuiescent()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, EventLimit = 3 });
        sim.AddNode("a", () => new Sender(new NodeId(1), 1));
        sim.AddNode("b", () => new Receiver()); // events: start a, start b, deliver: exactly 3
        Assert.Equal(RunOutcome.Quiescent, sim.Run().Outcome);
        var tight = new DistSim.Simulation(new SimulationOptions { Seed = 1, EventLimit = 2 });
        tight.AddNode("a", () => new Sender(new NodeId(1), 1));
        tight.AddNode("b", () => new Receiver());
        Assert.Equal(RunOutcome.EventLimit, tight.Run().Outcome);
    }

    private static void Use(DistSim.Simulation sim, string call)
    {
        NodeId n = new(0), m = new(1);
        switch (call)
        {
            case "Step": sim.Step(); break;
            case "Run": sim.Run(); break;
            case "RunUntil": sim.RunUntil(SimTime.FromSeconds(1)); break;
            case "AddNode": sim.AddNode("late", () => new Receiver()); break;
            case "At": sim.At(SimTime.FromSeconds(1), () => { }); break;
            case "Crash": sim.Crash(n); break;
            case "Partition": sim.Network.Partition([n], [m]); break;
            case "Now": _ = sim.Now; break;
            case "GetNode": sim.GetNode(n); break;
            case "SetLink": sim.Network.SetLink(m, n, global::DistSim.Links.Links.Reliable()); break;
            case "NodeName": sim.NodeName(n); break;
            case "FindNode": sim.FindNode("n"); break;
            case "Nodes": _ = sim.Nodes; break;
            case "LocalNowOf": sim.LocalNowOf(n); break;
            case "DriftOf": sim.DriftOf(n); break;
            case "Trace": _ = sim.Trace; break;
            case "StepClock": sim.StepClock(n, TimeSpan.FromSeconds(1)); break;
        }
    }

    [Fact(DisplayName = "Two threads stepping one simulation: every step either runs alone or throws; the fingerprint matches a single-threaded run")]
    public void TwoThreadsStepping_NeverCorrupt()
    {
        static DistSim.Simulation Build()
        {
            DistSim.Simulation s = Sim(7);
            s.AddNode("A", () => new Sender(new NodeId(1), 2000, TimeSpan.FromMilliseconds(1)));
            s.AddNode("B", () => new Receiver());
            return s;
        }

        DistSim.Simulation reference = Build();
        reference.Run();
        DistSim.Simulation shared = Build();
        int refused = 0;
        void Loop()
        {
            while (true)
            {
                try
                {
                    if (!shared.Step())
                    {
                        return;
                    }
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }

        var t1 = new Thread(Loop);
        var t2 = new Thread(Loop);
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();
        Assert.Equal(reference.Trace.Fingerprint, shared.Trace.Fingerprint); // nothing lost, nothing run twice
        Assert.Equal(reference.EventsExecuted, shared.EventsExecuted);
    }

    // ---- re-entrance and scripted actions -----------------------------------------------------------------

    [Theory(DisplayName = "Run, RunUntil or Step called from inside a Simulation.At action fails the run (no re-entrance)")]
    [InlineData("Run")]
    [InlineData("RunUntil")]
    [InlineData("Step")]
    public void RunFromInsideAt_FailsTheRun(string call)
    {
        DistSim.Simulation sim = Sim(3, throwOnFault: false);
        sim.AddNode("n", () => new Forever(TimeSpan.FromMilliseconds(10)));
        sim.At(SimTime.FromSeconds(1), () => Use(sim, call));
        RunResult result = sim.RunUntil(SimTime.FromSeconds(5));

        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Equal(SimTime.FromSeconds(1), result.Failure!.Time);
        Assert.Contains("re-entered", result.Failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("scheduled action", result.Failure.EventDescription, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Step called from a node handler fails the run naming the node")]
    public void StepFromHandler_FailsTheRun()
    {
        DistSim.Simulation? sim = null;
        sim = Sim(throwOnFault: false);
        sim.AddNode("n", () => new Scripted(onStart: _ => sim.Step()));
        RunResult result = sim.Run();
        Assert.Contains("node n's handler", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "An exception in a Simulation.At action fails the run with seed, time and event, and the run stops there")]
    public void ThrowingAtAction_FailsLikeAHandler()
    {
        DistSim.Simulation sim = new(new SimulationOptions { Seed = 42 });
        sim.AddNode("n", () => new Forever(TimeSpan.FromMilliseconds(10)));
        sim.At(SimTime.FromSeconds(2), () => throw new FormatException("scripted boom"));
        var ex = Assert.Throws<SimulationFailureException>(() => sim.RunUntil(SimTime.FromSeconds(10)));

        Assert.Equal(42UL, ex.Seed);
        Assert.Equal(SimTime.FromSeconds(2), ex.Time);
        Assert.Null(ex.Node);
        Assert.StartsWith("seed=42 time=2", ex.Message, StringComparison.Ordinal);
        Assert.IsType<FormatException>(ex.InnerException);
        Assert.Equal(SimTime.FromSeconds(2), sim.Now); // the run did not go on
        Assert.Throws<SimulationFailureException>(() => sim.Step());
    }

    [Fact(DisplayName = "At<TNode> with the wrong node type fails the run naming both types")]
    public void AtNode_WrongType_Fails()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        NodeId n = sim.AddNode("n", () => new Receiver());
        sim.At<Forever>(SimTime.FromSeconds(1), n, _ => { });
        RunResult result = sim.Run();
        Assert.Contains("not a Forever", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(n, result.Failure.Node);
    }

    [Fact(DisplayName = "At<TNode> on a crashed node fails the run saying the node is down")]
    public void AtNode_DownNode_Fails()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        NodeId n = sim.AddNode("n", () => new Receiver(), FailureModels.CrashStop);
        sim.At(SimTime.FromSeconds(1), () => sim.Crash(n));
        sim.At<Receiver>(SimTime.FromSeconds(2), n, _ => { });
        Assert.Contains("is down", sim.Run().Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "At<TNode> deferred by a pause and then lost to a crash does not vanish: the run fails saying the node is down")]
    public void AtNode_PausedThenCrashed_Fails()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        NodeId n = sim.AddNode("n", () => new Receiver(), FailureModels.CrashStop);
        sim.At(SimTime.FromSeconds(1), () => sim.Pause(n));
        sim.At<Receiver>(SimTime.FromSeconds(2), n, _ => { });
        sim.At(SimTime.FromSeconds(3), () => sim.Crash(n));
        RunResult result = sim.Run();
        Assert.Equal(SimTime.FromSeconds(3), result.Failure!.Time);
        Assert.Contains("is down", result.Failure.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "At<TNode> runs inside the node: it may send and set timers there")]
    public void AtNode_ActsAsTheNode()
    {
        DistSim.Simulation sim = Sim();
        NodeId a = sim.AddNode("a", () => new Scripted(onTimer: (c, s) => c.Send(new NodeId(1), new Ping((int)s!))));
        NodeId b = sim.AddNode("b", () => new Receiver());
        sim.At<Scripted>(SimTime.FromSeconds(1), a, node => node.Act(c => c.SetTimer(TimeSpan.FromSeconds(1), 5)));
        sim.Run();
        Assert.Equal([new Ping(5)], sim.GetNode<Receiver>(b).Received.Select(r => r.Message));
    }

    // ---- node actions outside their handlers ----------------------------------------------------------------

    public static TheoryData<string> OutsideActions() => ["Send", "SetTimer", "CancelTimer", "Storage", "Random", "LocalNow", "Sign", "RecordFault"];

    [Theory(DisplayName = "A node action from the test between runs throws, naming the node and the call")]
    [MemberData(nameof(OutsideActions))]
    public void NodeActionBetweenRuns_Throws(string action)
    {
        DistSim.Simulation sim = Sim();
        INodeContext? kept = null;
        sim.AddNode("n", () => new Scripted(onStart: c => kept = c), FailureModels.Byzantine);
        sim.AddNode("m", () => new Receiver());
        sim.Run();

        var ex = Assert.Throws<InvalidOperationException>(() => Act(kept!, action));
        Assert.Contains("node n called " + action, ex.Message, StringComparison.Ordinal);
        Assert.Contains("from inside its own handlers", ex.Message, StringComparison.Ordinal);
    }

    private static void Act(INodeContext c, string action)
    {
        switch (action)
        {
            case "Send": c.Send(new NodeId(1), new Ping(1)); break;
            case "SetTimer": c.SetTimer(TimeSpan.FromSeconds(1)); break;
            case "CancelTimer": c.CancelTimer(default); break;
            case "Storage": _ = c.Storage; break;
            case "Random": _ = c.Random; break;
            case "LocalNow": _ = c.LocalNow; break;
            case "Sign": c.Sign(new Ping(1)); break;
            case "RecordFault": c.RecordFault(FaultKinds.Lie, "x"); break;
        }
    }

    [Fact(DisplayName = "Send from Task.Run inside a handler throws there and fails the run, even when the node swallows it")]
    public void SendFromTaskRun_FailsTheRun()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        Exception? inTask = null;
        sim.AddNode("n", () => new Scripted(onStart: c =>
        {
            Task t = Task.Run(() => c.Send(new NodeId(1), new Ping(1)));
            ((IAsyncResult)t).AsyncWaitHandle.WaitOne(); // waits without running the task inline on this thread
            inTask = t.Exception?.InnerException; // swallowed by the node: the run must fail anyway
        }));
        sim.AddNode("m", () => new Receiver());
        RunResult result = sim.Run();

        Assert.IsType<InvalidOperationException>(inTask);
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Contains("not on the simulation's thread", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal("n", result.Failure.NodeName);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == DistSim.Tracing.TraceEventKind.Send); // the foreign send never happened
    }

    [Fact(DisplayName = "Storage used from Task.Run during a run throws and fails the run")]
    public void StorageFromTaskRun_FailsTheRun()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        sim.AddNode("n", () => new Scripted(onStart: c =>
        {
            DurableStorage storage = c.Storage;
            Task t = Task.Run(() => storage.PutString("k", "v"));
            ((IAsyncResult)t).AsyncWaitHandle.WaitOne(); // the node ignores the task's exception
        }));
        Assert.Equal(RunOutcome.NodeFaulted, sim.Run().Outcome);
    }

    [Fact(DisplayName = "A node using another node's storage fails the run: no shared disks")]
    public void OtherNodesStorage_FailsTheRun()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        NodeId a = sim.AddNode("a", () => new Receiver());
        sim.AddNode("b", () => new Scripted(onStart: _ => sim.StorageOf(a).PutString("k", "v")));
        RunResult result = sim.Run();
        Assert.Contains("storage of node a", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A context kept from an earlier incarnation cannot act in a later one")]
    public void OldIncarnationContext_CannotAct()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        var contexts = new List<INodeContext>();
        NodeId n = sim.AddNode("n", () => new Scripted(onStart: c =>
        {
            contexts.Add(c);
            if (contexts.Count == 2)
            {
                contexts[0].Send(new NodeId(1), new Ping(1)); // the new incarnation uses the dead one's context
            }
        }), FailureModels.CrashRecover());
        sim.AddNode("m", () => new Receiver());
        sim.At(SimTime.FromSeconds(1), () => sim.CrashFor(n, TimeSpan.FromSeconds(1)));
        RunResult result = sim.Run();
        Assert.Contains("incarnation 1", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("is gone", result.Failure.InnerException.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Injecting a fault from node code fails the run naming both nodes")]
    public void CrashFromHandler_FailsTheRun()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        sim.AddNode("n", () => new Scripted(onStart: _ => sim.Crash(new NodeId(1))));
        sim.AddNode("victim", () => new Receiver(), FailureModels.CrashStop);
        RunResult result = sim.Run();
        Assert.Contains("node n called Simulation.Crash from its handler", result.Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    // ---- bad arguments: a named exception, at once ---------------------------------------------------------

    [Fact] public void AddNode_DuplicateName_NamesIt() => Assert.Equal("name", Assert.Throws<ArgumentException>(() => { DistSim.Simulation s = Sim(); s.AddNode("x", () => new Receiver()); s.AddNode("x", () => new Receiver()); }).ParamName);

    [Fact] public void AddNode_BlankName_NamesIt() => Assert.Equal("name", Assert.Throws<ArgumentException>(() => Sim().AddNode(" ", () => new Receiver())).ParamName);

    [Fact] public void AddNode_NullFactory_NamesIt() => Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => Sim().AddNode("x", null!)).ParamName);

    [Fact(DisplayName = "A factory that returns null fails the run saying so")]
    public void Factory_ReturningNull_FailsTheRun()
    {
        DistSim.Simulation sim = Sim(throwOnFault: false);
        sim.AddNode("x", () => null!);
        Assert.Contains("factory returned null", sim.Run().Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact] public void At_InThePast_NamesTime() { DistSim.Simulation s = Sim(); s.AddNode("x", () => new Forever(TimeSpan.FromSeconds(1))); s.RunUntil(SimTime.FromSeconds(2)); Assert.Equal("time", Assert.Throws<ArgumentOutOfRangeException>(() => s.At(SimTime.FromSeconds(1), () => { })).ParamName); }

    [Fact] public void At_NullAction_NamesIt() => Assert.Equal("action", Assert.Throws<ArgumentNullException>(() => Sim().At(SimTime.Zero, null!)).ParamName);

    [Fact] public void RunUntil_InThePast_NamesTime() { DistSim.Simulation s = Sim(); s.AddNode("x", () => new Forever(TimeSpan.FromSeconds(1))); s.RunUntil(SimTime.FromSeconds(2)); Assert.Equal("time", Assert.Throws<ArgumentOutOfRangeException>(() => s.RunUntil(SimTime.FromSeconds(1))).ParamName); }

    [Fact] public void Send_UnknownNode_NamesTo() => Assert.Equal("to", Assert.IsType<ArgumentOutOfRangeException>(FailureOf((_, c) => c.Send(new NodeId(9), new Ping(1))).InnerException).ParamName);

    [Fact] public void Send_NullMessage_NamesIt() => Assert.Equal("message", Assert.IsType<ArgumentNullException>(FailureOf((_, c) => c.Send(new NodeId(1), null!)).InnerException).ParamName);

    [Fact] public void SetTimer_NegativeDelay_NamesIt() => Assert.Equal("delay", Assert.IsType<ArgumentOutOfRangeException>(FailureOf((_, c) => c.SetTimer(TimeSpan.FromSeconds(-1))).InnerException).ParamName);

    [Fact] public void RecordFault_OutsideModel_Refused() => Assert.Contains("does not allow", FailureOf((_, c) => c.RecordFault(FaultKinds.Lie, "lie")).InnerException!.Message, StringComparison.Ordinal);

    [Fact] public void Crash_CorrectNode_Refused() { DistSim.Simulation s = Sim(); NodeId n = s.AddNode("x", () => new Receiver()); Assert.Contains("does not allow", Assert.Throws<InvalidOperationException>(() => s.Crash(n)).Message, StringComparison.Ordinal); }

    [Fact] public void Restart_CrashStopNode_Refused() { DistSim.Simulation s = Sim(); NodeId n = s.AddNode("x", () => new Receiver(), FailureModels.CrashStop); s.Crash(n); Assert.Throws<InvalidOperationException>(() => s.Restart(n)); }

    [Fact] public void CrashFor_NegativeDowntime_NamesIt() { DistSim.Simulation s = Sim(); NodeId n = s.AddNode("x", () => new Receiver(), FailureModels.CrashRecover()); Assert.Equal("downtime", Assert.Throws<ArgumentOutOfRangeException>(() => s.CrashFor(n, TimeSpan.FromSeconds(-1))).ParamName); }

    [Fact] public void PauseFor_Negative_NamesIt() { DistSim.Simulation s = Sim(); NodeId n = s.AddNode("x", () => new Receiver()); Assert.Equal("duration", Assert.Throws<ArgumentOutOfRangeException>(() => s.PauseFor(n, TimeSpan.FromSeconds(-1))).ParamName); }

    [Fact] public void FindNode_Unknown_NamesIt() => Assert.Equal("name", Assert.Throws<ArgumentException>(() => Sim().FindNode("ghost")).ParamName);

    [Fact] public void NodeName_Unknown_NamesIt() => Assert.Equal("node", Assert.Throws<ArgumentOutOfRangeException>(() => Sim().NodeName(new NodeId(3))).ParamName);

    [Fact] public void GetNodeT_WrongType_Throws() { DistSim.Simulation s = Sim(); NodeId n = s.AddNode("x", () => new Receiver()); s.Run(); Assert.Contains("not a Forever", Assert.Throws<InvalidOperationException>(() => s.GetNode<Forever>(n)).Message, StringComparison.Ordinal); }

    [Fact] public void Partition_NodeInTwoGroups_NamesGroups() { DistSim.Simulation s = Sim(); NodeId a = s.AddNode("a", () => new Receiver()); NodeId b = s.AddNode("b", () => new Receiver()); Assert.Equal("groups", Assert.Throws<ArgumentException>(() => s.Network.Partition([a, b], [b])).ParamName); }

    [Fact] public void SetLink_AfterTraffic_Refused() { DistSim.Simulation s = Sim(); NodeId a = s.AddNode("a", () => new Sender(new NodeId(1), 1)); NodeId b = s.AddNode("b", () => new Receiver()); s.Run(); Assert.Throws<InvalidOperationException>(() => s.Network.SetLink(a, b, global::DistSim.Links.Links.Reliable())); }

    public static TheoryData<string> BadOptions() => ["EventLimit", "TimeLimit", "QueueLimit", "TraceLimit", "Network", "Timing", "Link"];

    [Theory(DisplayName = "Invalid simulation options are refused at construction, naming the option")]
    [MemberData(nameof(BadOptions))]
    public void BadOption_NamesIt(string option)
    {
        var o = new SimulationOptions { Seed = 1 };
        o = option switch
        {
            "EventLimit" => o with { EventLimit = 0 },
            "TimeLimit" => o with { TimeLimit = TimeSpan.FromSeconds(-1) },
            "QueueLimit" => o with { QueueLimit = -5 },
            "TraceLimit" => o with { TraceLimit = -1 },
            "Network" => o with { Network = null! },
            "Timing" => o with { Timing = null! },
            _ => o with { Link = null! },
        };
        Assert.Equal(option, Assert.ThrowsAny<ArgumentException>(() => new DistSim.Simulation(o)).ParamName);
    }

    [Fact] public void ReliableOptions_BadWindow_NamesIt() => Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { Window = 0 })).ParamName);
}
