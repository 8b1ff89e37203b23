using System.Runtime.CompilerServices;

namespace DistSim.Samples.Bench;

/// <summary>
/// What the bare baselines of the ring and all-to-all workloads share: one inline xoshiro256** per node, the send
/// budget (D messages), the choice of the next node or of a random peer, and the packet delay −ln(u)·1 ms drawn from
/// the sending node's generator.
/// </summary>
public abstract class BareMessageLoop : BareLoop
{
    private readonly bool _allToAll;
    private readonly double _mean = BenchWorkload.MeanDelay.Ticks;
    private long _budget;

    /// <summary>Sets up K generators and a budget of D messages.</summary>
    /// <param name="allToAll">True for random peers, false for the ring.</param>
    /// <param name="nodes">K.</param>
    /// <param name="messages">D.</param>
    /// <param name="seed">The master seed.</param>
    protected BareMessageLoop(bool allToAll, int nodes, long messages, ulong seed)
    {
        _allToAll = allToAll;
        Nodes = nodes;
        _budget = messages;
        Random = TimerWorkload.CreateRandom(nodes, seed);
    }

    /// <summary>K.</summary>
    protected int Nodes { get; }

    /// <summary>One generator per node.</summary>
    protected BareRandom[] Random { get; }

    /// <summary>The next insertion sequence of the queue.</summary>
    protected long Sequence { get; set; }

    /// <summary>Takes one message from the budget; false when none is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected bool TryTake()
    {
        if (_budget == 0)
        {
            return false;
        }

        _budget--;
        return true;
    }

    /// <summary>Where <paramref name="from"/> sends: its next node (ring), or a uniformly random other node drawn from its generator.</summary>
    /// <param name="from">The sending node.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected int Peer(int from)
    {
        if (!_allToAll)
        {
            return from + 1 == Nodes ? 0 : from + 1;
        }

        int peer = Random[from].NextBelow(Nodes - 1);
        return peer >= from ? peer + 1 : peer;
    }

    /// <summary>A packet's key: now plus an exponential delay drawn from <paramref name="from"/>'s generator, and the next sequence.</summary>
    /// <param name="now">The current virtual time, in ticks.</param>
    /// <param name="from">The node that puts the packet on the wire.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected BareKey Arrival(long now, int from) => new(now + Random[from].ExponentialTicks(_mean), Sequence++);
}
