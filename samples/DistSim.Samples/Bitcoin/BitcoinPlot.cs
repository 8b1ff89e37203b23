using DistSim.Samples.Cli;
using DistSim.Sweeps;
using DistSim.Timing;

namespace DistSim.Samples.Bitcoin;

/// <summary>
/// The figure of <c>bitcoin --plot</c>: the measured fork rate (heights with a competing block) with its 95 % Wilson
/// interval at each propagation delay, beside the simple model 1 − e^(−τ/600) and the per-miner model for these shares.
/// </summary>
internal static class BitcoinPlot
{
    /// <summary>Draws the figure; every delay but the invocation's own is swept again over the same seeds.</summary>
    /// <param name="args">The parsed options (the seeds of every sweep).</param>
    /// <param name="options">The invocation's options.</param>
    /// <param name="own">The sums of the sweep just run, at <see cref="BitcoinOptions.Propagation"/>.</param>
    /// <param name="delays">The constant delays of <c>--plot-delays</c>, or null for the invocation's delay alone.</param>
    public static string Svg(ScenarioArgs args, BitcoinOptions options, BitcoinScenario.Tally own, IReadOnlyList<TimeSpan>? delays)
    {
        var points = new List<Plots.RatePoint>();
        foreach (Delay delay in delays?.Select(Delay.Constant) ?? [options.Propagation])
        {
            bool same = delay.Minimum == options.Propagation.Minimum && delay.Maximum == options.Propagation.Maximum && delay.Mean == options.Propagation.Mean;
            BitcoinScenario.Tally t = same ? own : new BitcoinScenario.Tally();
            if (!same)
            {
                BitcoinOptions at = options with { Propagation = delay };
                Sweep.Fold(args, (seed, settings) => BitcoinNetwork.Play(seed, at, settings), BitcoinRecord.Of, t.Add, out _);
            }

            ConfidenceInterval ci = Proportion.Wilson(t.ForkHeights, t.Main, 0.95);
            points.Add(new Plots.RatePoint(delay.Mean.TotalSeconds, t.Main == 0 ? 0 : t.ForkHeights / (double)t.Main, ci.Low, ci.High));
        }

        IReadOnlyList<double> shares = options.Shares;
        ulong last = args.Seed + (ulong)(args.Sweep - 1);
        string delayNote = delays is null ? Invariant($", propagation {options.Propagation}") : ", constant propagation delays";
        return Plots.RatesSvg(
            Invariant($"bitcoin: {shares.Count} honest miners, {options.Blocks} blocks per run; seeds {args.Seed}–{last} per delay{delayNote}"),
            "propagation delay τ of a block to each other miner (s; the mean for a random delay)",
            "fork rate (heights with a competing block)",
            "measured, 95 % Wilson interval",
            points,
            [
                new Plots.Curve("simple model 1 − e^(−τ/600)", tau => BitcoinTheory.SimpleForkRate(TimeSpan.FromSeconds(tau))),
                new Plots.Curve(Invariant($"per-miner model, {shares.Count} miners, constant τ"), tau => BitcoinTheory.ForkRate(shares, lambda => Math.Exp(-lambda * tau))),
            ]);
    }
}
