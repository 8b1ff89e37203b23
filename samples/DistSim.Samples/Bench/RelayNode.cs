using DistSim.Nodes;

namespace DistSim.Samples.Bench;

/// <summary>
/// A node of the ring and all-to-all workloads: on start it sends a <see cref="Token"/>, and on every delivery it
/// sends a new token one hop further, to its next node (<paramref name="next"/> ≥ 0) or to a uniformly random peer
/// other than itself drawn from its own stream (<paramref name="next"/> = −1); while the run's budget lasts.
/// </summary>
/// <param name="budget">The run's send budget (one per simulation, shared by its nodes: the only shared state).</param>
/// <param name="next">The next node's index, or −1 for a random peer.</param>
/// <param name="nodes">K, the number of nodes.</param>
public sealed class RelayNode(SendBudget budget, int next, int nodes) : Node
{
    /// <inheritdoc />
    public override void OnStart() => Forward(0);

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message) => Forward(((Token)message).Hop + 1);

    private void Forward(int hop)
    {
        if (budget.TryTake())
        {
            Send(new NodeId(next >= 0 ? next : RandomPeer()), new Token(hop));
        }
    }

    private int RandomPeer()
    {
        int peer = (int)Random.NextBelow((ulong)(nodes - 1));
        return peer >= Id.Value ? peer + 1 : peer;
    }
}

/// <summary>
/// How many messages a run still may send: the ring and all-to-all workloads send exactly D messages, so with a
/// network that loses nothing the run delivers exactly D and then falls quiet. A device of the benchmark, one per
/// simulation; node code should not otherwise share state.
/// </summary>
/// <param name="messages">D.</param>
public sealed class SendBudget(long messages)
{
    /// <summary>Messages that may still be sent.</summary>
    public long Remaining { get; private set; } = messages;

    /// <summary>Takes one message from the budget; false when none is left.</summary>
    public bool TryTake()
    {
        if (Remaining == 0)
        {
            return false;
        }

        Remaining--;
        return true;
    }
}
