using DistSim.Nodes;

namespace DistSim.Samples.Bitcoin;

/// <summary>
/// What every miner shares: the blocks it knows (a block whose parent it has not seen waits until the parent arrives),
/// its tip, and proof of work as a memoryless search. A miner with hash share s finds a block after an exponential time
/// of mean T/s (T = 600 s), drawn from its own random stream by the inverse CDF; whenever its tip changes it draws
/// again (memorylessness makes that exact: the time already spent is worth nothing).
/// </summary>
/// <param name="index">The miner's index (its node id's value).</param>
/// <param name="share">Its share of the network's hash power, in (0, 1].</param>
/// <param name="ledger">The run's observer and block store.</param>
/// <param name="peers">The other miners, to send blocks to.</param>
public abstract class ChainNode(int index, double share, Ledger ledger, IReadOnlyList<NodeId> peers) : Node
{
    private readonly List<bool> _known = [true];
    private readonly Dictionary<int, List<Block>> _waiting = [];
    private TimerId? _search;

    /// <summary>The miner's index.</summary>
    public int Index => index;

    /// <summary>Its share of the hash power.</summary>
    public double Share => share;

    /// <summary>The block it mines on.</summary>
    public Block Tip { get; private set; } = ledger.Genesis;

    /// <summary>The run's observer and block store.</summary>
    protected Ledger Ledger => ledger;

    /// <inheritdoc />
    public override void OnStart() => Search();

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        _search = null;
        if (ledger.Done)
        {
            return;
        }

        Block block = ledger.Mine(Tip, index, LocalNow);
        Learn(block);
        Found(block);
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is not Block block || Knows(block.Id))
        {
            return;
        }

        if (!Knows(block.Parent))
        {
            if (!_waiting.TryGetValue(block.Parent, out List<Block>? list))
            {
                _waiting[block.Parent] = list = [];
            }

            list.Add(block);
            return;
        }

        var ready = new Queue<Block>([block]);
        while (ready.TryDequeue(out Block? next))
        {
            Learn(next);
            Received(next);
            if (_waiting.Remove(next.Id, out List<Block>? children))
            {
                children.ForEach(ready.Enqueue);
            }
        }
    }

    /// <summary>It found <paramref name="block"/> on its tip.</summary>
    /// <param name="block">The new block.</param>
    protected abstract void Found(Block block);

    /// <summary>It learned another miner's <paramref name="block"/>, whose parent it knows.</summary>
    /// <param name="block">The block.</param>
    protected abstract void Received(Block block);

    /// <summary>Sends <paramref name="block"/> to every other miner.</summary>
    /// <param name="block">The block.</param>
    protected void Broadcast(Block block)
    {
        foreach (NodeId peer in peers)
        {
            Send(peer, block);
        }
    }

    /// <summary>Mines on <paramref name="block"/> from now on (a fresh search), recording a reorganisation if it does not extend the tip.</summary>
    /// <param name="block">The new tip.</param>
    protected void SwitchTo(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Parent != Tip.Id && block.Id != Tip.Id)
        {
            Block ancestor = ledger.CommonAncestor(Tip, block);
            ledger.Reorgs.Add(new Reorg(index, LocalNow, Tip, block, Tip.Height - ancestor.Height));
        }

        Tip = block;
        Search();
    }

    /// <summary>Starts a fresh search for a block on the tip (cancelling the one under way); none once the run is done.</summary>
    protected void Search()
    {
        if (_search is { } running)
        {
            CancelTimer(running);
            _search = null;
        }

        if (ledger.Done)
        {
            return;
        }

        // Inverse CDF of the exponential, one draw, rounded to ticks at once.
        double mean = BitcoinTheory.BlockInterval.Ticks / share;
        long ticks = (long)Math.Round(-Math.Log(Random.NextOpenUnitDouble()) * mean);
        _search = SetTimer(TimeSpan.FromTicks(Math.Max(1, ticks)));
    }

    private bool Knows(int id) => id >= 0 && id < _known.Count && _known[id];

    private void Learn(Block block)
    {
        while (_known.Count <= block.Id)
        {
            _known.Add(false);
        }

        _known[block.Id] = true;
    }
}

/// <summary>
/// An honest miner: publishes every block at once and mines on the chain with the most work (the highest), keeping the
/// block it saw first on a tie — except, with <paramref name="gamma"/> set, on a tie between the selfish pool's block and
/// an honest one, where it mines on the pool's with chance γ (Eyal and Sirer's γ, modelled explicitly: one draw from its
/// stream per tie).
/// </summary>
/// <param name="index">The miner's index.</param>
/// <param name="share">Its hash share.</param>
/// <param name="ledger">The run's observer.</param>
/// <param name="peers">The other miners.</param>
/// <param name="pool">The selfish pool's index, or -1 when there is none.</param>
/// <param name="gamma">γ: the chance of taking the pool's side of a tie.</param>
public sealed class HonestMiner(int index, double share, Ledger ledger, IReadOnlyList<NodeId> peers, int pool = -1, double gamma = 0)
    : ChainNode(index, share, ledger, peers)
{
    // Integers decide: γ as a threshold on one 64-bit draw.
    private readonly ulong _poolSide = gamma >= 1 ? ulong.MaxValue : (ulong)(Math.Clamp(gamma, 0, 1) * 18446744073709551616.0);
    private int _tieHeight = -1;

    /// <inheritdoc />
    protected override void Found(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        SwitchTo(block);
        Broadcast(block);
    }

    /// <inheritdoc />
    protected override void Received(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Height > Tip.Height)
        {
            SwitchTo(block);
            return;
        }

        if (block.Height < Tip.Height || block.Id == Tip.Id)
        {
            return;
        }

        Ledger.Ties++;
        bool poolTie = pool >= 0 && (block.Miner == pool) != (Tip.Miner == pool) && _tieHeight != block.Height;
        if (poolTie)
        {
            _tieHeight = block.Height;
            bool takePool = Random.NextUInt64() < _poolSide || gamma >= 1;
            if (takePool == (block.Miner == pool))
            {
                SwitchTo(block);
            }
        }

        // Otherwise first seen: keep the tip.
    }
}
