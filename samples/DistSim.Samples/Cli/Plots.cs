using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;

namespace DistSim.Samples.Cli;

/// <summary>
/// The figures of <c>--plot</c>, drawn with ScottPlot as SVG: empirical CDFs (one step curve per series) and measured
/// rates with their confidence intervals as error bars beside theory curves. Every figure has a title, axis labels and a
/// legend; the same data give the same bytes (the clip-path ids that SkiaSharp numbers per process are renumbered).
/// </summary>
/// <remarks>Not thread-safe: draw one figure at a time (the runner draws after a sweep, on its own thread).</remarks>
public static partial class Plots
{
    /// <summary>Width of a figure, in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of a figure, in pixels.</summary>
    public const int Height = 560;

    private const string FontName = "DejaVu Sans";
    private const int CurveSamples = 200;

    /// <summary>One empirical CDF.</summary>
    /// <param name="Label">Its legend entry.</param>
    /// <param name="Values">The measured values (the trials that finished).</param>
    /// <param name="Total">The trials the fractions are taken over: more than the values when some did not finish (the curve then stays below 1).</param>
    public sealed record Ecdf(string Label, IReadOnlyList<double> Values, int Total);

    /// <summary>A measured rate at <paramref name="X"/> with its confidence interval.</summary>
    /// <param name="X">Where it was measured.</param>
    /// <param name="Rate">The measured rate.</param>
    /// <param name="Low">The interval's lower end.</param>
    /// <param name="High">The interval's upper end.</param>
    public sealed record RatePoint(double X, double Rate, double Low, double High);

    /// <summary>A theory curve, drawn over the x range of the measured points.</summary>
    /// <param name="Label">Its legend entry.</param>
    /// <param name="Rate">The predicted rate at x.</param>
    public sealed record Curve(string Label, Func<double, double> Rate);

    /// <summary>Empirical CDFs of several series on one plot, as SVG.</summary>
    /// <param name="title">The title: the scenario, its seeds and parameters.</param>
    /// <param name="xLabel">What the values are.</param>
    /// <param name="series">One curve each, in legend order.</param>
    /// <param name="logX">Draw x on a log₁₀ scale (the values must be positive).</param>
    /// <param name="end">Run every curve on at its last height to here at least (e.g. the limit unfinished trials reached); null: to the largest value.</param>
    public static string EcdfSvg(string title, string xLabel, IReadOnlyList<Ecdf> series, bool logX, double? end = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        using var plot = NewPlot(title, xLabel, "cumulative fraction of trials");
        double last = Math.Max(series.SelectMany(s => s.Values).DefaultIfEmpty(1).Max(), end ?? 0);
        foreach (Ecdf s in series)
        {
            (double[] xs, double[] ys) = Steps(s, last);
            ScottPlot.Plottables.Scatter line = plot.Add.ScatterLine(logX ? [.. xs.Select(Math.Log10)] : xs, ys);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = s.Label;
        }

        if (logX)
        {
            LogTicks(plot.Axes.Bottom);
        }

        plot.Axes.SetLimitsY(-0.02, 1.02);
        plot.ShowLegend(Alignment.MiddleRight); // the curves rise on the left and run flat on the right
        return Svg(plot);
    }

    /// <summary>Measured rates with their intervals as error bars, and theory curves, as SVG.</summary>
    /// <param name="title">The title: the scenario, its seeds and parameters.</param>
    /// <param name="xLabel">What x is.</param>
    /// <param name="yLabel">What the rate is.</param>
    /// <param name="pointsLabel">The legend entry of the measured points (name the interval).</param>
    /// <param name="points">The measured points, one per x.</param>
    /// <param name="curves">The theory curves, in legend order.</param>
    /// <param name="integerX">Ticks on whole numbers only (x counts something).</param>
    public static string RatesSvg(
        string title, string xLabel, string yLabel, string pointsLabel, IReadOnlyList<RatePoint> points, IReadOnlyList<Curve> curves, bool integerX = false)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(curves);
        using var plot = NewPlot(title, xLabel, yLabel);
        double low = points.Select(p => p.X).DefaultIfEmpty(0).Min(), high = points.Select(p => p.X).DefaultIfEmpty(1).Max();
        double from = Math.Min(0, low), span = Math.Max(high - from, 1e-9);
        foreach (Curve c in curves)
        {
            double[] xs = [.. Enumerable.Range(0, CurveSamples + 1).Select(i => from + (span * i / CurveSamples))];
            ScottPlot.Plottables.Scatter line = plot.Add.ScatterLine(xs, [.. xs.Select(c.Rate)]);
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = c.Label;
        }

        double[] px = [.. points.Select(p => p.X)], py = [.. points.Select(p => p.Rate)];
        ScottPlot.Plottables.Scatter marks = plot.Add.ScatterPoints(px, py);
        marks.MarkerSize = 7;
        marks.LegendText = pointsLabel;
        double[] none = new double[px.Length];
        ScottPlot.Plottables.ErrorBar bars = plot.Add.ErrorBar(px, py, none);
        bars.YErrorPositive = [.. points.Select(p => p.High - p.Rate)];
        bars.YErrorNegative = [.. points.Select(p => p.Rate - p.Low)];
        bars.XErrorPositive = none;
        bars.XErrorNegative = none;
        bars.Color = marks.MarkerFillColor;
        bars.LineWidth = 1.5f;
        bars.CapSize = 6;
        if (integerX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        plot.ShowLegend(Alignment.LowerRight);
        return Svg(plot);
    }

    /// <summary>The steps of an ECDF: (v₁, 0), (v₁, k₁/n), (v₂, k₁/n)…, run on to <paramref name="end"/> at the last height.</summary>
    private static (double[] Xs, double[] Ys) Steps(Ecdf s, double end)
    {
        double[] sorted = [.. s.Values.Order()];
        var xs = new List<double>();
        var ys = new List<double>();
        int total = Math.Max(s.Total, 1);
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i + 1 < sorted.Length && sorted[i + 1] == sorted[i])
            {
                continue; // ties: one step to the last of them
            }

            if (xs.Count == 0)
            {
                xs.Add(sorted[i]);
                ys.Add(0);
            }

            xs.Add(sorted[i]);
            ys.Add((i + 1) / (double)total);
        }

        if (xs.Count > 0 && xs[^1] < end)
        {
            xs.Add(end);
            ys.Add(ys[^1]);
        }

        return ([.. xs], [.. ys]);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, 14);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        return plot;
    }

    /// <summary>Ticks at the powers of ten of a log₁₀ axis, labelled with the value, and minor ticks between them.</summary>
    private static void LogTicks(IAxis axis) => axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("#,0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>The SVG, with the clip-path ids (numbered per process by SkiaSharp) renumbered from 1 in order.</summary>
    private static string Svg(Plot plot) => Renumber(plot.GetSvgXml(Width, Height));

    /// <summary>Renumbers SkiaSharp's <c>cl_N</c> clip-path ids in order of first appearance, so a figure's bytes depend on its data alone.</summary>
    internal static string Renumber(string svg)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return ClipId().Replace(svg, m =>
        {
            if (!ids.TryGetValue(m.Value, out int n))
            {
                n = ids.Count + 1;
                ids[m.Value] = n;
            }

            return "clip" + n.ToString(CultureInfo.InvariantCulture);
        });
    }

    [GeneratedRegex(@"\bcl_[0-9a-fA-F]+\b")]
    private static partial Regex ClipId();
}
