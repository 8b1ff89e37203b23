using System.Globalization;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.Bitcoin;

/// <summary>
/// The <c>bitcoin</c> scenario: Nakamoto consensus with miners as nodes, proof of work as exponential block discovery
/// (network mean 600 s), blocks sent over the simulated network, the longest chain with the first-seen tie-break. By
/// default it measures the fork rate against the propagation delay; <c>--double-spend</c> races an attacker against z
/// confirmations; <c>--selfish</c> runs Eyal and Sirer's selfish pool. Each figure comes with a 95 % confidence interval
/// and the published formula beside it. See <c>docs/samples/bitcoin.md</c>.
/// </summary>
public sealed class BitcoinScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "bitcoin";

    /// <inheritdoc />
    public string Summary => "Nakamoto consensus: fork rate vs propagation delay; --double-spend (whitepaper vs exact race); --selfish (Eyal-Sirer revenue)";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("propagation-delay", "SPEC", "delay of a block to each other miner: " + DelaySpec.Forms, "const:10s; const:1s with --double-spend or --selfish"),
        new("blocks", "N", "the most blocks mined per run", "10000"),
        new("miners", "N", "honest miners, equal shares of what the adversary leaves", "10"),
        new("shares", "S1,S2,...", "honest miners' hash shares, summing to 1 (fork mode; instead of --miners)"),
        new("double-spend", null, "an attacker mines a conflicting chain privately and publishes it once longer after z confirmations"),
        new("attacker", "Q", "with --double-spend: the attacker's hash share, below 0.5", "0.1"),
        new("confirmations", "Z", "with --double-spend: confirmations the merchant waits for", "6"),
        new("give-up", "D", "with --double-spend: the attacker gives up this many blocks behind (error at most (q/p)^D)", "50"),
        new("selfish", null, "a selfish pool (Eyal and Sirer) withholds blocks and publishes by their state machine"),
        new("alpha", "A", "with --selfish: the pool's hash share, below 0.5", "0.3"),
        new("gamma", "G", "with --selfish: the chance an honest miner takes the pool's block in a tie", "0.5"),
        new("plot", "FILE", "with --sweep, fork mode: draw the fork rate (95 % Wilson intervals) against the propagation delay, with both models, as SVG to FILE (the delays of --plot-delays, else this one)"),
        new("plot-delays", "S1,S2,...", "with --plot: constant propagation delays in seconds, each swept over the same seeds, e.g. 1,10,30,60,120"),
    ];

    /// <summary>Reads the options.</summary>
    /// <param name="args">The parsed options.</param>
    public static BitcoinOptions Parse(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool ds = args.Has("double-spend"), selfish = args.Has("selfish");
        if (ds && selfish)
        {
            throw new UsageException("--double-spend and --selfish are different experiments; give one");
        }

        BitcoinMode mode = ds ? BitcoinMode.DoubleSpend : selfish ? BitcoinMode.Selfish : BitcoinMode.Forks;
        foreach (string o in new[] { "attacker", "confirmations", "give-up" })
        {
            args.RejectUnless(o, ds, "only with --double-spend");
        }

        args.RejectUnless("alpha", selfish, "only with --selfish");
        args.RejectUnless("gamma", selfish, "only with --selfish");
        args.RejectUnless("shares", mode == BitcoinMode.Forks && !args.Has("miners"), "fork mode only, instead of --miners");
        double adversary = ds ? Share(args, "attacker", 0.1) : selfish ? Share(args, "alpha", 0.3) : 0;
        int miners = args.GetInt("miners", 10, min: 1, max: 1000);
        IReadOnlyList<double> shares = args.Has("shares") ? ParseShares(args.GetString("shares", string.Empty)) : BitcoinOptions.EqualShares(miners, adversary);
        Delay propagation = args.GetDelay("propagation-delay", Delay.Constant(TimeSpan.FromSeconds(mode == BitcoinMode.Forks ? 10 : 1)));
        return new BitcoinOptions(
            mode,
            shares,
            propagation,
            args.GetInt("blocks", 10_000, min: 1, max: 10_000_000),
            adversary,
            args.GetInt("confirmations", 6, min: 1, max: 1000),
            args.GetInt("give-up", 50, min: 1, max: 100_000),
            args.GetProbability("gamma", 0.5));
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        BitcoinOptions options = Parse(args);
        args.RejectUnless("plot", options.Mode == BitcoinMode.Forks, "draws the fork rate against the propagation delay; fork mode only (not with --double-spend or --selfish)");
        args.RejectUnless("plot-delays", args.Has("plot"), "only with --plot");
        IReadOnlyList<TimeSpan>? delays = args.Has("plot-delays") ? ParseDelays(args.GetString("plot-delays", string.Empty)) : null;
        using PlotFile? plot = PlotFile.Open(args); // before the runs: a bad path is a usage error
        var t = new Tally();
        RunSummary summary = Sweep.Fold(args, (seed, settings) => BitcoinNetwork.Play(seed, options, settings), BitcoinRecord.Of, t.Add, out _);
        if (plot is not null)
        {
            plot.Write(BitcoinPlot.Svg(args, options, t, delays));
        }

        var report = new BitcoinReport(options, t);
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                report.WriteJson(json);
                if (plot is not null)
                {
                    json.WriteString("plot", plot.Path);
                }
            }));
            return summary.ExitCode;
        }

        Report.WriteLimitLine(output, summary);
        report.WriteText(output);
        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        if (plot is not null)
        {
            output.WriteLine($"  plot: {plot.Path} (fork rate against the propagation delay)");
        }

        return summary.ExitCode;
    }

    private static double Share(ScenarioArgs args, string name, double fallback)
    {
        double share = args.GetProbability(name, fallback);
        return share > 0 && share < 0.5 ? share : throw new UsageException(Invariant($"--{name}: {share} must be in (0, 0.5): with half the hash power or more the adversary always wins"));
    }

    private static TimeSpan[] ParseDelays(string text)
    {
        TimeSpan[] delays = [.. text.Split(',').Select(s => double.TryParse(s, ScenarioArgs.StrictFloat, CultureInfo.InvariantCulture, out double v) && v >= 0 && v <= 86_400
            ? TimeSpan.FromSeconds(v) : throw new UsageException($"--plot-delays: '{s}' is not a delay in seconds in [0, 86400]"))];
        return delays.Distinct().Count() == delays.Length
            ? delays.Length <= 30 ? delays : throw new UsageException(Invariant($"--plot-delays: {delays.Length} delays; at most 30"))
            : throw new UsageException($"--plot-delays: '{text}' lists a delay twice");
    }

    private static double[] ParseShares(string text)
    {
        double[] shares = [.. text.Split(',').Select(s => double.TryParse(s, ScenarioArgs.StrictFloat, CultureInfo.InvariantCulture, out double v) && v > 0 && v <= 1
            ? v : throw new UsageException($"--shares: '{s}' is not a share in (0, 1]"))];
        return Math.Abs(shares.Sum() - 1) < 1e-6 ? shares : throw new UsageException(Invariant($"--shares: '{text}' sums to {shares.Sum()}, not 1"));
    }

    /// <summary>The sweep's sums, folded in seed order.</summary>
    internal sealed class Tally
    {
        public int Runs, Successes, Failures, Undecided, ReorgDepthMax;
        public long Mined, Main, Orphans, ForkHeights, Reorgs, Ties, PoolBlocks, Withheld;
        public long[] Publications = new long[BitcoinRecord.States.Length];
        public List<double> BatchShares { get; } = [];
        public ulong? FirstSuccess;

        public void Add(ulong seed, BitcoinRecord r)
        {
            Runs++;
            Mined += r.Mined;
            Main += r.MainLength;
            Orphans += r.Orphans;
            ForkHeights += r.ForkHeights;
            Reorgs += r.Reorgs;
            ReorgDepthMax = Math.Max(ReorgDepthMax, r.ReorgDepthMax);
            Ties += r.Ties;
            PoolBlocks += r.PoolBlocks;
            Withheld += r.Withheld;
            for (int i = 0; i < Publications.Length; i++)
            {
                Publications[i] += r.Publications[i];
            }

            BatchShares.AddRange(r.PoolPerBatch.Select(c => c / (double)BitcoinRecord.Batch));
            switch (r.Attack)
            {
                case 1:
                    Successes++;
                    FirstSuccess ??= seed;
                    break;
                case 0:
                    Failures++;
                    break;
                default:
                    Undecided++;
                    break;
            }
        }
    }
}
