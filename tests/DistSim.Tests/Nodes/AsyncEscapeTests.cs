using DistSim.Diagnostics;
using DistSim.Nodes;

namespace DistSim.Tests.Nodes;

/// <summary>
/// Async node code that goes wrong out of sight — a fire-and-forget task that fails, work started on another thread, an
/// await the simulation never completes — fails the run, in every try.
/// </summary>
public class AsyncEscapeTests
{
    private const int Tries = 12;

    private sealed class Body(Func<Body, Task> body) : AsyncNode
    {
        public Task Wait(double ms) => Delay(TimeSpan.FromMilliseconds(ms));

        public void Go(Func<Task> work) => Spawn(work, "work");

        public TimeProvider Time => TimeProvider;

        public Task? Stored { get; set; }

        public INodeContext Ctx => Context;

        protected override Task OnStartAsync() => body(this);
    }

    private static (Simulation Sim, RunResult Result) Run(Func<Body, Task> body, ulong seed)
    {
        var sim = new Simulation(new SimulationOptions { Seed = seed, RecordTrace = true, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromSeconds(10) });
        sim.AddNode("n", () => new Body(body));
        sim.AddNode("other", () => new Body(async b =>
        {
            for (int i = 0; i < 50; i++)
            {
                await b.Wait(1);
            }
        }));
        return (sim, sim.Run());
    }

    /// <summary>
    /// The run's failure: from its result, or (for an escape reported from another thread after the run) from the simulation,
    /// waiting up to 30 s: the escaped continuation needs a thread-pool thread, and a loaded machine running tests side by side
    /// can take seconds to give it one.
    /// </summary>
    private static SimulationFailureException FailureOf(Simulation sim, RunResult result)
    {
        if (result.Failure is { } f)
        {
            return f;
        }

        SimulationFailureException? late = null;
        Assert.True(SpinWait.SpinUntil(() => (late = sim.Failure) is not null, TimeSpan.FromSeconds(30)), "the escape was never reported within 30 s");
        return late!;
    }

    private static async Task ThrowLater(Body b, double ms)
    {
        await b.Wait(ms);
        throw new InvalidOperationException("lost exception");
    }

    [Fact]
    public void AFireAndForgetTaskThatFails_FailsTheRun_AtTheEventWhereItFailed()
    {
        for (ulong seed = 1; seed <= Tries; seed++)
        {
            (Simulation sim, RunResult result) = Run(
                b =>
                {
                    _ = ThrowLater(b, 5);
                    return Task.CompletedTask;
                },
                seed);

            Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
            SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
            Assert.Equal("lost exception", failure.InnerException!.Message);
            Assert.Equal("n", failure.NodeName);
            Assert.Equal(TimeSpan.FromMilliseconds(5), failure.Time.SinceStart);
            Assert.Contains("fire-and-forget", failure.EventDescription, StringComparison.Ordinal);
            Assert.Equal(global::DistSim.Tracing.TraceEventKind.Continued, sim.Trace.Events[(int)failure.EventIndex].Kind);
        }
    }

    private static async Task ThrowFirst(bool now, Body b)
    {
        if (now)
        {
            throw new InvalidOperationException("thrown before the first await");
        }

        await b.Wait(1);
    }

    [Fact]
    public void AFireAndForgetTaskThatThrowsBeforeItsFirstAwait_FailsTheRun_AtTheEventWhereItThrew()
    {
        for (ulong seed = 1; seed <= Tries; seed++)
        {
            (Simulation sim, RunResult result) = Run(
                async b =>
                {
                    await b.Wait(3);
                    _ = ThrowFirst(now: true, b); // the task is faulted before the caller even sees it, and dropped
                    await b.Wait(1);
                },
                seed);

            SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
            Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
            Assert.Equal("thrown before the first await", failure.InnerException!.Message);
            Assert.Equal("n", failure.NodeName);
            Assert.Equal(TimeSpan.FromMilliseconds(3), failure.Time.SinceStart);
            Assert.Contains("dropped unobserved", failure.EventDescription, StringComparison.Ordinal);
            Assert.Equal(global::DistSim.Tracing.TraceEventKind.Continued, sim.Trace.Events[(int)failure.EventIndex].Kind);
        }
    }

    [Fact]
    public void ExceptionsThatNodeCodeCatches_OrAwaits_AreNotFailures()
    {
        (_, RunResult result) = Run(
            async b =>
            {
                Task early = ThrowFirst(now: true, b); // faulted at once, awaited later
                try
                {
                    throw new InvalidOperationException("caught at once");
                }
                catch (InvalidOperationException)
                {
                }

                await b.Wait(2);
                await Assert.ThrowsAsync<InvalidOperationException>(() => early);
            },
            seed: 2);

        Assert.Null(result.Failure);
        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
    }

    [Fact]
    public void AStoredTaskThatFails_AndIsAwaitedLater_IsNotAFailure_ButOneNeverAwaited_IsAtTheEnd()
    {
        (_, RunResult awaited) = Run(
            async b =>
            {
                Task t = ThrowLater(b, 2);
                await b.Wait(10);
                try
                {
                    await t;
                }
                catch (InvalidOperationException)
                {
                    // observed: the node handled it
                }
            },
            seed: 3);
        Assert.Null(awaited.Failure);
        Assert.Equal(RunOutcome.Quiescent, awaited.Outcome);

        (_, RunResult never) = Run(
            b =>
            {
                b.Stored = ThrowLater(b, 2); // kept, never awaited
                return Task.CompletedTask;
            },
            seed: 3);
        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(never.Failure);
        Assert.Equal("lost exception", failure.InnerException!.Message);
        Assert.Contains("nothing observed its exception by the end of the run", failure.EventDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void ASpawnedTaskThatFails_FailsTheRun_EvenBeforeItsFirstAwait()
    {
        (_, RunResult result) = Run(
            b =>
            {
                b.Go(() => throw new InvalidOperationException("spawned, sync"));
                return Task.CompletedTask;
            },
            seed: 4);
        Assert.Equal("spawned, sync", Assert.IsType<SimulationFailureException>(result.Failure).InnerException!.Message);

        (_, RunResult later) = Run(
            b =>
            {
                b.Go(() => ThrowLater(b, 3));
                return Task.CompletedTask;
            },
            seed: 4);
        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(later.Failure);
        Assert.Contains("Spawn(work)", failure.EventDescription, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(3), failure.Time.SinceStart);
    }

    public static TheoryData<string> Escapes =>
        ["wall-clock Task.Delay", "awaited Task.Run", "fire-and-forget Task.Run", "ConfigureAwait(false)", "thread-pool timer", "SemaphoreSlim.WaitAsync(timeout)", "channel ReadAllAsync, default options",
         .. UnseenKinds.Where(k => k != PlainNodeKind)];

    /// <summary>
    /// Escapes whose escaped part never runs (or never touches the node) while the run lasts: a wall-clock timer that loses
    /// its race or is never awaited, work queued without the execution context. Only seeing them started can catch them.
    /// </summary>
    public static TheoryData<string> Unseen => [.. UnseenKinds];

    private const string PlainNodeKind = "fire-and-forget work from a plain Node";

    private static readonly string[] UnseenKinds =
        ["Task.WhenAny with a wall-clock Task.Delay that loses", "Task.WhenAll with a wall-clock Task.Delay", "wall-clock CancellationTokenSource passed to a call",
         "CancelAfter on the wall clock", "ThreadPool.UnsafeQueueUserWorkItem", "Task.Run under ExecutionContext.SuppressFlow", PlainNodeKind];

    private static Func<Body, Task> Escape(string kind) => kind switch
    {
        "wall-clock Task.Delay" => async b =>
        {
            await Task.Delay(20);
            await b.Wait(1);
        },
        "awaited Task.Run" => async b => await Task.Run(() => Thread.SpinWait(1000)),
        "fire-and-forget Task.Run" => b =>
        {
            _ = Task.Run(() => Thread.SpinWait(1000));
            return Task.CompletedTask;
        },
        "ConfigureAwait(false)" => async b =>
        {
            await b.Wait(2).ConfigureAwait(false);
            Thread.SpinWait(1000);
        },
        "thread-pool timer" => b =>
        {
            var timer = new Timer(_ => { }, null, 1, Timeout.Infinite);
            b.Stored = Task.FromResult(timer);
            return Task.CompletedTask;
        },
        "SemaphoreSlim.WaitAsync(timeout)" => async b =>
        {
            using var gate = new SemaphoreSlim(0);
            _ = await gate.WaitAsync(TimeSpan.FromMilliseconds(5)); // its timeout is a wall-clock timer
        },
        "channel ReadAllAsync, default options" => async b =>
        {
            var channel = System.Threading.Channels.Channel.CreateUnbounded<int>();
            b.Go(async () =>
            {
                await b.Wait(1);
                channel.Writer.TryWrite(1);
                channel.Writer.Complete();
            });
            await foreach (int item in channel.Reader.ReadAllAsync())
            {
                Thread.SpinWait(item);
            }
        },
        "Task.WhenAny with a wall-clock Task.Delay that loses" => async b =>
        {
            _ = await Task.WhenAny(Task.Delay(TimeSpan.FromMinutes(5)), b.Wait(2)); // the virtual wait wins; the timeout never applies
            await b.Wait(1);
        },
        "Task.WhenAll with a wall-clock Task.Delay" => async b => await Task.WhenAll(Task.Delay(TimeSpan.FromMinutes(5)), b.Wait(2)),
        "wall-clock CancellationTokenSource passed to a call" => async b =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // meant as a timeout: never fires in the run
            await Task.Delay(TimeSpan.FromMilliseconds(2), b.Time, timeout.Token);
        },
        "CancelAfter on the wall clock" => async b =>
        {
            using var timeout = new CancellationTokenSource();
            timeout.CancelAfter(TimeSpan.FromMinutes(5));
            await Task.Delay(TimeSpan.FromMilliseconds(2), b.Time, timeout.Token);
        },
        "ThreadPool.UnsafeQueueUserWorkItem" => b =>
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => Thread.SpinWait(10), null); // no execution context: nothing of the node goes along
            return Task.CompletedTask;
        },
        "Task.Run under ExecutionContext.SuppressFlow" => b =>
        {
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => Thread.SpinWait(10));
            }

            return Task.CompletedTask;
        },
        PlainNodeKind => b =>
        {
            b.Stored = Task.CompletedTask; // the plain node below does the escaping
            return Task.CompletedTask;
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown escape"),
    };

    /// <summary>
    /// The runtime's thread pool decides whether to report its work items only when one of its threads starts
    /// dispatching: in a fresh process the first enqueues go unreported unless the listener makes the pool look again.
    /// Run in a process of its own (this test assembly is an executable), where nothing else has used the pool yet.
    /// </summary>
    [Fact]
    public async Task InAFreshProcess_TheFirstRunsSeeEveryEscapeAsItIsStarted()
    {
        string method = typeof(AsyncEscapeTests).FullName + "." + nameof(EscapesNeverSeenRunning_FailTheRunAtTheEventThatStartedThem_InEveryTry);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(AsyncEscapeTests).Assembly.Location, "-method", method, "-noColor" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using System.Diagnostics.Process child = System.Diagnostics.Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        Task<string> errors = child.StandardError.ReadToEndAsync(timeout.Token);
        string output = await child.StandardOutput.ReadToEndAsync(timeout.Token);
        await child.WaitForExitAsync(timeout.Token);
        Assert.True(child.ExitCode == 0, output + await errors);
        Assert.Matches(@"Total: 7, Errors: 0, Failed: 0", output);
    }

    [Fact]
    public void ACombinatorOverATaskThatRunsItsContinuationsAsynchronously_FailsTheRunAtTheEventThatCompletedIt_NamingTheCause()
    {
        var seen = new HashSet<(long Event, long Time, ulong Fingerprint)>();
        for (int attempt = 0; attempt < Tries; attempt++)
        {
            (Simulation sim, RunResult result) = Run(
                async b =>
                {
                    var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    b.Go(async () =>
                    {
                        await b.Wait(2);
                        reply.SetResult(); // WhenAny's completion goes to the thread pool from here
                    });
                    _ = await Task.WhenAny(reply.Task, Task.Delay(TimeSpan.FromSeconds(1), b.Time));
                },
                seed: 3);

            SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
            Assert.Equal("n", failure.NodeName);
            Assert.Contains("RunContinuationsAsynchronously", failure.InnerException!.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Task.Run", failure.InnerException.Message, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromMilliseconds(2), failure.Time.SinceStart);
            seen.Add((failure.EventIndex, failure.Time.Ticks, result.Fingerprint));
        }

        Assert.Single(seen);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AHandlerReturningATaskThatRunsItsContinuationsAsynchronously_IsJudgedOnTheSimulationsThread(bool fails)
    {
        var seen = new HashSet<(RunOutcome Outcome, long Events, ulong Fingerprint, long? FailedAt)>();
        for (int attempt = 0; attempt < Tries; attempt++)
        {
            (Simulation sim, RunResult result) = Run(
                b =>
                {
                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    b.Go(async () =>
                    {
                        await b.Wait(4);
                        if (fails)
                        {
                            done.SetException(new InvalidOperationException("the handler's own failure"));
                        }
                        else
                        {
                            done.SetResult();
                        }
                    });
                    return done.Task; // the handler's task itself: DistSim watches it
                },
                seed: 4);

            if (fails)
            {
                SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
                Assert.Equal("the handler's own failure", failure.InnerException!.Message); // not blamed on an escape to the thread pool
                Assert.Equal(TimeSpan.FromMilliseconds(4), failure.Time.SinceStart);
            }
            else
            {
                Assert.Null(result.Failure);
                Assert.Null(sim.Failure);
                Assert.Equal(RunOutcome.Quiescent, result.Outcome);
            }

            seen.Add((result.Outcome, result.Events, result.Fingerprint, result.Failure?.EventIndex));
        }

        Assert.Single(seen);
    }

    /// <summary>A plain (not async) node whose timer handler queues thread-pool work that never touches the simulation.</summary>
    private sealed class PlainEscaper : Node
    {
        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(3));

#pragma warning disable DSIM006 // the escape under test
        public override void OnTimer(TimerId timer, object? state) => ThreadPool.QueueUserWorkItem(_ => Thread.SpinWait(10));
#pragma warning restore DSIM006
    }

    [Theory]
    [MemberData(nameof(Unseen))]
    public void EscapesNeverSeenRunning_FailTheRunAtTheEventThatStartedThem_InEveryTry(string kind)
    {
        var events = new HashSet<(long Event, long Time, RunOutcome Outcome, long Events, ulong Fingerprint)>();
        for (ulong seed = 1; seed <= Tries; seed++)
        {
            var sim = new Simulation(new SimulationOptions { Seed = 7, RecordTrace = true, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromSeconds(10) });
            string node = kind == PlainNodeKind ? "plain" : "n";
            sim.AddNode("n", () => new Body(Escape(kind)));
            sim.AddNode("plain", () => kind == PlainNodeKind ? new PlainEscaper() : new Body(_ => Task.CompletedTask));
            RunResult result = sim.Run();

            // In the result itself, not reported late from another thread: the escape was seen as it was started.
            SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
            Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
            Assert.Equal(node, failure.NodeName);
            Assert.Matches("wall-clock time|thread pool", failure.InnerException!.Message);
            Assert.Contains("not on the simulation's thread", failure.InnerException.Message, StringComparison.Ordinal);
            Assert.Equal(kind == PlainNodeKind ? TimeSpan.FromMilliseconds(3) : TimeSpan.Zero, failure.Time.SinceStart);
            events.Add((failure.EventIndex, failure.Time.Ticks, result.Outcome, result.Events, result.Fingerprint));
        }

        Assert.Single(events); // the same event, the same run, every try
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public void EveryEscapeToAnotherThread_FailsTheRun_InEveryTry(string kind)
    {
        for (ulong seed = 1; seed <= Tries; seed++)
        {
            (Simulation sim, RunResult result) = Run(Escape(kind), seed);
            SimulationFailureException failure = FailureOf(sim, result);
            Assert.Equal("n", failure.NodeName);
            Assert.Matches("thread|wall clock|thread pool|ConfigureAwait", failure.InnerException!.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public void AnEscapesFailure_IsTheSameInEveryTry_NamedAtTheEventItCameFrom(string kind)
    {
        var seen = new HashSet<(long Event, long Time, string Node)>();
        var runs = new HashSet<(RunOutcome, long, ulong)>();
        for (int i = 0; i < 6; i++)
        {
            (Simulation sim, RunResult result) = Run(Escape(kind), seed: 21);
            SimulationFailureException failure = FailureOf(sim, result);
            seen.Add((failure.EventIndex, failure.Time.Ticks, failure.NodeName));
            if (result.Failure is not null)
            {
                runs.Add((result.Outcome, result.Events, result.Fingerprint)); // the run is not cut short at whichever event the report reached
            }
        }

        Assert.True(seen.Count == 1, string.Join("; ", seen));
        Assert.True(runs.Count <= 1, string.Join("; ", runs));
    }

    [Fact]
    public void RawThreadsCallingTheContext_FailTheRun_WithoutEndingTheProcess()
    {
        using var done = new CountdownEvent(2);
        (Simulation sim, RunResult result) = Run(
            b =>
            {
                INodeContext context = b.Ctx;
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    context.Send(context.Id, "from the pool"); // refused without an exception: there is no task to carry one
                    done.Signal();
                });
                var thread = new Thread(() =>
                {
                    _ = context.Random.NextBelow(10);
                    _ = context.LocalNow;
                    done.Signal();
                });
                thread.Start();
                return Task.CompletedTask;
            },
            seed: 5);

        Assert.True(done.Wait(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        SimulationFailureException failure = FailureOf(sim, result);
        Assert.Equal("n", failure.NodeName);
        Assert.Contains("not on the simulation's thread", failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(0, sim.Messages.Sent - sim.Trace.Events.Count(e => e.Kind == global::DistSim.Tracing.TraceEventKind.Send)); // nothing was sent from there
        Assert.DoesNotContain(sim.Trace.Events, e => e.Payload is "from the pool");
    }

    [Fact]
    public void RawThreadsUsingKeptStorage_FailTheRun_DoNothing_AndDoNotEndTheProcess()
    {
        using var done = new ManualResetEventSlim();
        Exception? escaped = null;
        (Simulation sim, RunResult result) = Run(
            b =>
            {
                global::DistSim.Storage.DurableStorage storage = b.Ctx.Storage; // taken in the handler, used from a raw thread
                storage.PutString("k", "from the handler");
                var thread = new Thread(() =>
                {
                    try
                    {
                        storage.PutString("k", "from a raw thread");
                        storage.AppendString("entry");
                        storage.Flush();
                        _ = storage.GetString("k");
                        _ = storage.Log.Count;
                    }
                    catch (Exception ex)
                    {
                        escaped = ex; // would have ended the process, uncaught on a raw thread
                    }
                    finally
                    {
                        done.Set();
                    }
                });
                thread.Start();
                thread.Join(); // during the run: after it, any one thread may inspect storage (docs/concepts/async.md)
                return Task.CompletedTask;
            },
            seed: 6);

        Assert.True(done.Wait(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Null(escaped);
        SimulationFailureException failure = FailureOf(sim, result);
        Assert.Equal("n", failure.NodeName);
        Assert.Contains("not on the simulat", failure.InnerException!.Message, StringComparison.Ordinal);
        global::DistSim.Storage.DurableStorage store = sim.StorageOf(sim.FindNode("n"));
        Assert.Equal("from the handler", store.GetString("k")); // the raw thread's writes did nothing
        Assert.Empty(store.Log);
        Assert.Equal(0, store.Flushes);
    }

    [Fact]
    public void AKeptTaskThatFails_FailsTheRun_WhetherOrNotTheRunEndsQuiescent()
    {
        foreach (bool limited in new[] { false, true })
        {
            var sim = new Simulation(new SimulationOptions
            {
                Seed = 9, RecordTrace = true, ThrowOnNodeFault = false, TimeLimit = limited ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(10),
            });
            sim.AddNode("n", () => new Body(async b =>
            {
                Task kept = ThrowLater(b, 2); // in the state machine or not, as the compiler chooses: the verdict must not depend on it
                await b.Wait(500);
                GC.KeepAlive(kept);
            }));
            RunResult result = sim.Run();

            Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
            SimulationFailureException failure = Assert.IsType<SimulationFailureException>(result.Failure);
            Assert.Equal(TimeSpan.FromMilliseconds(2), failure.Time.SinceStart);
            Assert.Equal("lost exception", failure.InnerException!.Message);
        }
    }

    [Fact]
    public void SteppingARun_JudgesWhatRunningItWould()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 4, RecordTrace = true, ThrowOnNodeFault = false });
        sim.AddNode("n", () => new Body(b =>
        {
            _ = ThrowLater(b, 5);
            return Task.CompletedTask;
        }));
        int steps = 0;
        while (sim.Step())
        {
            steps++;
        }

        Assert.Equal("lost exception", Assert.IsType<SimulationFailureException>(sim.Failure).InnerException!.Message);
        Assert.True(steps < 10);
    }
}
