using System.Threading.Channels;
using DistSim.Diagnostics;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Nodes;

/// <summary>Async node code on the deterministic scheduler: what resumes when, on which thread, and what fails a run.</summary>
public class AsyncNodeTests
{
    /// <summary>Runs <paramref name="body"/> as the node's OnStartAsync and logs (label, virtual ms, thread) at each step.</summary>
    private sealed class Script(Func<Script, Task> body) : AsyncNode
    {
        public List<(string Label, double Ms, int Thread)> Log { get; } = [];

        public new TimeProvider TimeProvider => base.TimeProvider;

        public INodeContext Ctx => Context;

        public void Mark(string label) => Log.Add((label, LocalNow.SinceStart.TotalMilliseconds, Environment.CurrentManagedThreadId));

        public Task Wait(double ms, CancellationToken token = default) => Delay(TimeSpan.FromMilliseconds(ms), token);

        protected override Task OnStartAsync() => body(this);
    }

    private static (Simulation Sim, Script Node, RunResult Result) RunScript(Func<Script, Task> body, ulong seed = 1)
    {
        Simulation sim = Quiet(seed);
        NodeId n = sim.AddNode("n", () => new Script(body));
        RunResult result = sim.Run();
        return (sim, sim.GetNode<Script>(n), result);
    }

    /// <summary>A simulation that reports a node fault in its result instead of throwing it.</summary>
    private static Simulation Quiet(ulong seed) =>
        new(new SimulationOptions { Seed = seed, RecordTrace = true, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromSeconds(10) });

    [Fact]
    public void Awaits_ResumeAtTheirVirtualTime_OnTheSimulationsThread_AsEventsOfTheNode()
    {
        int thread = Environment.CurrentManagedThreadId;
        (Simulation sim, Script node, RunResult result) = RunScript(async s =>
        {
            s.Mark("start");
            await Task.Yield();
            s.Mark("yield");
            await s.Wait(10);
            s.Mark("delay");
            await Task.Delay(TimeSpan.FromMilliseconds(5), s.TimeProvider);
            s.Mark("task-delay");
        });

        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        Assert.Null(result.Failure);
        Assert.Equal([("start", 0.0), ("yield", 0.0), ("delay", 10.0), ("task-delay", 15.0)], node.Log.Select(l => (l.Label, l.Ms)));
        Assert.All(node.Log, l => Assert.Equal(thread, l.Thread));
        // Every resume is an event of its own, after the event that completed what was awaited (the delays' timers).
        Assert.Equal(3, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Continued && e.TimerNumber == 1));
        Assert.Equal(2, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.TimerFired));
        Assert.Null(SynchronizationContext.Current);
    }

    [Fact]
    public void CancellationTokenSource_AndPeriodicTimer_OnTheNodesTimeProvider_RunOnVirtualTime()
    {
        (_, Script node, RunResult result) = RunScript(async s =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(25), s.TimeProvider);
            try
            {
                await s.Wait(1000, cts.Token);
                s.Mark("not cancelled");
            }
            catch (OperationCanceledException)
            {
                s.Mark("cancelled");
            }

            using var periodic = new PeriodicTimer(TimeSpan.FromMilliseconds(10), s.TimeProvider);
            for (int i = 0; i < 3 && await periodic.WaitForNextTickAsync(); i++)
            {
                s.Mark("tick");
            }
        });

        Assert.Null(result.Failure);
        Assert.Equal([("cancelled", 25.0), ("tick", 35.0), ("tick", 45.0), ("tick", 55.0)], node.Log.Select(l => (l.Label, l.Ms)));
    }

    [Fact]
    public void WhenAll_WhenAny_SemaphoreSlim_AndChannels_BetweenTheNodesOwnTasks()
    {
        (_, Script node, RunResult result) = RunScript(async s =>
        {
            Task<int> slow = Later(s, 30, 3);
            Task<int> fast = Later(s, 10, 1);
            Task<int> first = await Task.WhenAny(slow, fast);
            s.Mark("any:" + await first);
            int[] both = await Task.WhenAll(slow, fast);
            s.Mark("all:" + both.Sum());

            using var gate = new SemaphoreSlim(1);
            var order = new List<string>();
            async Task Critical(string who, double hold)
            {
                await gate.WaitAsync();
                try
                {
                    order.Add(who + "+");
                    await s.Wait(hold);
                    order.Add(who + "-");
                }
                finally
                {
                    gate.Release();
                }
            }

            await Task.WhenAll(Critical("a", 5), Critical("b", 1));
            s.Mark(string.Join(" ", order));

            Channel<int> channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { AllowSynchronousContinuations = true });
            async Task Produce()
            {
                for (int i = 1; i <= 3; i++)
                {
                    await s.Wait(2);
                    await channel.Writer.WriteAsync(i);
                }

                channel.Writer.Complete();
            }

            Task producer = Produce();
            int sum = 0;
            await foreach (int item in channel.Reader.ReadAllAsync())
            {
                sum += item;
            }

            await producer;
            s.Mark("channel:" + sum);
        });

        Assert.Null(result.Failure);
        Assert.Equal(
            [("any:1", 10.0), ("all:4", 30.0), ("a+ a- b+ b-", 36.0), ("channel:6", 42.0)],
            node.Log.Select(l => (l.Label, l.Ms)));
    }

    [Fact]
    public void AChannelWithDefaultOptions_ReadAsync_ResumesAsAnEventOfTheNode()
    {
        (_, Script node, RunResult result) = RunScript(async s =>
        {
            Channel<int> channel = Channel.CreateUnbounded<int>();
            async Task Produce()
            {
                for (int i = 1; i <= 3; i++)
                {
                    await s.Wait(2);
                    channel.Writer.TryWrite(i);
                }
            }

            Task producer = Produce();
            int sum = 0;
            for (int i = 0; i < 3; i++)
            {
                sum += await channel.Reader.ReadAsync();
            }

            await producer;
            s.Mark("sum:" + sum);
        });

        Assert.Null(result.Failure);
        Assert.Equal([("sum:6", 6.0)], node.Log.Select(l => (l.Label, l.Ms)));
        Assert.All(node.Log, l => Assert.Equal(Environment.CurrentManagedThreadId, l.Thread));
    }

    private static async Task<int> Later(Script s, double ms, int value)
    {
        await s.Wait(ms);
        return value;
    }

    [Fact]
    public void AnExceptionAfterAnAwait_FailsTheRun_WithNodeTimeAndEvent()
    {
        (Simulation sim, _, RunResult result) = RunScript(async s =>
        {
            await s.Wait(7);
            throw new InvalidOperationException("boom after await");
        });

        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
        Assert.Equal("boom after await", failure.InnerException!.Message);
        Assert.Equal("n", failure.NodeName);
        Assert.Equal(SimTime.FromSeconds(7 / 1000.0), failure.Time);
        Assert.Contains("OnStartAsync", failure.Message, StringComparison.Ordinal);
        Assert.Equal(TraceEventKind.Continued, sim.Trace.Events[(int)failure.EventIndex].Kind);
    }

    [Fact]
    public void AnExceptionBeforeTheFirstAwait_FailsTheRunInTheHandlersOwnEvent()
    {
        (Simulation sim, _, RunResult result) = RunScript(s => throw new InvalidOperationException("sync part"));

        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
        Assert.Equal("sync part", failure.InnerException!.Message);
        Assert.Equal(TraceEventKind.NodeStarted, sim.Trace.Events[(int)failure.EventIndex].Kind);
    }

    /// <summary>A plain node with an async void handler: the pattern that used to kill the process.</summary>
    private sealed class AsyncVoidNode(bool throwBeforeAwait) : Node
    {
        private NodeTimeProvider? _time;

        public override void OnStart()
        {
            _time = new NodeTimeProvider(Context);
            Send(Id, "go");
        }

        public override async void OnMessage(NodeId from, object message)
        {
            if (throwBeforeAwait)
            {
                throw new InvalidOperationException("async void, before await");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(3), _time!);
            throw new InvalidOperationException("async void, after await");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnExceptionInAsyncVoid_FailsTheRun_AndNeverReachesTheProcess(bool beforeAwait)
    {
        Simulation sim = Quiet(3);
        sim.AddNode("v", () => new AsyncVoidNode(beforeAwait));
        RunResult result = sim.Run();

        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
        Assert.Equal(beforeAwait ? "async void, before await" : "async void, after await", failure.InnerException!.Message);
        Assert.Equal("v", failure.NodeName);
        Assert.Equal(TraceEventKind.Continued, sim.Trace.Events[(int)failure.EventIndex].Kind);
    }

    /// <summary>Awaits forever in a loop; counts how many iterations ran, per incarnation.</summary>
    private sealed class Looper(List<(int Incarnation, double Ms)> seen) : AsyncNode
    {
        protected override async Task OnStartAsync()
        {
            while (true)
            {
                await Delay(TimeSpan.FromMilliseconds(4));
                seen.Add((Context.Incarnation, LocalNow.SinceStart.TotalMilliseconds));
            }
        }
    }

    [Fact]
    public void ACrash_AbandonsTheIncarnationsContinuations_NoneResumesInALaterOne()
    {
        Simulation sim = new(new SimulationOptions { Seed = 5, RecordTrace = true, TimeLimit = TimeSpan.FromMilliseconds(50) });
        var seen = new List<(int Incarnation, double Ms)>();
        NodeId n = sim.AddNode("l", () => new Looper(seen), DistSim.Failures.FailureModels.CrashRecover());
        sim.At(SimTime.FromSeconds(10 / 1000.0), () => sim.CrashFor(n, TimeSpan.FromMilliseconds(5)));
        sim.Run();

        Assert.Equal([(1, 4.0), (1, 8.0)], seen.Where(s => s.Ms < 15));
        Assert.All(seen.Where(s => s.Ms >= 10), s => Assert.Equal(2, s.Incarnation));
        Assert.Equal([19.0, 23.0, 27.0], seen.Where(s => s.Incarnation == 2).Take(3).Select(s => s.Ms));
        Assert.Equal(2, sim.IncarnationOf(n));
        Assert.Equal(1, sim.Faults.Crashes);
    }

    [Fact]
    public void ManyCrashes_OfNodesWithSuspendedHandlers_KeepTheWatchedTasksBounded()
    {
        // Every incarnation of each Looper leaves a handler suspended on its delay when it crashes. A crash forgets its
        // node's watched tasks (found through a set per node), so the watched set holds only live incarnations' tasks,
        // at most one a node, however many crashes happen.
        Simulation sim = new(new SimulationOptions { Seed = 6, RecordTrace = false });
        var seen = new List<(int Incarnation, double Ms)>();
        var nodes = Enumerable.Range(0, 8).Select(i => sim.AddNode("l" + i, () => new Looper(seen), DistSim.Failures.FailureModels.CrashRecover())).ToList();
        int most = 0;
        for (int round = 0; round < 300; round++)
        {
            sim.RunUntil(SimTime.FromSeconds((round + 1) / 100.0));
            NodeId n = nodes[round % nodes.Count];
            sim.Crash(n);
            sim.Restart(n);
            most = Math.Max(most, sim.WatchedCount);
        }

        sim.RunUntil(SimTime.FromSeconds(3.05));
        Assert.Equal(300, sim.Faults.Crashes);
        Assert.InRange(most, nodes.Count - 1, nodes.Count); // the crashed node's new incarnation starts in an event of its own
        Assert.Contains(seen, s => s.Incarnation > 30); // the restarted incarnations really ran their loops
    }

    /// <summary>Starts a task that fails at once, keeps it in a local, and waits on something nothing completes.</summary>
    private sealed class HoldsAFailedTask : AsyncNode
    {
        private readonly TaskCompletionSource _never = new();

        protected override async Task OnStartAsync()
        {
            Task early = FailsAtOnce();
            await _never.Task;
            await early;
        }

        private static async Task FailsAtOnce()
        {
            await Task.CompletedTask;
            throw new InvalidOperationException("failed, never observed");
        }
    }

    /// <summary>Waits on something nothing completes: a handler that stays suspended, watched.</summary>
    private sealed class Bystander : AsyncNode
    {
        private readonly TaskCompletionSource _never = new();

        protected override async Task OnStartAsync() => await _never.Task;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(80)]
    public void ANodeCrashedForGood_HoldingAFailedTask_FailsTheRun_WhateverOtherNodesAreWatched(int bystanders)
    {
        // The crash forgets the incarnation's watched handler, so the failed task it held becomes collectable and the
        // end of the run reports it as dropped unobserved. How many other nodes have handlers suspended must not matter
        // (a bulk sweep of dead incarnations' tasks once let them linger until the watched set doubled, hiding this).
        var sim = new Simulation(new SimulationOptions { Seed = 1, RecordTrace = false, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromSeconds(1) });
        NodeId held = sim.AddNode("h", () => new HoldsAFailedTask(), DistSim.Failures.FailureModels.CrashRecover());
        for (int i = 0; i < bystanders; i++)
        {
            sim.AddNode("w" + i, () => new Bystander());
        }

        sim.At(SimTime.FromSeconds(0.005), () => sim.Crash(held));
        RunResult result = sim.Run();

        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Equal("failed, never observed", result.Failure!.InnerException!.Message);
        Assert.Equal(bystanders, sim.WatchedCount);
    }

    /// <summary>Holds a periodic timer that a crash abandons, undisposed: its finalizer disposes it later, on the finalizer thread.</summary>
    private sealed class Ticking : AsyncNode
    {
        protected override async Task OnStartAsync()
        {
            var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1), TimeProvider); // never disposed by the node
            while (await timer.WaitForNextTickAsync())
            {
            }
        }
    }

    [Fact]
    public void ATimerOfACrashedIncarnation_DisposedByItsFinalizer_NeitherThrowsNorFailsTheRun()
    {
        WeakReference run = RunAndDrop();
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers(); // PeriodicTimer's finalizer disposes its node timer here: before the fix, it threw on this thread and ended the process
        }

        Assert.False(run.IsAlive); // the simulation, its nodes and the abandoned timer were all collected (and finalized)
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference RunAndDrop()
    {
        Simulation sim = Quiet(8);
        NodeId n = sim.AddNode("t", () => new Ticking(), DistSim.Failures.FailureModels.CrashRecover());
        sim.At(SimTime.FromSeconds(0.0055), () => sim.Crash(n));
        RunResult result = sim.RunUntil(SimTime.FromSeconds(0.02));
        Assert.Null(result.Failure);
        Assert.Equal(5, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Continued)); // ticks at 1..5 ms, none after the crash
        return new WeakReference(sim);
    }

    [Fact]
    public void AContinuationQueuedBeforeACrash_IsDropped_AndCounted()
    {
        Simulation sim = Quiet(6);
        var seen = new List<int>();
        NodeId n = sim.AddNode("y", () => new Script(async s =>
        {
            for (int i = 0; i < 5; i++)
            {
                await Task.Yield();
                seen.Add(s.Ctx.Incarnation);
            }
        }), DistSim.Failures.FailureModels.CrashRecover());
        sim.At(SimTime.Zero, () => sim.CrashFor(n, TimeSpan.FromMilliseconds(1))); // runs after the start, before its first yield resumes
        RunResult result = sim.Run();

        Assert.Null(result.Failure);
        Assert.Equal(1, sim.Faults.AbandonedContinuations);
        Assert.Equal([2, 2, 2, 2, 2], seen);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Continued && e.TimerNumber == 1);
    }
}

/// <summary>Crashes and async code, as a property over seeds and fault schedules.</summary>
public class AsyncCrashProperties
{
    /// <summary>Pings its peer with calls, sleeps, yields and spawns, forever.</summary>
    /// <summary>
    /// After every await, notes the incarnation its object was created for next to what the simulation says now (read
    /// through <paramref name="now"/>, outside the kernel's own bookkeeping): code of a dead incarnation that resumed would
    /// show up as a mismatch or a node that is down.
    /// </summary>
    private sealed class Busy(NodeId peer, Func<(int Incarnation, bool Up)> now, List<(int Born, int Now, bool Up)> log) : AsyncNode
    {
        private int _born;

        private void Note()
        {
            (int incarnation, bool up) = now();
            log.Add((_born, incarnation, up));
        }

        protected override async Task OnStartAsync()
        {
            _born = Context.Incarnation;
            Spawn(Ticker, "ticker");
            while (true)
            {
                try
                {
                    await CallAsync<int>(peer, 1, TimeSpan.FromMilliseconds(3));
                    Note();
                }
                catch (RpcTimeoutException)
                {
                    Note();
                    await Task.Yield();
                    Note();
                }

                await Delay(TimeSpan.FromTicks(1 + (long)Random.NextBelow(20_000)));
                Note();
            }
        }

        private async Task Ticker()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2), TimeProvider);
            while (await timer.WaitForNextTickAsync())
            {
                Note();
                await Task.Yield();
                Note();
            }
        }

        protected override async Task<object?> OnRequestAsync(NodeId from, object request)
        {
            await Delay(TimeSpan.FromTicks(1 + (long)Random.NextBelow(10_000)));
            Note();
            return 1;
        }
    }

    /// <summary>Fixed schedules: they once ended the test process (a PeriodicTimer finalized with its simulation posted from the finalizer thread).</summary>
    [Fact]
    public void NothingOfACrashedIncarnation_EverResumes_OnFixedSchedules()
    {
        for (ulong seed = 1; seed < 40; seed++)
        {
            NothingOfACrashedIncarnation_EverResumes(seed, [(byte)seed, (byte)(seed * 7), (byte)(seed * 13), 200, 17]);
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public void NothingOfACrashedIncarnation_EverResumes(ulong seed, byte[] crashTimes)
    {

        var sim = new Simulation(new SimulationOptions
        {
            Seed = seed,
            RecordTrace = true,
            TimeLimit = TimeSpan.FromMilliseconds(60),
            Network = new DistSim.Links.FairLossLinkOptions { LossProbability = 0.1 },
        });
        var log = new List<(int Born, int Now, bool Up)>();
        NodeId a = default, b = default;
        a = sim.AddNode("a", () => new Busy(new NodeId(1), () => (sim.IncarnationOf(a), sim.IsUp(a)), log), DistSim.Failures.FailureModels.CrashRecover());
        b = sim.AddNode("b", () => new Busy(a, () => (sim.IncarnationOf(b), sim.IsUp(b)), log), DistSim.Failures.FailureModels.CrashRecover());
        foreach ((byte t, int i) in (crashTimes ?? []).Take(8).Select((t, i) => (t, i)))
        {
            NodeId victim = i % 2 == 0 ? a : b;
            sim.At(SimTime.FromSeconds((t % 55) / 1000.0), () => sim.CrashFor(victim, TimeSpan.FromTicks(1 + (t * 397 % 40_000))));
        }

        RunResult result = sim.Run();
        Assert.Null(result.Failure);

        // From the trace: every resumption belongs to the incarnation running at that moment, on a node that is up.
        var incarnation = new int[2];
        var up = new bool[2];
        int resumed = 0;
        foreach (TraceEvent e in sim.Trace.Events)
        {
            int n = e.Node.Value;
            switch (e.Kind)
            {
                case TraceEventKind.NodeStarted:
                    incarnation[n]++;
                    up[n] = true;
                    break;
                case TraceEventKind.Crash:
                    up[n] = false;
                    break;
                case TraceEventKind.Continued:
                    Assert.True(up[n], $"a continuation of node {n} ran while it was down (event {e.Index})");
                    Assert.Equal(incarnation[n], (int)e.TimerNumber);
                    resumed++;
                    break;
            }
        }

        Assert.True(resumed > 20);
        Assert.True(log.Count > 20);
        Assert.All(log, l => Assert.True(l.Up && l.Born == l.Now, $"code of incarnation {l.Born} ran while the node was at incarnation {l.Now}, up: {l.Up}"));
        Assert.Equal(sim.Faults.Crashes, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash));
        Assert.Equal(incarnation[0], sim.IncarnationOf(a));
    }
}
