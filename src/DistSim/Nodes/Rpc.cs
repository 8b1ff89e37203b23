namespace DistSim.Nodes;

/// <summary>
/// A request of <see cref="AsyncNode.CallAsync{TReply}"/> on the wire: an ordinary message, sent over the pair's link
/// (lost, duplicated, delayed, tampered with like any other), visible in the trace.
/// </summary>
/// <param name="CallId">The caller's correlation id (unique within the caller's incarnation).</param>
/// <param name="CallerIncarnation">The caller's incarnation: a reply to an earlier incarnation's call is late, never a match.</param>
/// <param name="Body">The request itself.</param>
public sealed record RpcRequest(long CallId, int CallerIncarnation, object Body);

/// <summary>The reply to an <see cref="RpcRequest"/>: a value, or an error the callee chose to answer with.</summary>
/// <param name="CallId">The request's correlation id.</param>
/// <param name="CallerIncarnation">The request's caller incarnation.</param>
/// <param name="Value">The reply's value (null with an error).</param>
/// <param name="Error">The callee's error message (<see cref="RpcFaultException"/>), or null.</param>
public sealed record RpcReply(long CallId, int CallerIncarnation, object? Value, string? Error);

/// <summary>Counts of the calls made with <see cref="AsyncNode.CallAsync{TReply}"/> in a run. Not thread-safe; read between steps.</summary>
public sealed class RpcCounters
{
    /// <summary>Calls made.</summary>
    public long Calls { get; internal set; }

    /// <summary>Requests that reached a callee (a duplicated request counts twice: calls are not deduplicated).</summary>
    public long Requests { get; internal set; }

    /// <summary>Calls that got their value.</summary>
    public long Replies { get; internal set; }

    /// <summary>Calls answered with an error.</summary>
    public long RemoteErrors { get; internal set; }

    /// <summary>Calls that timed out.</summary>
    public long TimedOut { get; internal set; }

    /// <summary>Replies dropped: to a call that had timed out, was cancelled or already answered, or was made by an earlier incarnation.</summary>
    public long LateReplies { get; internal set; }
}

/// <summary>A call got no reply within its timeout.</summary>
public sealed class RpcTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for a call to <paramref name="peer"/>.</summary>
    /// <param name="peer">The callee.</param>
    /// <param name="request">The request.</param>
    /// <param name="timeout">The timeout that ran out.</param>
    public RpcTimeoutException(NodeId peer, object request, TimeSpan timeout)
        : base($"no reply from node {peer} to {request?.GetType().Name} within {timeout.TotalMilliseconds} ms")
    {
        Peer = peer;
        Request = request!;
        Timeout = timeout;
    }

    /// <summary>The callee.</summary>
    public NodeId Peer { get; }

    /// <summary>The request.</summary>
    public object Request { get; }

    /// <summary>The timeout that ran out.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>The callee answered a call with an error (it threw <see cref="RpcFaultException"/>).</summary>
public sealed class RpcRemoteException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="peer">The callee.</param>
    /// <param name="request">The request.</param>
    /// <param name="error">The callee's error message.</param>
    public RpcRemoteException(NodeId peer, object request, string error)
        : base($"node {peer} answered {request?.GetType().Name} with an error: {error}")
    {
        Peer = peer;
        Request = request!;
        Error = error;
    }

    /// <summary>The callee.</summary>
    public NodeId Peer { get; }

    /// <summary>The request.</summary>
    public object Request { get; }

    /// <summary>The callee's error message.</summary>
    public string Error { get; }
}

/// <summary>
/// Thrown by <see cref="AsyncNode.OnRequestAsync"/> to answer a call with an error instead of a value: the caller's
/// <see cref="AsyncNode.CallAsync{TReply}"/> throws an <see cref="RpcRemoteException"/> with this message. Any other
/// exception from a request handler is a bug of the node and fails the run.
/// </summary>
/// <param name="message">The error sent back.</param>
public sealed class RpcFaultException(string message) : Exception(message);
