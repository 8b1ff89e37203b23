namespace DistSim.Samples.Bench;

/// <summary>
/// The bare baseline of ring and all-to-all over the fair-loss link: a <see cref="PriorityQueue{TElement, TPriority}"/>
/// of (receiver, token) keyed by (time, sequence). It pushes one start entry per node at time 0; each pop of a start
/// entry, and each pop of a token (a delivery), sends a new token one hop further (while the budget of D lasts): a
/// random peer drawn inline for all-to-all, an exponential delay drawn inline, one push. One pop and one push per
/// delivery, one token allocated per message as the DistSim nodes do; no per-pair state (a fair-loss link has none).
/// </summary>
/// <param name="allToAll">True for random peers, false for the ring.</param>
/// <param name="nodes">K.</param>
/// <param name="messages">D.</param>
/// <param name="seed">The master seed.</param>
public sealed class BareFairLoss(bool allToAll, int nodes, long messages, ulong seed) : BareMessageLoop(allToAll, nodes, messages, seed)
{
    private readonly PriorityQueue<(int To, Token? Token), BareKey> _queue = new(nodes);
    private long _now;

    /// <inheritdoc />
    public override void Run()
    {
        for (int i = 0; i < Nodes; i++)
        {
            _queue.Enqueue((i, null), new BareKey(0, Sequence++));
        }

        Counts.Pushes = Nodes;
        while (Chunk())
        {
        }

        Counts.EndTime = _now;
    }

    private bool Chunk()
    {
        PriorityQueue<(int To, Token? Token), BareKey> queue = _queue;
        for (int e = 0; e < ChunkSize; e++)
        {
            if (!queue.TryDequeue(out (int To, Token? Token) entry, out BareKey key))
            {
                return false;
            }

            _now = key.Time;
            Counts.Pops++;
            int hop = 0;
            if (entry.Token is { } token)
            {
                Counts.Deliveries++;
                hop = token.Hop + 1;
            }

            if (TryTake())
            {
                int to = Peer(entry.To);
                queue.Enqueue((to, new Token(hop)), Arrival(_now, entry.To));
                Counts.Pushes++;
                Counts.DataPackets++;
            }
        }

        return true;
    }
}
