using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.Byzantine;

/// <summary>
/// A PBFT client: runs its operations one after another (gets and puts, half each, every value written unique), each a
/// signed request with an increasing timestamp sent to the primary of the view it last heard of; it accepts a result
/// when f + 1 replicas (so at least one honest) sent matching signed replies. With no result within the timeout it
/// broadcasts the request to every replica (which relay it to the primary and start their view-change timers), and
/// again at every further timeout.
/// </summary>
/// <param name="replicas">n.</param>
/// <param name="operations">How many operations.</param>
/// <param name="keys">How many keys.</param>
/// <param name="timeout">How long to wait for f + 1 matching replies before broadcasting.</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
/// <param name="observer">Counts sends and rejections.</param>
public sealed class PbftClient(int replicas, int operations, int keys, TimeSpan timeout, History<KvInput, string?> history, PbftObserver observer) : Node
{
    private readonly SortedDictionary<int, string> _replies = [];
    private long _timestamp;
    private long _view;
    private PbftRequest? _request;
    private OperationId _id;

    /// <summary>Operations completed.</summary>
    public int Completed { get; private set; }

    /// <summary>Requests broadcast after a timeout.</summary>
    public int Retries { get; private set; }

    private int F => (replicas - 1) / 3;

    /// <inheritdoc />
    public override void OnStart() => SetTimer(Think());

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (state is long ts)
        {
            if (ts == _timestamp && _request is not null)
            {
                Retries++;
                for (int i = 0; i < replicas; i++)
                {
                    Send(new NodeId(i), _request);
                    observer.Sending(nameof(PbftRequest));
                }

                SetTimer(timeout, ts);
            }

            return;
        }

        _timestamp++;
        string key = Invariant($"k{Random.NextBelow((ulong)keys)}");
        KvInput input = Random.NextBelow(2) == 0 ? new KvInput(KvOperation.Get, key, string.Empty) : new KvInput(KvOperation.Put, key, Invariant($"{Context.Name}-{_timestamp}"));
        var request = new PbftRequest(Id.Value, _timestamp, input);
        _request = request with { Sig = Context.Sign(request) };
        _replies.Clear();
        _id = history.Invoke(Id, input);
        Send(new NodeId((int)(_view % replicas)), _request);
        observer.Sending(nameof(PbftRequest));
        SetTimer(timeout, _timestamp);
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is not PbftReply r)
        {
            return;
        }

        if (r.Replica != from.Value || r.Sig is not { } sig || sig.Signer != from || !Context.Verify(r.Unsigned(), sig))
        {
            observer.Reject(-1, nameof(PbftReply));
            return;
        }

        if (_request is null || r.Timestamp != _timestamp || r.Client != Id.Value)
        {
            return;
        }

        _view = Math.Max(_view, r.View);
        _replies[r.Replica] = r.Result;
        string? agreed = _replies.Values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() >= F + 1).Select(g => g.Key).FirstOrDefault();
        if (agreed is null)
        {
            return;
        }

        history.Ok(_id, agreed);
        _request = null;
        if (++Completed < operations)
        {
            SetTimer(Think());
        }
    }

    private static TimeSpan Think() => TimeSpan.FromMilliseconds(1);
}
