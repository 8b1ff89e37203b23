using System.Text.Json;
using DistSim.Random;
using DistSim.Sweeps;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace DistSim.Samples.Bitcoin;

/// <summary>The figures of a <c>bitcoin</c> sweep, with their 95 % intervals and the theory beside them, as JSON or text.</summary>
internal sealed class BitcoinReport(BitcoinOptions options, BitcoinScenario.Tally t)
{
    private const double Confidence = 0.95;

    /// <summary>Samples of a random delay for its Laplace transform (a fixed stream: the model value is the same every time).</summary>
    private const int LaplaceSamples = 100_000;

    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteString("mode", options.Mode switch { BitcoinMode.DoubleSpend => "double-spend", BitcoinMode.Selfish => "selfish", _ => "forks" });
        json.WriteString("propagationDelay", options.Propagation.ToString());
        json.WriteNumber("propagationDelayMeanSeconds", options.Propagation.Mean.TotalSeconds);
        json.WriteNumber("honestMiners", options.Shares.Count);
        json.WriteNumber("runs", t.Runs);
        json.WriteNumber("blocksMined", t.Mined);
        json.WriteNumber("mainChainBlocks", t.Main);
        json.WriteNumber("orphanedBlocks", t.Orphans);
        json.WriteNumber("reorgs", t.Reorgs);
        json.WriteNumber("reorgDepthMax", t.ReorgDepthMax);
        json.WriteNumber("ties", t.Ties);
        switch (options.Mode)
        {
            case BitcoinMode.Forks:
                ConfidenceInterval fork = Proportion.Wilson(t.ForkHeights, t.Main, Confidence);
                ConfidenceInterval orphan = Proportion.Wilson(t.Orphans, t.Mined, Confidence);
                json.WriteNumber("forkHeights", t.ForkHeights);
                Rate(json, "forkRate", Ratio(t.ForkHeights, t.Main), fork);
                json.WriteString("interval", "Wilson 95%");
                json.WriteNumber("forkRateSimpleModel", Round(BitcoinTheory.SimpleForkRate(options.Propagation.Mean)));
                json.WriteNumber("forkRateMinerModel", Round(MinerModel()));
                Rate(json, "orphanRate", Ratio(t.Orphans, t.Mined), orphan);
                break;
            case BitcoinMode.DoubleSpend:
                ConfidenceInterval success = Proportion.Wilson(t.Successes, t.Runs, Confidence);
                json.WriteNumber("attacker", options.Adversary);
                json.WriteNumber("confirmations", options.Confirmations);
                json.WriteNumber("giveUpDeficit", options.GiveUp);
                json.WriteNumber("successes", t.Successes);
                json.WriteNumber("gaveUp", t.Failures);
                json.WriteNumber("undecided", t.Undecided);
                Rate(json, "attackerSuccessRate", Ratio(t.Successes, t.Runs), success);
                json.WriteString("interval", "Wilson 95%");
                json.WriteNumber("attackerSuccessWhitepaper", Round(BitcoinTheory.Whitepaper(options.Adversary, options.Confirmations)));
                json.WriteNumber("attackerSuccessExact", Round(BitcoinTheory.ExactOvertake(options.Adversary, options.Confirmations)));
                json.WriteNumber("attackerSuccessExactCatchUp", Round(BitcoinTheory.ExactCatchUp(options.Adversary, options.Confirmations)));
                json.WriteNumber("giveUpErrorBound", Round(GiveUpError()));
                break;
            default:
                (double share, ConfidenceInterval? ci) = Revenue();
                json.WriteNumber("alpha", options.Adversary);
                json.WriteNumber("gamma", options.Gamma);
                json.WriteNumber("poolBlocksInChain", t.PoolBlocks);
                json.WriteNumber("withheld", t.Withheld);
                json.WriteNumber("batches", t.BatchShares.Count);
                Rate(json, "poolRevenueShare", share, ci);
                json.WriteString("interval", Invariant($"normal 95%, batch means of {BitcoinRecord.Batch} heights"));
                json.WriteNumber("poolRevenueShareTheory", Round(BitcoinTheory.SelfishRevenue(options.Adversary, options.Gamma)));
                json.WriteNumber("profitabilityThreshold", Round(BitcoinTheory.SelfishThreshold(options.Gamma)));
                json.WriteStartObject("publications");
                for (int i = 0; i < 4; i++)
                {
                    json.WriteNumber(BitcoinRecord.States[i], t.Publications[i]);
                }

                json.WriteEndObject();
                break;
        }
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine(Invariant($"bitcoin: {t.Runs} run(s), {options.Shares.Count} honest miner(s), propagation {options.Propagation} (mean {options.Propagation.Mean.TotalSeconds:0.###} s), mean block interval 600 s"));
        output.WriteLine(Invariant($"  blocks mined {t.Mined}, in the final chain {t.Main}, orphaned {t.Orphans}; reorganisations {t.Reorgs} (deepest {t.ReorgDepthMax}); ties seen {t.Ties}"));
        switch (options.Mode)
        {
            case BitcoinMode.Forks:
                ConfidenceInterval fork = Proportion.Wilson(t.ForkHeights, t.Main, Confidence);
                output.WriteLine(Invariant($"  fork rate (heights with a competing block) {Ratio(t.ForkHeights, t.Main):0.#####} [{fork.Low:0.#####}, {fork.High:0.#####}] (Wilson 95%)"));
                output.WriteLine(Invariant($"  simple model 1 - e^(-tau/600) = {BitcoinTheory.SimpleForkRate(options.Propagation.Mean):0.#####}; per-miner model {MinerModel():0.#####}"));
                output.WriteLine(Invariant($"  orphan rate (orphaned / mined) {Ratio(t.Orphans, t.Mined):0.#####}"));
                break;
            case BitcoinMode.DoubleSpend:
                ConfidenceInterval s = Proportion.Wilson(t.Successes, t.Runs, Confidence);
                output.WriteLine(Invariant($"  double spend, q = {options.Adversary}, z = {options.Confirmations}: succeeded {t.Successes}, gave up {t.Failures}, undecided {t.Undecided}"));
                output.WriteLine(Invariant($"  success rate {Ratio(t.Successes, t.Runs):0.#####} [{s.Low:0.#####}, {s.High:0.#####}] (Wilson 95%)"));
                output.WriteLine(Invariant($"  exact race (must overtake) {BitcoinTheory.ExactOvertake(options.Adversary, options.Confirmations):0.#####}; whitepaper (Poisson, catch up) {BitcoinTheory.Whitepaper(options.Adversary, options.Confirmations):0.#####}; exact catch-up {BitcoinTheory.ExactCatchUp(options.Adversary, options.Confirmations):0.#####}; give-up error <= {GiveUpError():0.###e0}"));
                if (t.FirstSuccess is { } seed)
                {
                    output.WriteLine(Invariant($"  first success: seed {seed}"));
                }

                break;
            default:
                (double share, ConfidenceInterval? ci) = Revenue();
                string interval = ci is { } c ? Invariant($" [{c.Low:0.#####}, {c.High:0.#####}] (normal 95%, batch means)") : " (too few batches for an interval)";
                output.WriteLine(Invariant($"  selfish pool, alpha = {options.Adversary}, gamma = {options.Gamma}: withheld {t.Withheld}; published tie {t.Publications[0]}, override {t.Publications[1]}, release {t.Publications[2]}, win-race {t.Publications[3]}"));
                output.WriteLine(Invariant($"  pool's revenue share {share:0.#####}{interval}; Eyal-Sirer {BitcoinTheory.SelfishRevenue(options.Adversary, options.Gamma):0.#####}; honest share alpha {options.Adversary}; threshold {BitcoinTheory.SelfishThreshold(options.Gamma):0.#####}"));
                break;
        }
    }

    /// <summary>The fork rate of the one-hop model for these shares and this delay distribution.</summary>
    private double MinerModel()
    {
        Timing.Delay delay = options.Propagation;
        if (delay.Minimum == delay.Maximum)
        {
            double tau = delay.Mean.TotalSeconds;
            return BitcoinTheory.ForkRate(options.Shares, lambda => Math.Exp(-lambda * tau));
        }

        var stream = new RandomStream(0x5EED);
        double[] seconds = [.. Enumerable.Range(0, LaplaceSamples).Select(_ => delay.Sample(stream).TotalSeconds)];
        return BitcoinTheory.ForkRate(options.Shares, lambda => seconds.Average(d => Math.Exp(-lambda * d)));
    }

    private double GiveUpError() => Math.Pow(options.Adversary / (1 - options.Adversary), options.GiveUp);

    private (double Share, ConfidenceInterval? Interval) Revenue()
    {
        List<double> b = t.BatchShares;
        if (b.Count < 2)
        {
            return (Ratio(t.PoolBlocks, t.Main), null);
        }

        double mean = b.Mean(), half = Normal.InvCDF(0, 1, 1 - ((1 - Confidence) / 2)) * b.StandardDeviation() / Math.Sqrt(b.Count);
        return (mean, new ConfidenceInterval(Math.Max(0, mean - half), Math.Min(1, mean + half), Confidence));
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : a / (double)b;

    private static double Round(double x) => Math.Round(x, 7);

    private static void Rate(Utf8JsonWriter json, string name, double value, ConfidenceInterval? ci)
    {
        json.WriteNumber(name, Round(value));
        if (ci is { } c)
        {
            json.WriteNumber(name + "Low", Round(c.Low));
            json.WriteNumber(name + "High", Round(c.High));
        }
        else
        {
            json.WriteNull(name + "Low");
            json.WriteNull(name + "High");
        }
    }
}
