using DistSim.Checking;
using DistSim.Nodes;
using DistSim.Samples.Kv;

namespace DistSim.Samples.Paxos;

/// <summary>
/// A client of the replicated store (<see cref="LeaderKvClient"/>) speaking Multi-Paxos' client messages: a
/// <see cref="ClientRequest"/> to the replica it believes leads, answered by a <see cref="ClientReply"/> or redirected by
/// a <see cref="NotLeader"/>; it tries the next replica after 150 ms without an answer.
/// </summary>
/// <param name="index">The client's number (values it writes are unique: <c>c&lt;index&gt;-&lt;op&gt;</c>).</param>
/// <param name="replicas">Every replica, by index.</param>
/// <param name="operations">How many operations to run.</param>
/// <param name="keys">How many keys (<c>k0</c>…).</param>
/// <param name="history">Where operations are logged, with true virtual time.</param>
public sealed class PaxosClient(int index, IReadOnlyList<NodeId> replicas, int operations, int keys, History<KvInput, string?> history)
    : LeaderKvClient(index, replicas, operations, keys, TimeSpan.FromMilliseconds(150), history)
{
    /// <inheritdoc />
    protected override object Request(long seq, KvInput input) => new ClientRequest(seq, input);

    /// <inheritdoc />
    protected override bool IsReply(object message, out long seq, out string? output)
    {
        (seq, output) = message is ClientReply r ? (r.Seq, r.Output) : (0, null);
        return message is ClientReply;
    }

    /// <inheritdoc />
    protected override bool IsRedirect(object message, out long seq, out int leader)
    {
        (seq, leader) = message is NotLeader n ? (n.Seq, n.Leader) : (0, -1);
        return message is NotLeader;
    }
}
