using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.Abd;

/// <summary>A write's place in ABD's order: a counter, ties broken by the writer.</summary>
/// <param name="Counter">Larger is newer.</param>
/// <param name="Writer">The writing client's index.</param>
public readonly record struct Tag(long Counter, int Writer) : IComparable<Tag>
{
    /// <inheritdoc />
    public int CompareTo(Tag other) => Counter != other.Counter ? Counter.CompareTo(other.Counter) : Writer.CompareTo(other.Writer);

    /// <summary>Whether <paramref name="a"/> is newer than <paramref name="b"/>.</summary>
    public static bool operator >(Tag a, Tag b) => a.CompareTo(b) > 0;

    /// <summary>Whether <paramref name="a"/> is older than <paramref name="b"/>.</summary>
    public static bool operator <(Tag a, Tag b) => a.CompareTo(b) < 0;

    /// <summary>Whether <paramref name="a"/> is not older than <paramref name="b"/>.</summary>
    public static bool operator >=(Tag a, Tag b) => a.CompareTo(b) >= 0;

    /// <summary>Whether <paramref name="a"/> is not newer than <paramref name="b"/>.</summary>
    public static bool operator <=(Tag a, Tag b) => a.CompareTo(b) <= 0;
}

/// <summary>Phase 1: what do you hold? (<paramref name="Op"/> is the client's operation number.)</summary>
public sealed record Query(long Op);

/// <summary>A replica's answer to <see cref="Query"/>.</summary>
public sealed record QueryReply(long Op, Tag Tag, int Value);

/// <summary>Phase 2: keep this value if it is newer than yours.</summary>
public sealed record Store(long Op, Tag Tag, int Value);

/// <summary>A replica's answer to <see cref="Store"/>: it holds this tag or a newer one.</summary>
public sealed record StoreAck(long Op);

/// <summary>An ABD replica: holds the newest (tag, value) it has been told to store.</summary>
public sealed class AbdReplica : Node
{
    /// <summary>The tag of the value it holds.</summary>
    public Tag Tag { get; private set; }

    /// <summary>The value it holds (0 before any write).</summary>
    public int Value { get; private set; }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case Query q:
                Send(from, new QueryReply(q.Op, Tag, Value));
                break;
            case Store s:
                if (s.Tag > Tag)
                {
                    (Tag, Value) = (s.Tag, s.Value);
                }

                Send(from, new StoreAck(s.Op));
                break;
        }
    }
}

/// <summary>
/// An ABD client (Attiya, Bar-Noy, Dolev 1995): a linearizable register over a majority of replicas. Every operation
/// asks a majority for their (tag, value); a write then stores its value under a newer tag, a read stores the newest
/// (tag, value) it saw back — the <em>write-back</em> — before returning it. It runs <c>operations</c> operations one
/// after another and logs each in <c>history</c>.
/// </summary>
/// <param name="index">The client's number (tags' tie-breaker; history client id).</param>
/// <param name="replicas">Every replica.</param>
/// <param name="operations">How many operations to run.</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
/// <param name="writeBack">False plants the classic bug: a read returns without its write-back phase.</param>
public sealed class AbdClient(int index, IReadOnlyList<NodeId> replicas, int operations, History<RegisterInput<int>, int> history, bool writeBack = true) : Node
{
    private long _op;
    private bool _storing;
    private int _replies;
    private Tag _tag;
    private int _value;
    private RegisterInput<int>? _input;
    private OperationId _id;

    /// <summary>Operations completed.</summary>
    public int Completed { get; private set; }

    private int Majority => (replicas.Count / 2) + 1;

    /// <inheritdoc />
    public override void OnStart() => SetTimer(Think());

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        _op++;
        _input = Random.NextBelow(2) == 0 ? RegisterInput<int>.Read : RegisterInput<int>.Write((index * 1_000_000) + (int)_op);
        _id = history.Invoke(Context.Id, _input);
        (_storing, _replies, _tag, _value) = (false, 0, default, 0);
        Broadcast(new Query(_op));
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case QueryReply r when r.Op == _op && !_storing:
                if (_replies == 0 || r.Tag > _tag)
                {
                    (_tag, _value) = (r.Tag, r.Value);
                }

                if (++_replies == Majority)
                {
                    Phase2();
                }

                break;
            case StoreAck a when a.Op == _op && _storing && ++_replies == Majority:
                Finish(_input!.Kind == RegisterOperation.Write ? _input.Value : _value);
                break;
        }
    }

    private void Phase2()
    {
        if (_input!.Kind == RegisterOperation.Write)
        {
            (_tag, _value) = (new Tag(_tag.Counter + 1, index), _input.Value);
        }
        else if (!writeBack)
        {
            Finish(_value); // the bug: a later read may see an older value than this one returned
            return;
        }

        (_storing, _replies) = (true, 0);
        Broadcast(new Store(_op, _tag, _value));
    }

    private void Finish(int output)
    {
        history.Ok(_id, output);
        _input = null;
        if (++Completed < operations)
        {
            SetTimer(Think());
        }
    }

    private void Broadcast(object message)
    {
        foreach (NodeId replica in replicas)
        {
            Send(replica, message);
        }
    }

    private TimeSpan Think() => TimeSpan.FromMilliseconds(1 + Random.NextBelow(10));
}
