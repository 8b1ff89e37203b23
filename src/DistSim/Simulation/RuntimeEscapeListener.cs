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
    private static readonly Lock Gate = new();

    /// <summary>Starts the process's listener once.</summary>
    public static void EnsureStarted()
    {
        if (Volatile.Read(ref s_instance) is not null)
        {
            return;
        }

        lock (Gate)
        {
            s_instance ??= new RuntimeEscapeListener();
        }
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
        Simulation? simulation = Simulation.RunningOnThisThread;
        if (simulation is null)
        {
            return; // no run on this thread: a thread-pool thread, the test host, anything else in the process
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

    /// <summary>What node code started, from the runtime's event; null for an event that is no escape.</summary>
    private static string? Describe(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
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
