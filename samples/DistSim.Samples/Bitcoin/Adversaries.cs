using DistSim.Nodes;

namespace DistSim.Samples.Bitcoin;

/// <summary>
/// Eyal and Sirer's selfish pool (Algorithm 1 of "Majority is not enough", 2014). It mines on its private branch and
/// keeps the blocks it finds; its lead is its branch's height minus the height of the best block others have shown it.
/// When others find a block: lead now below 0 → it adopts their chain; lead 0 (it was 1) → it publishes its block and
/// the network races (state 0′); lead 1 (it was 2) → it publishes all and wins; lead above 1 → it publishes its blocks up
/// to the others' height. When it finds a block in state 0′ it publishes at once and wins the race.
/// </summary>
/// <param name="index">The pool's index.</param>
/// <param name="share">α, its hash share.</param>
/// <param name="ledger">The run's observer.</param>
/// <param name="peers">The honest miners.</param>
public sealed class SelfishPool(int index, double share, Ledger ledger, IReadOnlyList<NodeId> peers) : ChainNode(index, share, ledger, peers)
{
    private readonly List<Block> _private = [];
    private int _publicHeight;
    private bool _racing;

    /// <summary>Blocks found and not yet published.</summary>
    public IReadOnlyList<Block> Private => _private;

    /// <inheritdoc />
    protected override void Found(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _private.Add(block);
        SwitchTo(block);
        if (_racing)
        {
            _racing = false;
            Publish("win-race", _private.Count);
        }
        else
        {
            Ledger.Withheld++;
        }
    }

    /// <inheritdoc />
    protected override void Received(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Height <= _publicHeight)
        {
            return; // not ahead of what the others had shown: changes nothing
        }

        _publicHeight = block.Height;
        _racing = false;
        int lead = Tip.Height - block.Height;
        if (lead < 0)
        {
            _private.Clear();
            SwitchTo(block);
        }
        else if (lead == 0)
        {
            _racing = true;
            Publish("tie", _private.Count);
        }
        else if (lead == 1)
        {
            Publish("override", _private.Count);
        }
        else
        {
            Publish("release", _private.Count(b => b.Height <= block.Height));
        }
    }

    private void Publish(string state, int count)
    {
        if (count == 0)
        {
            return; // already public (e.g. a tie with the block it published to override)
        }

        var blocks = _private.GetRange(0, count);
        _private.RemoveRange(0, count);
        Ledger.Publications.Add(new Publication(LocalNow, state, blocks, _publicHeight));
        blocks.ForEach(Broadcast);
    }
}

/// <summary>
/// The double-spending attacker (whitepaper §11): from the start it mines privately on the genesis, the parent of the
/// block that carries the payment (every honest block at height 1 does), a chain with the conflicting transaction. It
/// publishes as soon as the honest chain has <paramref name="confirmations"/> blocks (the merchant has delivered) and its
/// own chain is strictly longer — with the first-seen rule honest miners only reorganise to a longer chain. It gives up
/// when <paramref name="giveUp"/> blocks behind. Either ends the run.
/// </summary>
/// <param name="index">The attacker's index.</param>
/// <param name="share">q, its hash share.</param>
/// <param name="ledger">The run's observer.</param>
/// <param name="peers">The honest miners.</param>
/// <param name="confirmations">z: the merchant waits for the payment's block and z − 1 more.</param>
/// <param name="giveUp">The deficit at which it stops.</param>
public sealed class DoubleSpender(int index, double share, Ledger ledger, IReadOnlyList<NodeId> peers, int confirmations, int giveUp)
    : ChainNode(index, share, ledger, peers)
{
    private readonly List<Block> _private = [];
    private int _honestHeight;

    /// <summary>True once it published its chain.</summary>
    public bool Published { get; private set; }

    /// <summary>True once it gave up.</summary>
    public bool GaveUp { get; private set; }

    /// <inheritdoc />
    protected override void Found(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _private.Add(block);
        Ledger.Withheld++;
        SwitchTo(block);
        Decide();
    }

    /// <inheritdoc />
    protected override void Received(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _honestHeight = Math.Max(_honestHeight, block.Height);
        Decide();
    }

    private void Decide()
    {
        if (Published || GaveUp)
        {
            return;
        }

        if (_honestHeight >= confirmations && Tip.Height > _honestHeight)
        {
            Published = true;
            Ledger.Publications.Add(new Publication(LocalNow, "attack", [.. _private], _honestHeight));
            _private.ForEach(Broadcast);
            Ledger.Finish();
        }
        else if (_honestHeight - Tip.Height >= giveUp)
        {
            GaveUp = true;
            Ledger.Finish();
        }
    }
}
