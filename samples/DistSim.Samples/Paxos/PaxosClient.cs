using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.Paxos;

/// <summary>
/// A client of the replicated store: runs <c>operations</c> operations one after another (gets and puts, half each, on
/// <c>keys</c> keys), each sent to the replica it believes leads; a redirect follows the hint, a timeout tries the next
/// replica with the same operation number (the replicas apply it once). Each operation is logged in <c>history</c>; one
/// still unanswered when the run ends stays open (it may or may not have taken effect).
/// </summary>
/// <param name="index">The client's number (values it writes are unique: <c>c&lt;index&gt;-&lt;op&gt;</c>).</param>
/// <param name="replicas">Every replica, by index.</param>
/// <param name="operations">How many operations to run.</param>
/// <param name="keys">How many keys (<c>k0</c>…).</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
public sealed class PaxosClient(int index, IReadOnlyList<NodeId> replicas, int operations, int keys, History<KvInput, string?> history) : Node
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(150);
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
                _target = (_target + 1) % replicas.Count; // no answer: try the next replica
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
            case ClientReply r when r.Seq == _seq && _input is not null:
                history.Ok(_id, r.Output ?? string.Empty);
                _input = null;
                if (++Completed < operations)
                {
                    SetTimer(Think());
                }

                break;
            case NotLeader n when n.Seq == _seq && _input is not null && n.Leader >= 0 && n.Leader != _target:
                _target = n.Leader;
                Retries++;
                SendRequest();
                break;
        }
    }

    private void SendRequest()
    {
        Send(replicas[_target], new ClientRequest(_seq, _input!));
        SetTimer(Timeout, _seq);
    }

    private TimeSpan Think() => TimeSpan.FromMilliseconds(1 + Random.NextBelow(20));
}
