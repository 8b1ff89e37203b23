namespace DistSim.Samples.Bitcoin;

/// <summary>What a sweep folds from one <c>bitcoin</c> run (and a shard writes).</summary>
/// <param name="Mined">Blocks mined.</param>
/// <param name="MainLength">Blocks in the final chain (the genesis not counted).</param>
/// <param name="Orphans">Blocks mined but not in the final chain.</param>
/// <param name="ForkHeights">Heights of the final chain at which another block branched off it (fork points).</param>
/// <param name="Reorgs">Reorganisations of any node.</param>
/// <param name="ReorgDepthMax">The deepest.</param>
/// <param name="Ties">Ties seen by honest nodes.</param>
/// <param name="Attack">Double spend: 1 the attacker's chain replaced the payment's, 0 it gave up, -1 undecided (the block limit came first); 0 otherwise.</param>
/// <param name="PoolBlocks">Selfish: the pool's blocks in the final chain.</param>
/// <param name="PoolPerBatch">Selfish: the pool's blocks in each full batch of <see cref="Batch"/> consecutive heights of the final chain (for batch-means intervals).</param>
/// <param name="Withheld">Blocks the adversary kept to itself when it found them.</param>
/// <param name="Publications">Publications by state, in the order tie, override, release, win-race, attack.</param>
public sealed record BitcoinRecord(
    int Mined, int MainLength, int Orphans, int ForkHeights, int Reorgs, int ReorgDepthMax, int Ties, int Attack, int PoolBlocks, int[] PoolPerBatch,
    int Withheld, int[] Publications)
{
    /// <summary>Heights per batch for the selfish pool's batch-means interval.</summary>
    public const int Batch = 100;

    /// <summary>The publication states, in the order of <see cref="Publications"/>.</summary>
    public static readonly string[] States = ["tie", "override", "release", "win-race", "attack"];

    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static BitcoinRecord Of(BitcoinRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Ledger ledger = r.Ledger;
        Block[] chain = r.FinalChain();
        var onChain = new bool[ledger.Blocks.Count];
        foreach (Block b in chain)
        {
            onChain[b.Id] = true;
        }

        var forkAt = new bool[chain.Length + 1];
        foreach (Block b in ledger.Blocks)
        {
            if (!onChain[b.Id] && onChain[b.Parent])
            {
                forkAt[b.Height] = true;
            }
        }

        int adversary = r.Options.Mode == BitcoinMode.Forks ? -1 : r.Options.Shares.Count;
        int main = chain.Length - 1;
        int[] batches = r.Options.Mode != BitcoinMode.Selfish ? [] :
            [.. Enumerable.Range(0, main / Batch).Select(k => chain.Skip(1 + (k * Batch)).Take(Batch).Count(b => b.Miner == adversary))];
        int attack = r.Adversary is DoubleSpender ds
            ? ds.Published && chain.Length > 1 && chain[1].Miner == adversary ? 1 : ds.GaveUp || ds.Published ? 0 : -1
            : 0;
        return new BitcoinRecord(
            ledger.Mined,
            main,
            ledger.Mined - main,
            forkAt.Count(f => f),
            ledger.Reorgs.Count,
            ledger.Reorgs.Count == 0 ? 0 : ledger.Reorgs.Max(x => x.Depth),
            ledger.Ties,
            attack,
            chain.Count(b => b.Miner == adversary && adversary >= 0),
            batches,
            ledger.Withheld,
            [.. States.Select(s => ledger.Publications.Count(p => p.State == s))]);
    }
}
