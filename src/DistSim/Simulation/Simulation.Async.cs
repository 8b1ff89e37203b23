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
            // Never throw here: the caller is a thread-pool thread, where an exception would end the process — or the
            // finalizer thread (a PeriodicTimer finalized with its simulation), where even the simulation's tables may be
            // half torn down.
            if (context.Incarnation != context.Record.Incarnation || !context.Record.Up)
            {
                return; // the incarnation is gone: nothing of it resumes, from anywhere
            }

            try
            {
                ReportForeignContinuation(context, state, owner);
            }
            catch (Exception)
            {
                // a report that cannot be made (a simulation being collected) is not worth ending the process for
            }

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

    private void ReportForeignContinuation(NodeContext context, object? state, int owner)
    {
        var ex = new InvalidOperationException(
            $"node {context.Name}'s async code tried to resume on thread {Environment.CurrentManagedThreadId}, not on the simulation's thread" +
            (owner == 0 ? " (no run is in progress)" : $" ({owner})") +
            ": it awaited something the simulation does not drive — Task.Delay or a timer without the node's TimeProvider, Task.Run, " +
            "a thread-pool work item, real I/O — or resumed after ConfigureAwait(false) elsewhere. The continuation was not run; the run is failed. " +
            "Use Context.TimeProvider for delays and timeouts, and messages for everything outside the node.");
        Origin? origin = AsyncInternals.BoxOf(state) is { } box && _lastRan.TryGetValue(box, out Origin? o) ? o : null;
        ReportForeign(ex, context.Name, "a continuation from outside the simulation's thread", origin);
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
        Task? box = AsyncInternals.BoxOf(continuation.State);
        bool awaited = box is null || AsyncInternals.IsAwaited(box); // read before it runs: after, a finished task's slot holds a marker
        SynchronizationContext? saved = EnterNode(node);
        if (box is not null)
        {
            _lastRan.AddOrUpdate(box, new Origin(_handlerEvent, _loop.Now));
        }

        try
        {
            continuation.Callback(continuation.State);
            if (!awaited && box!.IsFaulted)
            {
                Suspect(node, box, index);
            }
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
            if (!task.IsCompletedSuccessfully && _failure is null)
            {
                // The handler (or spawned work) failed before its first await: the run fails in this event. Not thrown
                // back to the caller, so node code cannot catch a spawned task's failure and make it silent.
                Fault(context.NodeIndex, string.Create(CultureInfo.InvariantCulture, $"async handler {handler} (incarnation {context.Incarnation}) failed"), 0, _handlerEvent,
                    task.Exception?.InnerException ?? new TaskCanceledException(task));
            }

            return;
        }

        _lastRan.AddOrUpdate(task, new Origin(_handlerEvent, _loop.Now)); // its first part ran in this event
        var watched = new WatchedTask(context, task, handler, ++_watchSequence);
        Watch(watched);
        if ((task.CreationOptions & TaskCreationOptions.RunContinuationsAsynchronously) != 0)
        {
            // Such a task (a TaskCompletionSource's, returned as the handler's task) would send even a synchronous
            // ContinueWith to the thread pool. Awaited under the node's context (current: its handler runs), its end is
            // posted as an event of the node instead, on the simulation's thread.
            task.ConfigureAwait(true).GetAwaiter().UnsafeOnCompleted(() => WatchedEnded(task, watched));
            return;
        }

        task.ContinueWith(
            static (t, s) =>
            {
                var (simulation, watched) = ((Simulation, WatchedTask))s!;
                simulation.WatchedEnded(t, watched);
            },
            (this, watched),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>A watched handler task ended: its failure fails the run (reported, never thrown, when it ended on another thread).</summary>
    private void WatchedEnded(Task task, WatchedTask watched)
    {
        if (IsForeignThread(out _))
        {
            ReportEscape(watched.Context); // it ended on another thread: touch nothing of the simulation from here
            return;
        }

        Unwatch(watched);
        if (!task.IsCompletedSuccessfully)
        {
            FailAsync(watched.Context, watched.Handler, task.Exception?.InnerException ?? new TaskCanceledException(task));
        }
    }

    private readonly HashSet<WatchedTask> _watched = [];

    /// <summary>The watched tasks of each node, so that a crash forgets its node's tasks without a scan of every node's.</summary>
    private readonly Dictionary<int, HashSet<WatchedTask>> _watchedByNode = [];

    /// <summary>Starts watching <paramref name="watched"/>.</summary>
    private void Watch(WatchedTask watched)
    {
        _watched.Add(watched);
        if (!_watchedByNode.TryGetValue(watched.Context.NodeIndex, out HashSet<WatchedTask>? ofNode))
        {
            _watchedByNode.Add(watched.Context.NodeIndex, ofNode = []);
        }

        ofNode.Add(watched);
    }

    /// <summary>Stops watching <paramref name="watched"/> (it ended).</summary>
    private void Unwatch(WatchedTask watched)
    {
        _watched.Remove(watched);
        if (_watchedByNode.TryGetValue(watched.Context.NodeIndex, out HashSet<WatchedTask>? ofNode))
        {
            ofNode.Remove(watched);
        }
    }

    /// <summary>
    /// A crash of <paramref name="node"/>: its incarnation's tasks never resume, so they are no longer watched (nor kept
    /// alive: a faulted task that only they reference must stay collectable, see <see cref="JudgeDroppedTasks"/>). Costs
    /// the node's own tasks; it used to scan every node's.
    /// </summary>
    private void ForgetWatchedOf(int node)
    {
        if (_watchedByNode.Remove(node, out HashSet<WatchedTask>? ofNode))
        {
            foreach (WatchedTask watched in ofNode)
            {
                _watched.Remove(watched);
            }
        }
    }

    /// <summary>Tasks watched now (for tests of the bookkeeping).</summary>
    internal int WatchedCount => _watched.Count;

    /// <summary>
    /// At the end of a run, a watched task of a live incarnation that is suspended on an await nothing in the simulation
    /// will complete (or one that would resume on the thread pool) fails the run: at that point, deterministically,
    /// rather than whenever the wall clock or the thread pool gets to it.
    /// </summary>
    private void JudgeSuspended()
    {
        foreach (WatchedTask watched in _watched.OrderBy(w => w.Context.NodeIndex).ThenBy(w => w.Sequence))
        {
            NodeRecord node = watched.Context.Record;
            var chain = new List<Task>();
            if (watched.Context.Incarnation != node.Incarnation || !node.Up || SuspendedAwaits.Escape(watched.Task, chain) is not { } why)
            {
                continue;
            }

            var ex = new InvalidOperationException(
                $"node {node.Name}'s {watched.Handler} is suspended on {why}. Use Context.TimeProvider for delays and timeouts, and " +
                "await without ConfigureAwait(false).");
            // Named at the event where the innermost method on the way last ran (where it began that await): the same
            // event a report from the escaped code's own thread would name, whichever comes first.
            (long eventIndex, long time) = OriginOf(chain) ?? (_trace.Count - 1, _loop.Now);
            FailNode(node.Index, time, eventIndex, $"{watched.Handler} awaits something outside the simulation", ex);
            return;
        }
    }

    private long _watchSequence;

    /// <summary>For each async method's task of node code: the event (trace index, time) in which it last ran.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Task, Origin> _lastRan = [];

    /// <summary>Where code ran: a trace index and a virtual time.</summary>
    private sealed record Origin(long EventIndex, long Time);

    /// <summary>The event in which the innermost of <paramref name="chain"/> known to have run last ran.</summary>
    private (long EventIndex, long Time)? OriginOf(IReadOnlyList<Task> chain)
    {
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            if (_lastRan.TryGetValue(chain[i], out Origin? origin))
            {
                return (origin.EventIndex, origin.Time);
            }
        }

        return null;
    }

    /// <summary>An async handler's (or spawned) task, watched until it ends.</summary>
    private sealed class WatchedTask(NodeContext context, Task task, string handler, long sequence)
    {
        public NodeContext Context => context;

        public Task Task => task;

        public string Handler => handler;

        /// <summary>The order it was first watched in: ties between a node's tasks are judged in that order.</summary>
        public long Sequence => sequence;
    }

    /// <summary>An async handler of <paramref name="context"/> ended with <paramref name="ex"/>: the run fails in this event.</summary>
    private void FailAsync(NodeContext context, string handler, Exception ex)
    {
        string description = string.Create(CultureInfo.InvariantCulture, $"async handler {handler} (incarnation {context.Incarnation}) failed after an await");
        if (IsForeignThread(out _))
        {
            ReportForeign(ex, context.Name, description + ", on another thread");
            return;
        }

        if (_failure is null)
        {
            Fault(context.NodeIndex, description, 0, _handlerEvent, ex);
        }
    }

    /// <summary>
    /// Makes <paramref name="node"/>'s current context the active one and the thread's synchronization context. For an
    /// async node the synchronization context is a new alias of its context per event, so that an await resumed from a
    /// later event (a timer's, a message's) is posted as an event of its own rather than run inline inside that one, and
    /// the node's code runs inside an <see cref="AsyncScope"/> that reports any thread it escapes to.
    /// </summary>
    private SynchronizationContext? EnterNode(NodeRecord node)
    {
        _active = node.Context;
        _handlerEvent = _trace.Count - 1; // the event whose handler runs: recorded just before
        SynchronizationContext? saved = SynchronizationContext.Current;
        if (node.AsyncCode)
        {
            var alias = new EventAlias(node.Context, _handlerEvent, _loop.Now);
            SynchronizationContext.SetSynchronizationContext(alias);
            AsyncScope.Value = alias;
        }
        else
        {
            SynchronizationContext.SetSynchronizationContext(node.Context);
        }

        return saved;
    }

    /// <summary>Marks the node's new object as async code (or not) and, inside its start handler, switches to the matching context.</summary>
    private static void SwitchAsyncCode(NodeRecord node, bool async)
    {
        if (node.AsyncCode == async)
        {
            return;
        }

        node.AsyncCode = async;
        if (async)
        {
            EnsureUnobservedHandler();
        }

        EventAlias? alias = async ? new EventAlias(node.Context, node.Context.Record.Simulation._handlerEvent, node.Context.Record.Simulation._loop.Now) : null;
        SynchronizationContext.SetSynchronizationContext(alias ?? (SynchronizationContext)node.Context);
        AsyncScope.Value = alias;
    }

    private void LeaveNode(SynchronizationContext? saved)
    {
        if (_active is { } active && active.Record.AsyncCode)
        {
            AsyncScope.Value = null;
        }

        _active = null;
        SynchronizationContext.SetSynchronizationContext(saved);
    }

    /// <summary>
    /// The node whose async code runs, in the execution context: it flows into whatever that code starts on another thread
    /// (<c>Task.Run</c>, a thread-pool work item, a timer, a <c>ConfigureAwait(false)</c> continuation), and its change
    /// notification runs on that thread when it starts — where the escape is reported (never thrown: that would end the
    /// process).
    /// </summary>
    private static readonly AsyncLocal<EventAlias?> AsyncScope = new(OnScopeChanged);

    private static void OnScopeChanged(AsyncLocalValueChangedArgs<EventAlias?> change)
    {
        if (change.ThreadContextChanged && change.CurrentValue is { } scope)
        {
            try
            {
                scope.Context.Record.Simulation.ReportEscape(scope.Context);
            }
            catch (Exception)
            {
                // an exception in an AsyncLocal notification ends the process (FailFast): never let one out
            }
        }
    }

    /// <summary>The trace index of the event whose node handler runs (or ran last).</summary>
    private long _handlerEvent;

    /// <summary>True (and the escape reported, never thrown) when called on a thread that is not the simulation's: for callbacks that may run anywhere.</summary>
    internal bool EscapedFrom(NodeContext context)
    {
        if (!IsForeignThread(out _))
        {
            return false;
        }

        ReportEscape(context);
        return true;
    }

    /// <summary>Node code runs on a thread that is not the simulation's: the run fails (reported from that thread).</summary>
    private void ReportEscape(NodeContext context)
    {
        if (!IsForeignThread(out int owner))
        {
            return; // the simulation's own thread restoring a captured context
        }

        var ex = new InvalidOperationException(
            $"node {context.Name}'s code ran on thread {Environment.CurrentManagedThreadId}, not on the simulation's thread" +
            (owner == 0 ? " (no run is in progress)" : $" ({owner})") +
            ": it started work outside the simulation — Task.Run, Task.Factory.StartNew, ThreadPool, a new Thread, a System.Threading.Timer, " +
            "Parallel — or resumed after ConfigureAwait(false), which sends the rest of the method to the thread pool. The run is failed. " +
            "Await without ConfigureAwait(false); use Context.TimeProvider for timers and delays.");
        ReportForeign(ex, context.Name, "node code that escaped to another thread");
    }

    /// <summary>
    /// The synchronization context of one event of an async node (posts to the node's context), and the async scope of
    /// the code that event runs: where an escape to another thread came from.
    /// </summary>
    private sealed class EventAlias(NodeContext context, long eventIndex, long time) : SynchronizationContext
    {
        public NodeContext Context => context;

        public long EventIndex => eventIndex;

        public long Time => time;

        public override void Post(SendOrPostCallback d, object? state) => context.Post(d, state);

        public override void Send(SendOrPostCallback d, object? state) => context.Send(d, state);

        public override SynchronizationContext CreateCopy() => this;
    }

    private readonly List<SuspectTask> _suspects = [];

    /// <summary>
    /// A task of node code faulted while nothing awaited it. It may yet be awaited (a task kept in a field, awaited in a
    /// later event); it is lost if it becomes unreachable unobserved — the runtime then finalizes its exception holder and
    /// raises <see cref="TaskScheduler.UnobservedTaskException"/>, which marks the suspect. That mark does not depend on
    /// when a collection happens, so neither does the verdict.
    /// </summary>
    private void Suspect(NodeRecord node, Task box, long eventIndex)
    {
        var suspect = new SuspectTask(node.Index, node.Context, eventIndex, _loop.Now, new WeakReference<Task>(box), AsyncInternals.PeekException(box));
        _suspects.Add(suspect);
        if (suspect.Exception is { } ex)
        {
            List<SuspectTask> sharing = SuspectsByException.GetOrAdd(ex, static _ => []);
            lock (sharing)
            {
                sharing.Add(suspect); // one exception object may fault tasks of several simulations (a static instance)
            }
        }

        EnsureUnobservedHandler();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Exception, List<SuspectTask>> SuspectsByException = [];

    private static int _unobservedHandler;

    private static void EnsureUnobservedHandler()
    {
        if (Interlocked.Exchange(ref _unobservedHandler, 1) == 0)
        {
            TaskScheduler.UnobservedTaskException += OnUnobserved;
            AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        }
    }

    /// <summary>The runtime finalized a faulted task nobody observed (finalizer thread: only flags and a queue, never a throw).</summary>
    private static void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        try
        {
            MarkUnobserved(e);
        }
        catch (Exception)
        {
            // the finalizer thread: never let an exception out
        }
    }

    private static void MarkUnobserved(UnobservedTaskExceptionEventArgs e)
    {
        bool ours = false;
        foreach (Exception inner in e.Exception.InnerExceptions)
        {
            if (SuspectsByException.TryGetValue(inner, out List<SuspectTask>? sharing))
            {
                lock (sharing)
                {
                    foreach (SuspectTask suspect in sharing)
                    {
                        // The task being finalized is no longer reachable through a weak reference; a suspect whose task
                        // still is (another task that faulted with the same exception object) is not the one reported.
                        if (!suspect.Task.TryGetTarget(out _))
                        {
                            suspect.Unobserved = true; // read after WaitForPendingFinalizers
                        }
                    }
                }

                ours = true;
            }
            else if (ThrownInNodeCode.TryGetValue(inner, out ThrownTag? tag))
            {
                LazyInitializer.EnsureInitialized(ref tag.Simulation._lost).Enqueue((tag, inner)); // from any thread: made once, atomically
                ours = true;
            }
        }

        if (ours)
        {
            e.SetObserved(); // reported as the simulation's failure instead
        }
    }

    /// <summary>Every exception thrown inside an async node's code is tagged with where it was thrown (it may end in a task nobody observes).</summary>
    private static void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        try
        {
            if (t_running is { _active: { Record.AsyncCode: true } context } simulation && !simulation.IsForeignThread(out _))
            {
                if (ThrownInNodeCode.TryAdd(e.Exception, new ThrownTag(simulation, context.NodeIndex, context.Incarnation, simulation._handlerEvent, simulation._loop.Now)))
                {
                    simulation._tagged.Add(e.Exception); // untagged when judged: a static exception object must not keep this simulation alive
                }
            }
        }
        catch (Exception)
        {
            // never let a diagnostic hook disturb the exception being thrown
        }
    }

    /// <summary>The simulation running on this thread (set for the duration of a run call).</summary>
    [ThreadStatic]
    private static Simulation? t_running;

    /// <summary>The simulation whose run call is in progress on the calling thread, if any.</summary>
    internal static Simulation? RunningOnThisThread => t_running;

    /// <summary>Whether a node's handler runs now (read on the simulation's thread).</summary>
    internal bool InNodeHandler => _running && _active is not null;

    /// <summary>
    /// Node code, inside a handler on the simulation's thread, started <paramref name="what"/> — a timer on the machine's
    /// clock or work on the thread pool (seen as it happened by <see cref="RuntimeEscapeListener"/>). The run fails after
    /// this event, named at it: every time, whether or not the timer fires or the work runs before the run ends. Outside
    /// node code (a <see cref="At(Time.SimTime, Action)"/> action, a link callback, between events) nothing is reported.
    /// </summary>
    internal void ReportRuntimeEscape(string what)
    {
        if (_active is not { } context || IsForeignThread(out _) || !_running)
        {
            return;
        }

        var ex = new InvalidOperationException(
            $"node {context.Name}'s code {what}: that runs on the wall clock or another thread, not on the simulation's thread, so the run " +
            "would depend on the machine's timing (or never see it happen). The run is failed. Use Context.TimeProvider for delays, " +
            "timeouts and timers, and await without ConfigureAwait(false); do not start threads or thread-pool work in node code.");
        Interlocked.CompareExchange(ref _pending, new PendingFailure(ex, context.Name, "node code that started work outside the simulation", _handlerEvent, _loop.Now), null);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Exception, ThrownTag> ThrownInNodeCode = [];

    private System.Collections.Concurrent.ConcurrentQueue<(ThrownTag Tag, Exception Exception)>? _lost; // made on the first loss: most simulations have none

    private readonly List<Exception> _tagged = [];

    /// <summary>Where an exception was first thrown in async node code.</summary>
    private sealed record ThrownTag(Simulation Simulation, int Node, int Incarnation, long EventIndex, long Time);

    /// <summary>Whether async node code threw during this run call (then its end checks for exceptions dropped unobserved).</summary>
    private bool ThrewInAsyncCode => _tagged.Count > 0 || _lost is { IsEmpty: false } || _suspects.Count > 0;

    /// <summary>
    /// Judges, at the end of a run call, every task of async node code that faulted while nothing awaited it (a suspect),
    /// and every exception thrown in async node code that may have ended in a dropped task. One collection first: a task
    /// that became unreachable with its exception unobserved is then reported by the runtime. A suspect still reachable is
    /// judged by whether its exception was observed. Either way an unobserved one fails the run, reported at the event
    /// where it faulted — the same verdict whether or not the task was still reachable, so neither the collector's timing
    /// nor the compiler's choice of what a state machine keeps can change it. The earliest such event wins.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void JudgeDroppedTasks()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        (long EventIndex, long Time, int Node, int Incarnation, Exception Exception, string What)? first = null;
        void Consider(long eventIndex, long time, int node, int incarnation, Exception ex, string what)
        {
            if (incarnation == _nodes[node].Incarnation && (first is null || eventIndex < first.Value.EventIndex))
            {
                first = (eventIndex, time, node, incarnation, ex, what); // a crashed incarnation's tasks were abandoned, not lost
            }
        }

        foreach (SuspectTask suspect in _suspects)
        {
            bool lost = Volatile.Read(ref suspect.Unobserved)
                || (suspect.Task.TryGetTarget(out Task? task) && !AsyncInternals.IsHandled(task));
            if (lost)
            {
                Consider(suspect.EventIndex, suspect.Time, suspect.Node, suspect.Context.Incarnation, suspect.Exception ?? new InvalidOperationException("a task of the node faulted"),
                    "a fire-and-forget task of the node failed, and nothing observed its exception by the end of the run (use Spawn, or await it)");
            }
        }

        foreach (Exception ex in _tagged)
        {
            if (ThrownInNodeCode.TryGetValue(ex, out ThrownTag? tag) && ReferenceEquals(tag.Simulation, this))
            {
                ThrownInNodeCode.Remove(ex);
            }
        }

        _tagged.Clear();
        foreach (SuspectTask suspect in _suspects)
        {
            if (suspect.Exception is { } ex && SuspectsByException.TryGetValue(ex, out List<SuspectTask>? sharing))
            {
                lock (sharing)
                {
                    sharing.Remove(suspect); // a static exception object must not keep judged simulations alive
                }
            }
        }

        _suspects.Clear();
        while (_lost is not null && _lost.TryDequeue(out (ThrownTag Tag, Exception Exception) dropped))
        {
            Consider(dropped.Tag.EventIndex, dropped.Tag.Time, dropped.Tag.Node, dropped.Tag.Incarnation, dropped.Exception,
                "a task of the node failed and was dropped unobserved (a fire-and-forget task that threw before its first await, or failed inline): nothing can await it any more (use Spawn, or await it)");
        }

        if (_failure is null && first is { } f)
        {
            FailNode(f.Node, f.Time, f.EventIndex, f.What, f.Exception);
        }
    }


    private sealed class SuspectTask(int node, NodeContext context, long eventIndex, long time, WeakReference<Task> task, Exception? exception)
    {
        public int Node => node;

        public NodeContext Context => context;

        public long EventIndex => eventIndex;

        public long Time => time;

        public WeakReference<Task> Task => task;

        public Exception? Exception => exception;

        /// <summary>Set on the finalizer thread when the runtime reports the task's exception unobserved.</summary>
        public bool Unobserved;
    }

    /// <summary>A queued continuation: the callback and state its synchronization context was given.</summary>
    private sealed record Continuation(SendOrPostCallback Callback, object? State);
}
