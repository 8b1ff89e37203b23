using DistSim.Time;

namespace DistSim.Samples.Bitcoin;

/// <summary>A block: the message miners send. Work per block is constant, so a chain's work is its height.</summary>
/// <param name="Id">Its number, in the order blocks were mined (the genesis is 0).</param>
/// <param name="Parent">The block it extends; -1 for the genesis.</param>
/// <param name="Height">Blocks between it and the genesis.</param>
/// <param name="Miner">The index of the miner that found it; -1 for the genesis.</param>
/// <param name="MinedAt">When it was found.</param>
public sealed record Block(int Id, int Parent, int Height, int Miner, SimTime MinedAt);

/// <summary>A node switched its tip to a block that does not extend it.</summary>
/// <param name="Miner">The node's miner index.</param>
/// <param name="At">When.</param>
/// <param name="From">The old tip.</param>
/// <param name="To">The new tip.</param>
/// <param name="Depth">Blocks of the old tip's chain abandoned (old tip height − common ancestor height).</param>
public sealed record Reorg(int Miner, SimTime At, Block From, Block To, int Depth);

/// <summary>The selfish pool or the attacker sent withheld blocks to the network.</summary>
/// <param name="At">When.</param>
/// <param name="State">Which rule published them: <c>tie</c> (lead 1, an honest block: race, state 0′), <c>override</c> (lead 2: publish all), <c>release</c> (lead above 2: publish up to the honest height), <c>win-race</c> (state 0′, the pool found a block), <c>attack</c> (the double-spender's chain is longer after z confirmations).</param>
/// <param name="Blocks">The blocks published, in order.</param>
/// <param name="PublicHeight">The highest honest block the publisher had seen.</param>
public sealed record Publication(SimTime At, string State, IReadOnlyList<Block> Blocks, int PublicHeight);

/// <summary>
/// The run's observer and block store, outside the nodes: assigns block numbers in the order blocks are found, keeps
/// every block (to read the final chain and the forks from), and the reorganisations, ties and publications the nodes
/// report. It also ends the run: once <see cref="Done"/> no miner starts another search. One per run; not thread-safe.
/// </summary>
/// <param name="blockLimit">The most blocks mined in the run.</param>
public sealed class Ledger(int blockLimit)
{
    private readonly List<Block> _blocks = [new Block(0, -1, 0, -1, SimTime.FromStart(TimeSpan.Zero))];

    /// <summary>Every block, indexed by id; the genesis first.</summary>
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>The genesis block.</summary>
    public Block Genesis => _blocks[0];

    /// <summary>Blocks mined (the genesis not counted).</summary>
    public int Mined => _blocks.Count - 1;

    /// <summary>True once the run has what it needs (<see cref="Mined"/> reached the limit, or the race is decided): miners stop.</summary>
    public bool Done { get; private set; }

    /// <summary>Reorganisations, in the order they happened.</summary>
    public List<Reorg> Reorgs { get; } = [];

    /// <summary>Ties seen: a node learned a block as high as its tip on another branch.</summary>
    public int Ties { get; set; }

    /// <summary>Publications of withheld blocks, in order.</summary>
    public List<Publication> Publications { get; } = [];

    /// <summary>Blocks the pool or the attacker kept to itself when it found them.</summary>
    public int Withheld { get; set; }

    /// <summary>Records a block found by <paramref name="miner"/> on <paramref name="parent"/> at <paramref name="at"/>.</summary>
    /// <param name="parent">The tip it extends.</param>
    /// <param name="miner">The miner's index.</param>
    /// <param name="at">When.</param>
    public Block Mine(Block parent, int miner, SimTime at)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var block = new Block(_blocks.Count, parent.Id, parent.Height + 1, miner, at);
        _blocks.Add(block);
        Done |= Mined >= blockLimit;
        return block;
    }

    /// <summary>Ends the run: no miner starts another search.</summary>
    public void Finish() => Done = true;

    /// <summary>The highest common ancestor of two blocks.</summary>
    /// <param name="a">One block.</param>
    /// <param name="b">The other.</param>
    public Block CommonAncestor(Block a, Block b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        while (a.Id != b.Id)
        {
            if (a.Height >= b.Height)
            {
                a = _blocks[a.Parent];
            }
            else
            {
                b = _blocks[b.Parent];
            }
        }

        return a;
    }

    /// <summary>The chain from the genesis to <paramref name="tip"/>: element h is the block at height h.</summary>
    /// <param name="tip">The chain's tip.</param>
    public Block[] Chain(Block tip)
    {
        ArgumentNullException.ThrowIfNull(tip);
        var chain = new Block[tip.Height + 1];
        for (Block b = tip; b.Parent >= 0; b = _blocks[b.Parent])
        {
            chain[b.Height] = b;
        }

        chain[0] = Genesis;
        return chain;
    }
}
