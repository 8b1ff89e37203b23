using DistSim.Checking;
using DistSim.Nodes;
using DistSim.Samples.Kv;

namespace DistSim.Samples.RaftKv;

/// <summary>
/// A client of the Raft key-value store (<see cref="LeaderKvClient"/>) speaking its client messages: a
/// <see cref="KvRequest"/> to the server it believes leads, answered by a <see cref="KvReply"/> or redirected by a
/// <see cref="KvRedirect"/>; it tries the next server after <paramref name="timeout"/> (2E, at least 150 ms) without an
/// answer.
/// </summary>
/// <param name="index">The client's number (values it writes are <c>c&lt;index&gt;-&lt;seq&gt;</c>).</param>
/// <param name="servers">Every server, by index.</param>
/// <param name="operations">How many operations to run.</param>
/// <param name="keys">How many keys (<c>k0</c>…).</param>
/// <param name="timeout">How long to wait for an answer before trying the next server.</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
public sealed class RaftKvClient(int index, IReadOnlyList<NodeId> servers, int operations, int keys, TimeSpan timeout, History<KvInput, string?> history)
    : LeaderKvClient(index, servers, operations, keys, timeout, history)
{
    /// <inheritdoc />
    protected override object Request(long seq, KvInput input) => new KvRequest(seq, input);

    /// <inheritdoc />
    protected override bool IsReply(object message, out long seq, out string? output)
    {
        (seq, output) = message is KvReply r ? (r.Seq, r.Output) : (0, null);
        return message is KvReply;
    }

    /// <inheritdoc />
    protected override bool IsRedirect(object message, out long seq, out int leader)
    {
        (seq, leader) = message is KvRedirect n ? (n.Seq, n.Leader) : (0, -1);
        return message is KvRedirect;
    }
}
