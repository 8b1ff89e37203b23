namespace DistSim;

/// <summary>
/// Vector clocks (Fidge, Mattern): each node ticks its own entry at every event; a message carries its
/// sender's clock; a delivery merges it (entry-wise maximum) before ticking. Kept by the simulator, so a
/// crash does not erase a node's clock: its history goes on.
/// </summary>
public sealed partial class Simulation
{
    private readonly bool _vectorClocks;
    private readonly Dictionary<long, long[]> _messageClocks = [];

    private long[] TickClock(int node)
    {
        long[] clock = ClockOf(node);
        clock[node]++;
        return (long[])clock.Clone();
    }

    internal long[] StampMessage(int node, long message)
    {
        long[] stamp = TickClock(node);
        _messageClocks[message] = stamp;
        return stamp;
    }

    internal long[] MergeMessage(int node, long message)
    {
        long[] clock = ClockOf(node);
        if (_messageClocks.TryGetValue(message, out long[]? stamp))
        {
            for (int i = 0; i < stamp.Length; i++)
            {
                clock[i] = Math.Max(clock[i], stamp[i]);
            }
        }

        return TickClock(node);
    }

    /// <summary>The node's clock, grown to the current number of nodes.</summary>
    private long[] ClockOf(int node)
    {
        NodeRecord record = _nodes[node];
        if (record.VectorClock.Length < _nodes.Count)
        {
            long[] grown = new long[_nodes.Count];
            record.VectorClock.CopyTo(grown, 0);
            record.VectorClock = grown;
        }

        return record.VectorClock;
    }
}
