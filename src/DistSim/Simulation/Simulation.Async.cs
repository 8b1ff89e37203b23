using System.Globalization;
using DistSim.Nodes;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// Async node code. While a node's handler runs, <see cref="SynchronizationContext.Current"/> is the node's context
/// (<see cref="NodeContext"/>, one per incarnation), so every <c>await</c> that does not complete at once resumes
/// through it: the continuation becomes an event of the node at the current instant, run in FIFO order like every
/// other event — on the simulation's thread, under the node's guards, deferred by a pause, and dropped by a crash (it
/// never runs in a later incarnation). A continuation that tries to come back from another thread (the await of
/// something the simulation does not drive: a wall-clock <c>Task.Delay</c>, <c>Task.Run</c>, real I/O) is not run and
/// fails the run. See <c>docs/concepts/async.md</c>.
/// </summary>
public sealed partial class Simulation
{
    /// <summary>The calls async nodes made to each other (<see cref="AsyncNode.CallAsync{TReply}"/>) and what became of them.</summary>
    public RpcCounters Rpc
    {
        get
        {
            CheckThread(nameof(Rpc));
            return RpcCounters;
        }
    }

    internal RpcCounters RpcCounters { get; } = new();

    /// <summary>Queues a continuation of <paramref name="context"/>'s code (its synchronization context's Post).</summary>
    internal void PostContinuation(NodeContext context, SendOrPostCallback callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (IsForeignThread(out int owner))
        {
            // Never throw here: the caller is a thread-pool thread, where an exception would end the process.
            var ex = new InvalidOperationException(
                $"node {context.Name}'s async code tried to resume on thread {Environment.CurrentManagedThreadId}, not on the simulation's thread" +
                (owner == 0 ? " (no run is in progress)" : $" ({owner})") +
                ": it awaited something the simulation does not drive — Task.Delay or a timer without the node's TimeProvider, Task.Run, " +
                "a thread-pool work item, real I/O — or resumed after ConfigureAwait(false) elsewhere. The continuation was not run; the run is failed. " +
                "Use Context.TimeProvider for delays and timeouts, and messages for everything outside the node.");
            Interlocked.CompareExchange(ref _pending, new PendingFailure(ex, context.Name, "a continuation from outside the simulation's thread"), null);
            return;
        }

        NodeRecord record = context.Record;
        if (context.Incarnation != record.Incarnation || !record.Up)
        {
            _faults.AbandonedContinuations++; // the incarnation crashed: nothing of it resumes, ever
            return;
        }

        Schedule(_loop.Now, new ScheduledEvent(EventKind.Continuation, record.Index, -1, context.Incarnation, 0, 0, new Continuation(callback, state)));
    }

    /// <summary>Runs a continuation event: unless its incarnation has crashed since it was queued.</summary>
    private void Continue(in ScheduledEvent e)
    {
        NodeRecord node = _nodes[e.Node];
        if (!node.Up || node.Incarnation != e.Slot)
        {
            _faults.AbandonedContinuations++;
            return;
        }

        RecordEvent(TraceEventKind.Continued, e.Node, -1, 0, 0, e.Slot, DropCause.None, null, clock: _vectorClocks ? TickClock(e.Node) : null);
        long index = _trace.Count - 1;
        var continuation = (Continuation)e.Payload!;
        SynchronizationContext? saved = EnterNode(node);
        try
        {
            continuation.Callback(continuation.State);
        }
        catch (Exception ex)
        {
            Fault(e.Node, "async code resumed after an await (an exception escaped an async void method, or a continuation threw)", 0, index, ex);
        }
        finally
        {
            LeaveNode(saved);
        }
    }

    /// <summary>
    /// Watches the task of an async handler (<see cref="AsyncNode"/>): a fault or cancellation fails the run — at once if
    /// the task has already ended, otherwise in the event where it ends.
    /// </summary>
    internal void ObserveHandler(NodeContext context, Task task, string handler)
    {
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult(); // throws what the handler threw: the handler's own fault
            return;
        }

        task.ContinueWith(
            static (t, s) =>
            {
                var (simulation, context, handler) = ((Simulation, NodeContext, string))s!;
                simulation.FailAsync(context, handler, t.Exception?.InnerException ?? new TaskCanceledException(t));
            },
            (this, context, handler),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.NotOnRanToCompletion,
            TaskScheduler.Default);
    }

    /// <summary>An async handler of <paramref name="context"/> ended with <paramref name="ex"/>: the run fails in this event.</summary>
    private void FailAsync(NodeContext context, string handler, Exception ex)
    {
        string description = string.Create(CultureInfo.InvariantCulture, $"async handler {handler} (incarnation {context.Incarnation}) failed after an await");
        if (IsForeignThread(out _))
        {
            Interlocked.CompareExchange(ref _pending, new PendingFailure(ex, context.Name, description + ", on another thread"), null);
            return;
        }

        if (_failure is null)
        {
            Fault(context.NodeIndex, description, 0, _trace.Count - 1, ex);
        }
    }

    /// <summary>Makes <paramref name="node"/>'s current context the active one and the thread's synchronization context.</summary>
    private SynchronizationContext? EnterNode(NodeRecord node)
    {
        _active = node.Context;
        SynchronizationContext? saved = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(node.Context);
        return saved;
    }

    private void LeaveNode(SynchronizationContext? saved)
    {
        _active = null;
        SynchronizationContext.SetSynchronizationContext(saved);
    }

    /// <summary>A queued continuation: the callback and state its synchronization context was given.</summary>
    private sealed record Continuation(SendOrPostCallback Callback, object? State);
}
