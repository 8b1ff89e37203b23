using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.RaftKv;

/// <summary>
/// A client of the Raft key-value store: runs <c>operations</c> operations one after another (gets and puts, half each,
/// on <c>keys</c> keys, every value written unique), each sent to the server it believes leads; a redirect follows the
/// hint, a timeout (2E, at least 150 ms) tries the next server with the same request number (the state machine applies
/// it once). Each operation is logged in <c>history</c>; one still unanswered when the run ends stays open.
/// </summary>
/// <param name="index">The client's number (values it writes are <c>c&lt;index&gt;-&lt;seq&gt;</c>).</param>
/// <param name="servers">Every server, by index.</param>
/// <param name="operations">How many operations to run.</param>
/// <param name="keys">How many keys (<c>k0</c>…).</param>
/// <param name="timeout">How long to wait for an answer before trying the next server.</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
/// <remarks>
/// One retry timer is pending at a time: a send (first try, retry, or a redirect's) cancels the previous one, and an
/// answer cancels it. Left to fire, the timers of earlier sends would each start a retry of their own, and while no leader
/// answers a client's retries would multiply with every redirect.
/// </remarks>
public sealed class RaftKvClient(int index, IReadOnlyList<NodeId> servers, int operations, int keys, TimeSpan timeout, History<KvInput, string?> history) : Node
{
    private TimerId? _timer;
    private long _seq;
    private int _target;
    private KvInput? _input;
    private OperationId _id;

    /// <summary>Operations completed.</summary>
    public int Completed { get; private set; }

    /// <summary>Requests sent again after a timeout or a redirect.</summary>
    public int Retries { get; private set; }

    /// <inheritdoc />
    public override void OnStart() => SetTimer(Think());

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (state is long seq)
        {
            if (seq == _seq && _input is not null)
            {
                _target = (_target + 1) % servers.Count; // no answer: try the next server
                Retries++;
                SendRequest();
            }

            return;
        }

        _seq++;
        string key = Invariant($"k{Random.NextBelow((ulong)keys)}");
        _input = Random.NextBelow(2) == 0 ? new KvInput(KvOperation.Get, key, string.Empty) : new KvInput(KvOperation.Put, key, Invariant($"c{index}-{_seq}"));
        _id = history.Invoke(Context.Id, _input);
        SendRequest();
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case KvReply r when r.Seq == _seq && _input is not null:
                history.Ok(_id, r.Output ?? string.Empty);
                _input = null;
                StopRetryTimer();
                if (++Completed < operations)
                {
                    SetTimer(Think());
                }

                break;
            case KvRedirect n when n.Seq == _seq && _input is not null && n.Leader >= 0 && n.Leader != _target:
                _target = n.Leader;
                Retries++;
                SendRequest();
                break;
        }
    }

    private void SendRequest()
    {
        StopRetryTimer();
        Send(servers[_target], new KvRequest(_seq, _input!));
        _timer = SetTimer(timeout, _seq);
    }

    private void StopRetryTimer()
    {
        if (_timer is { } pending)
        {
            CancelTimer(pending);
            _timer = null;
        }
    }

    private TimeSpan Think() => TimeSpan.FromMilliseconds(1 + Random.NextBelow(20));
}
