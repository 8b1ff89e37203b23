using System.Diagnostics.Tracing;
using System.Globalization;

namespace DistSim;

/// <summary>
/// Sees node code start something on the machine's clock or thread pool <em>when it starts it</em>, on the simulation's
/// thread: the runtime's <c>FrameworkEventSource</c> reports, synchronously on the thread that does it, every timer
/// created (<c>Task.Delay</c> or a <c>CancellationTokenSource</c> without the node's <c>TimeProvider</c>, a
/// <c>System.Threading.Timer</c>, a wall-clock timeout of <c>SemaphoreSlim.WaitAsync</c>) and every work item queued to
/// the thread pool (<c>Task.Run</c>, <c>ThreadPool.QueueUserWorkItem</c> and its <c>Unsafe</c> forms, a continuation sent
/// to the pool). During a node's handler that is an escape, and the run fails after the event
/// (<see cref="Simulation.ReportRuntimeEscape"/>): deterministically, whether or not the timer ever fires or the work
/// ever runs before the run ends. See <c>docs/concepts/async.md</c>.
/// </summary>
/// <remarks>
/// One listener per process, started by the first simulation. It enables only the source's thread-transfer keyword, so
/// outside simulations it costs one event per timer created and per work item queued or dequeued anywhere in the
/// process, each dismissed at once (no simulation runs on that thread). Where the runtime cannot raise events
/// (<c>EventSource</c> disabled by a trimming switch), nothing is seen here and the escapes are still caught where the
/// escaped code runs (<see cref="Simulation"/>'s async scope and thread guards).
/// </remarks>
internal sealed class RuntimeEscapeListener : EventListener
{
    private const string FrameworkSource = "System.Diagnostics.Eventing.FrameworkEventSource";
    private const EventKeywords ThreadTransfer = (EventKeywords)0x10; // FrameworkEventSource.Keywords.ThreadTransfer
    private const int TimerTransfer = 1; // the kind a TimerQueueTimer reports in ThreadTransferSend

    private static RuntimeEscapeListener? s_instance;

    [ThreadStatic]
    private static int t_harness; // > 0 while this thread runs the harness's code (priming, the user's logger): not node code

    private int _enqueueSeen; // 1 once any thread-pool enqueue was reported: the pool logs

    /// <summary>Starts the process's listener once, and makes sure the thread pool reports to it before any simulation runs.</summary>
    public static void EnsureStarted()
    {
        if (Volatile.Read(ref s_instance) is not null)
        {
            return;
        }

        // Built outside any lock of ours: the base constructor takes the runtime's listener lock, which another
        // listener's callback may hold while it builds a simulation. Two racing threads may each build one; one is kept.
        var candidate = new RuntimeEscapeListener();
        if (Interlocked.CompareExchange(ref s_instance, candidate, null) is not null)
        {
            candidate.Dispose();
            return;
        }

        candidate.PrimeThreadPool();
    }

    /// <summary>
    /// The thread pool caches whether to report its work items, and looks again only when one of its threads starts
    /// dispatching: until then an enqueue raises no event, and an escape in the first runs of a process would be seen or
    /// not depending on the machine's timing. So queue no-op items, each waited for, until one is reported (in practice
    /// the second); at most five seconds in all on a starved pool, after which escapes are still caught where they run.
    /// </summary>
    private void PrimeThreadPool()
    {
        long deadline = Environment.TickCount64 + 5000; // determinism-ok: bounds a one-off wait of the host, outside any run
        while (Volatile.Read(ref _enqueueSeen) == 0 && Environment.TickCount64 < deadline) // determinism-ok: as above
        {
            using var ran = new ManualResetEventSlim();
            using (Harness())
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => ((ManualResetEventSlim)state!).Set(), ran);
            }

            ran.Wait(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Marks what the calling thread runs until the scope is disposed as the harness's code, not the node's — the user's
    /// logger behind a node's <c>Logger</c>, or the <see cref="SimulationOptions.TraceWriter"/> a node's send is streamed
    /// to, either of which may batch on the thread pool or flush on a timer — so that nothing it starts is taken for a
    /// node's escape.
    /// </summary>
    public static HarnessScope Harness()
    {
        t_harness++;
        return default;
    }

    /// <summary>The scope of <see cref="Harness"/>.</summary>
    public readonly struct HarnessScope : IDisposable
    {
        /// <summary>Ends the scope.</summary>
        public void Dispose() => t_harness--;
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == FrameworkSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, ThreadTransfer);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (_enqueueSeen == 0 && eventData.EventName == "ThreadPoolEnqueueWork")
        {
            Volatile.Write(ref _enqueueSeen, 1);
        }

        Simulation? simulation = Simulation.RunningOnThisThread;
        if (simulation is null || t_harness > 0 || !simulation.InNodeHandler)
        {
            return; // no node code runs on this thread: a thread-pool thread, the test host, the kernel between events
        }

        try
        {
            if (Describe(eventData) is { } what)
            {
                simulation.ReportRuntimeEscape(what);
            }
        }
        catch (Exception)
        {
            // a diagnostic hook must never disturb the code that raised the event
        }
    }

    /// <summary>
    /// Whether the work item being queued (on this thread, now) is the runtime finishing what waits on a task that runs its
    /// continuations asynchronously — <c>WhenAny</c>, <c>WhenAll</c> or <c>WaitAsync</c> over it, or an await of it without
    /// the node's context — rather than work the node queued itself (<c>Task.Run</c>, <c>QueueUserWorkItem</c>): told by
    /// who called the pool's enqueue, read from the stack on this rare path only (an escape is being reported).
    /// </summary>
    /// <remarks>
    /// The enqueuer is the first frame below the event's own plumbing (this listener, the event sources, the pool's work
    /// queue), not the caller of a frame named <c>Enqueue</c>: once the JIT has optimised the runtime's code,
    /// <c>ThreadPoolWorkQueue.Enqueue</c> is often inlined into its caller and has no frame (and a task's completion
    /// methods may be inlined into one another), so the names accepted cover each step of a task's completion.
    /// </remarks>
    private static bool QueuedByTaskCompletion() =>
        QueuedByTaskCompletion(new System.Diagnostics.StackTrace(skipFrames: 1, fNeedFileInfo: false).GetFrames().Select(f => f.GetMethod()).ToArray());

    /// <summary>The decision of <see cref="QueuedByTaskCompletion()"/> on a stack given as its methods, innermost first.</summary>
    internal static bool QueuedByTaskCompletion(IReadOnlyList<System.Reflection.MethodBase?> frames)
    {
        int at = 0;
        while (at < frames.Count && frames[at]?.DeclaringType is { } plumbing
            && (plumbing == typeof(RuntimeEscapeListener) || plumbing.Namespace == "System.Diagnostics.Tracing" || plumbing.Name == "ThreadPoolWorkQueue"))
        {
            at++;
        }

        System.Reflection.MethodBase? enqueuer = at < frames.Count ? frames[at] : null;
        return enqueuer?.DeclaringType is { Namespace: "System.Threading.Tasks" } type
            && (enqueuer.Name is "RunContinuations" or "RunOrQueueCompletionAction" or "FinishContinuations" or "FinishSlow" or "FinishStageThree"
                    or "TrySetResult" or "TrySetException" or "TrySetCanceled"
                || type.Name.StartsWith("CompletionActionInvoker", StringComparison.Ordinal)
                || type.Name.StartsWith("AwaitTaskContinuation", StringComparison.Ordinal)
                || type.Name.StartsWith("TaskCompletionSource", StringComparison.Ordinal));
    }

    /// <summary>What node code started, from the runtime's event; null for an event that is no escape.</summary>
    private static string? Describe(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
            case "ThreadPoolEnqueueWork" when QueuedByTaskCompletion():
                return "completed a task that runs its continuations asynchronously (a TaskCompletionSource created with " +
                    "TaskCreationOptions.RunContinuationsAsynchronously, SemaphoreSlim.WaitAsync(), a channel's or PeriodicTimer's ValueTask turned " +
                    "AsTask()) while something waits on it without the node's context — Task.WhenAny, Task.WhenAll or WaitAsync over it, or an " +
                    "await with ConfigureAwait(false) — so the runtime sent the rest to the thread pool. Await such a task directly (node code is " +
                    "single-threaded: a TaskCompletionSource needs no RunContinuationsAsynchronously), and for a timeout pass a " +
                    "CancellationTokenSource(delay, Context.TimeProvider) to the call";
            case "ThreadPoolEnqueueWork":
                return "queued work to the thread pool (Task.Run, Task.Factory.StartNew, ThreadPool.QueueUserWorkItem or its Unsafe forms, " +
                    "or a continuation sent there after ConfigureAwait(false))";
            case "ThreadTransferSend" when e.Payload is { Count: > 4 } payload && payload[1] is int kind && kind == TimerTransfer:
                string due = payload[4] is int ms ? string.Create(CultureInfo.InvariantCulture, $", due in {ms} ms of wall-clock time") : "";
                return "created a timer on the machine's clock" + due +
                    " (Task.Delay, a CancellationTokenSource or CancelAfter without the node's TimeProvider, a System.Threading.Timer, " +
                    "a wall-clock timeout such as SemaphoreSlim.WaitAsync(timeout))";
            default:
                return null;
        }
    }
}
