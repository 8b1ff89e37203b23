using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.Kv;

/// <summary>
/// A client of a leader-based replicated key-value store (the <c>paxos</c> and <c>raft</c> samples): runs
/// <c>operations</c> operations one after another (gets and puts, half each, on <c>keys</c> keys, every value written
/// unique: <c>c&lt;index&gt;-&lt;seq&gt;</c>), each sent to the server it believes leads; a redirect follows the hint, a
/// timeout tries the next server with the same request number (the servers apply it once). Each operation is logged in
/// <c>history</c>; one still unanswered when the run ends stays open (it may or may not have taken effect). A subclass
/// names the protocol's three messages.
/// </summary>
/// <remarks>
/// One retry timer is pending at a time: a send (first try, retry, or a redirect's) cancels the previous one, and an
/// answer cancels it. Left to fire, the timers of earlier sends would each start a retry of their own, and while no leader
/// answers a client's retries would multiply with every redirect.
/// </remarks>
/// <param name="index">The client's number.</param>
/// <param name="servers">Every server, by index.</param>
/// <param name="operations">How many operations to run.</param>
/// <param name="keys">How many keys (<c>k0</c>…).</param>
/// <param name="timeout">How long to wait for an answer before trying the next server.</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
public abstract class LeaderKvClient(int index, IReadOnlyList<NodeId> servers, int operations, int keys, TimeSpan timeout, History<KvInput, string?> history) : Node
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
        if (_input is null)
        {
            return;
        }

        if (IsReply(message, out long seq, out string? output) && seq == _seq)
        {
            history.Ok(_id, output ?? string.Empty);
            _input = null;
            StopRetryTimer();
            if (++Completed < operations)
            {
                SetTimer(Think());
            }
        }
        else if (IsRedirect(message, out seq, out int leader) && seq == _seq && leader >= 0 && leader != _target)
        {
            _target = leader;
            Retries++;
            SendRequest();
        }
    }

    /// <summary>The protocol's request for operation <paramref name="seq"/>.</summary>
    /// <param name="seq">The request number (the same on every retry of one operation).</param>
    /// <param name="input">The operation.</param>
    protected abstract object Request(long seq, KvInput input);

    /// <summary>Whether <paramref name="message"/> is the protocol's answer, and to which request.</summary>
    /// <param name="message">A message the client received.</param>
    /// <param name="seq">The request it answers.</param>
    /// <param name="output">The operation's output (a get's value, null for none).</param>
    protected abstract bool IsReply(object message, out long seq, out string? output);

    /// <summary>Whether <paramref name="message"/> says "not the leader, try this one".</summary>
    /// <param name="message">A message the client received.</param>
    /// <param name="seq">The request it refuses.</param>
    /// <param name="leader">The server the sender believes leads; negative when it does not know.</param>
    protected abstract bool IsRedirect(object message, out long seq, out int leader);

    private void SendRequest()
    {
        StopRetryTimer();
        Send(servers[_target], Request(_seq, _input!));
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
