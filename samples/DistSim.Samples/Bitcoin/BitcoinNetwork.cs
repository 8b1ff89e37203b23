using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.Bitcoin;

/// <summary>Which experiment a <c>bitcoin</c> run is.</summary>
public enum BitcoinMode
{
    /// <summary>Honest miners only: the fork rate against the propagation delay.</summary>
    Forks,

    /// <summary>A double-spending attacker races the honest chain.</summary>
    DoubleSpend,

    /// <summary>A selfish pool (Eyal and Sirer).</summary>
    Selfish,
}

/// <summary>The options of a <c>bitcoin</c> run.</summary>
/// <param name="Mode">The experiment.</param>
/// <param name="Shares">The honest miners' hash shares (with the adversary's, if any, they sum to 1).</param>
/// <param name="Propagation">The delay of each block from its sender to each other miner (a one-hop, full-mesh network).</param>
/// <param name="Blocks">The most blocks mined in a run.</param>
/// <param name="Adversary">q (double spend) or α (selfish); 0 in fork mode.</param>
/// <param name="Confirmations">z: confirmations the merchant waits for (double spend).</param>
/// <param name="GiveUp">The deficit at which the attacker gives up (double spend).</param>
/// <param name="Gamma">γ (selfish).</param>
public sealed record BitcoinOptions(
    BitcoinMode Mode, IReadOnlyList<double> Shares, Delay Propagation, int Blocks, double Adversary = 0, int Confirmations = 6, int GiveUp = 50, double Gamma = 0)
{
    /// <summary>Every miner's share, the adversary last.</summary>
    public IReadOnlyList<double> AllShares => Mode == BitcoinMode.Forks ? Shares : [.. Shares, Adversary];

    /// <summary><paramref name="miners"/> equal honest shares of what the adversary leaves.</summary>
    /// <param name="miners">Honest miners.</param>
    /// <param name="adversary">The adversary's share (0 for none).</param>
    public static double[] EqualShares(int miners, double adversary) => [.. Enumerable.Repeat((1 - adversary) / miners, miners)];
}

/// <summary>One finished <c>bitcoin</c> run.</summary>
/// <param name="Simulation">The simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Ledger">Every block, reorganisation and publication.</param>
/// <param name="FinalTip">The tip of the final chain: honest miner 0's (the selfish pool's private tip if higher, as if published at the end).</param>
/// <param name="Options">The options.</param>
public sealed record BitcoinRun(Simulation Simulation, RunResult Run, Ledger Ledger, Block FinalTip, BitcoinOptions Options) : IScenarioRun
{
    /// <summary>The final chain: element h is its block at height h.</summary>
    public Block[] FinalChain() => Ledger.Chain(FinalTip);

    /// <summary>The adversary's node (the last miner), or null in fork mode.</summary>
    public ChainNode? Adversary => Options.Mode == BitcoinMode.Forks ? null : Simulation.GetNode<ChainNode>(new NodeId(Options.Shares.Count));
}

/// <summary>Builds and plays one <c>bitcoin</c> run: miners on a full mesh, each block sent to every other miner over the fair-loss network (no loss) with the propagation delay.</summary>
public static class BitcoinNetwork
{
    /// <summary>Plays one run.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The options.</param>
    /// <param name="settings">Tracing and limits.</param>
    public static BitcoinRun Play(ulong seed, BitcoinOptions options, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<double> shares = options.AllShares;
        BitcoinTheory.CheckShares(shares);
        var ledger = new Ledger(options.Blocks);
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { Delay = options.Propagation },
            TimeLimit = TimeSpan.FromTicks(BitcoinTheory.BlockInterval.Ticks * 4 * (options.Blocks + 100L)) + (options.Propagation.Maximum < TimeSpan.FromDays(1) ? options.Propagation.Maximum : TimeSpan.FromDays(1)),
        }));
        int n = shares.Count;
        NodeId[] ids = [.. Enumerable.Range(0, n).Select(i => new NodeId(i))];
        int adversary = options.Mode == BitcoinMode.Forks ? -1 : n - 1;
        for (int i = 0; i < n; i++)
        {
            int index = i;
            double share = shares[i];
            NodeId[] peers = [.. ids.Where(id => id.Value != index)];
            simulation.AddNode(index == adversary ? (options.Mode == BitcoinMode.Selfish ? "pool" : "attacker") : $"miner{index}", () =>
                index != adversary ? new HonestMiner(index, share, ledger, peers, options.Mode == BitcoinMode.Selfish ? adversary : -1, options.Gamma)
                : options.Mode == BitcoinMode.Selfish ? new SelfishPool(index, share, ledger, peers)
                : new DoubleSpender(index, share, ledger, peers, options.Confirmations, options.GiveUp));
        }

        RunResult run = simulation.Run();
        Block tip = simulation.GetNode<ChainNode>(ids[0]).Tip;
        if (options.Mode == BitcoinMode.Selfish && simulation.GetNode<ChainNode>(ids[adversary]).Tip is { } pool && pool.Height > tip.Height)
        {
            tip = pool;
        }

        return new BitcoinRun(simulation, run, ledger, tip, options);
    }
}
