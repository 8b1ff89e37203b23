using DistSim.Time;

namespace DistSim.Nodes;

/// <summary>
/// A node whose handlers are <c>async</c>: override <see cref="OnStartAsync"/>, <see cref="OnMessageAsync"/>,
/// <see cref="OnTimerAsync"/> (and <see cref="OnRequestAsync"/> to answer <see cref="CallAsync{TReply}"/>), and
/// <c>await</c> freely — <see cref="Delay"/>, <c>Task.Yield()</c>, <c>Task.Delay(d, TimeProvider)</c>,
/// <c>new CancellationTokenSource(d, TimeProvider)</c>, <c>new PeriodicTimer(d, TimeProvider)</c>,
/// <c>Task.WhenAll</c>/<c>WhenAny</c>, <c>SemaphoreSlim.WaitAsync</c>, <c>Channel&lt;T&gt;</c> between the node's own
/// tasks, and calls to other nodes.
/// </summary>
/// <remarks>
/// <para>Every continuation runs as an event of this node, on the simulation's thread, in an order fixed by the seed:
/// the node's context is the <see cref="SynchronizationContext"/> its code runs under. Handlers of one node still
/// never run at the same time, but they interleave at their awaits, as in any single-threaded async server.</para>
/// <para>An exception that escapes a handler — before or after an await — fails the run like one from a synchronous
/// handler (seed, virtual time, node, event). So does an awaited continuation that tries to resume on another thread
/// (a wall-clock <c>Task.Delay</c>, <c>Task.Run</c>, <c>ConfigureAwait(false)</c>). A crash abandons every pending
/// continuation, timer and call of the incarnation: none of it resumes in a later one. See
/// <c>docs/concepts/async.md</c>.</para>
/// </remarks>
public abstract class AsyncNode : Node
{
    private readonly Dictionary<long, PendingCall> _calls = [];
    private long _lastCall;

    /// <summary>A <see cref="System.TimeProvider"/> on this node's clock whose timers are this node's timers.</summary>
    protected TimeProvider TimeProvider => Context.TimeProvider;

    /// <inheritdoc />
    public sealed override void OnStart() => Observe(OnStartAsync(), nameof(OnStartAsync));

    /// <inheritdoc />
    public sealed override void OnRecover() => Observe(OnRecoverAsync(), nameof(OnRecoverAsync));

    /// <inheritdoc />
    public sealed override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case RpcRequest request:
                Observe(AnswerAsync(from, request), nameof(OnRequestAsync));
                break;
            case RpcReply reply:
                Complete(from, reply);
                break;
            default:
                Observe(OnMessageAsync(from, message), nameof(OnMessageAsync));
                break;
        }
    }

    /// <inheritdoc />
    public sealed override void OnTimer(TimerId timer, object? state) => Observe(OnTimerAsync(timer, state), nameof(OnTimerAsync));

    /// <summary>The node starts (its first incarnation).</summary>
    protected virtual Task OnStartAsync() => Task.CompletedTask;

    /// <summary>The node starts again after a crash, on a new object; by default <see cref="OnStartAsync"/>.</summary>
    protected virtual Task OnRecoverAsync() => OnStartAsync();

    /// <summary>A message arrives (requests and replies of calls are handled apart: <see cref="OnRequestAsync"/>).</summary>
    /// <param name="from">The sender the network says it came from.</param>
    /// <param name="message">The payload.</param>
    protected virtual Task OnMessageAsync(NodeId from, object message) => Task.CompletedTask;

    /// <summary>A timer set with <see cref="Node.SetTimer"/> fires (the timers of <see cref="TimeProvider"/> run their own callbacks).</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="state">Its state.</param>
    protected virtual Task OnTimerAsync(TimerId timer, object? state) => Task.CompletedTask;

    /// <summary>
    /// Answers a <see cref="CallAsync{TReply}"/> from another node; may await. The value returned is the reply. Throw
    /// <see cref="RpcFaultException"/> to answer with an error (the caller gets an <see cref="RpcRemoteException"/>);
    /// any other exception is a bug of the node and fails the run. By default every request is answered with an error.
    /// </summary>
    /// <param name="from">The caller.</param>
    /// <param name="request">The request.</param>
    protected virtual Task<object?> OnRequestAsync(NodeId from, object request) =>
        throw new RpcFaultException($"node {Context.Name} does not answer requests (it does not override OnRequestAsync)");

    /// <summary>
    /// Starts <paramref name="work"/> as a background task of this node, watched: if it fails, the run fails (seed, time,
    /// node, event), as for a handler. The way to start work that nothing awaits; it dies with the incarnation.
    /// </summary>
    /// <param name="work">The work; it starts at once, inside the current handler, and continues at its awaits.</param>
    /// <param name="name">What to call it in a failure report.</param>
    protected void Spawn(Func<Task> work, string name = "background task")
    {
        ArgumentNullException.ThrowIfNull(work);
        Task task;
        try
        {
            task = work();
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }

        Observe(task, "Spawn(" + name + ")");
    }

    /// <summary>Waits <paramref name="delay"/> of this node's local time (a node timer).</summary>
    /// <param name="delay">At least zero.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    protected Task Delay(TimeSpan delay, CancellationToken cancellationToken = default) => Task.Delay(delay, TimeProvider, cancellationToken);

    /// <summary>
    /// Calls <paramref name="to"/>: sends <paramref name="request"/> (wrapped in an <see cref="RpcRequest"/> with a
    /// correlation id) over the pair's link and waits for the reply, at most <paramref name="timeout"/> of local time.
    /// </summary>
    /// <typeparam name="TReply">The type of the reply's value.</typeparam>
    /// <param name="to">The node that answers (<see cref="OnRequestAsync"/>).</param>
    /// <param name="request">The request; never null.</param>
    /// <param name="timeout">More than zero.</param>
    /// <param name="cancellationToken">Cancels the wait (the reply, if it comes, is then dropped as late).</param>
    /// <returns>The reply's value.</returns>
    /// <exception cref="RpcTimeoutException">No reply within <paramref name="timeout"/>; a reply that comes later is dropped and counted (<see cref="RpcCounters.LateReplies"/>).</exception>
    /// <exception cref="RpcRemoteException">The callee answered with an error.</exception>
    /// <exception cref="InvalidCastException">The reply's value is not a <typeparamref name="TReply"/>.</exception>
    protected async Task<TReply> CallAsync<TReply>(NodeId to, object request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be > 0");
        }

        cancellationToken.ThrowIfCancellationRequested(); // cancelled already: no request goes out, no call is counted
        long id = _lastCall + 1;
        Send(to, new RpcRequest(id, Context.Incarnation, request)); // first: it refuses a call from outside the node's handlers before anything changes
        _lastCall = id;
        var call = new PendingCall(this, id, to, request, timeout);
        _calls.Add(id, call);
        Counters.Calls++;
        call.Timer = SetTimer(timeout, call);
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static c => ((PendingCall)c!).Cancel(), call)
            : default;
        object? value = await call.Reply.Task;
        return value is TReply typed ? typed
            : value is null && default(TReply) is null ? default!
            : throw new InvalidCastException($"the reply of node {to} to {request.GetType().Name} is a {value?.GetType().Name ?? "null"}, not a {typeof(TReply).Name}");
    }

    private RpcCounters Counters => Kernel.Rpc;

    private NodeContext Kernel => KernelContext ?? throw new InvalidOperationException("the node is not attached to a simulation");

    private void Observe(Task task, string handler)
    {
        if (task is null)
        {
            throw new InvalidOperationException($"{GetType().Name}.{handler} returned null instead of a task");
        }

        if (KernelContext is { } kernel)
        {
            kernel.Record.Simulation.ObserveHandler(kernel, task, handler);
        }
        else if (task.IsCompleted)
        {
#pragma warning disable DSIM011 // the task is complete (checked above): this only rethrows its exception, it cannot block
            task.GetAwaiter().GetResult();
#pragma warning restore DSIM011
        }
    }

    private async Task AnswerAsync(NodeId from, RpcRequest request)
    {
        Counters.Requests++;
        object? value;
        try
        {
            value = await OnRequestAsync(from, request.Body);
        }
        catch (RpcFaultException fault)
        {
            Send(from, new RpcReply(request.CallId, request.CallerIncarnation, null, fault.Message));
            return;
        }

        Send(from, new RpcReply(request.CallId, request.CallerIncarnation, value, null));
    }

    private void Complete(NodeId from, RpcReply reply)
    {
        if (reply.CallerIncarnation != Context.Incarnation || !_calls.TryGetValue(reply.CallId, out PendingCall? call) || call.To != from)
        {
            Counters.LateReplies++; // timed out or cancelled already, or a reply to an earlier incarnation's call
            return;
        }

        call.Finish();
        if (reply.Error is { } error)
        {
            Counters.RemoteErrors++;
            call.Reply.TrySetException(new RpcRemoteException(from, call.Request, error));
        }
        else
        {
            Counters.Replies++;
            call.Reply.TrySetResult(reply.Value);
        }
    }

    /// <summary>A call waiting for its reply; also the state of its timeout timer.</summary>
    private sealed class PendingCall(AsyncNode node, long id, NodeId to, object request, TimeSpan timeout) : KernelTimerState
    {
        public TaskCompletionSource<object?> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public NodeId To => to;

        public object Request => request;

        public TimerId Timer { get; set; }

        /// <summary>The call ends (reply, timeout or cancellation): it leaves the table and its timer is cancelled.</summary>
        public void Finish()
        {
            node._calls.Remove(id);
            node.CancelTimer(Timer);
        }

        public void Cancel()
        {
            if (node.KernelContext is { } kernel && kernel.Record.Simulation.EscapedFrom(kernel))
            {
                return; // cancelled from another thread (a wall-clock token): reported; the call is left to its timeout
            }

            if (node._calls.ContainsKey(id))
            {
                Finish();
                Reply.TrySetCanceled();
            }
        }

        internal override void Fire(TimerId timer)
        {
            if (timer != Timer || !node._calls.Remove(id))
            {
                return;
            }

            node.Counters.TimedOut++;
            Reply.TrySetException(new RpcTimeoutException(to, request, timeout));
        }
    }
}
