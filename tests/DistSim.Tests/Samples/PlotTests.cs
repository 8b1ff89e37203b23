using System.Text.Json.Nodes;
using System.Xml.Linq;
using DistSim.Samples.Cli;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary><c>--plot</c> of raft-election, two-generals and bitcoin: real figures of the sweep's data, byte for byte repeatable.</summary>
public sealed class PlotTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(DisplayName = "raft-election --plot: one ECDF step curve per --plot-ranges range, title, labels, legend; same bytes twice")]
    public void RaftElection_DrawsOneCdfPerRange()
    {
        string[] command = ["raft-election", "--sweep", "8", "--plot-ranges", "150-155,150-300,150-175"];
        Figure f = Draw(command);
        Assert.StartsWith("raft-election: 5 nodes, leader crashed; seeds 1–8", f.Texts[^1], StringComparison.Ordinal);
        Assert.Contains("time to elect a new leader after the leader's crash (ms, log scale)", f.Texts);
        Assert.Contains("cumulative fraction of trials", f.Texts);
        Assert.Equal(["150–155 ms", "150–300 ms", "150–175 ms"], f.Legend);
        Assert.Equal(3, f.Data.Count); // one curve per range
        foreach (XElement group in f.Data)
        {
            // A step per distinct election time: at least 8 segments for 8 trials (ties merge, the tail adds one).
            string d = Assert.Single(group.Elements(Svg + "path")).Attribute("d")!.Value;
            Assert.InRange(d.Count(c => c == 'L'), 2, 100);
        }

        Assert.True(f.Data.Sum(g => g.Element(Svg + "path")!.Attribute("d")!.Value.Count(c => c == 'L')) >= 3 * 8, "every trial's step is drawn");
        Assert.Equal(f.Bytes, Draw(command).Bytes);
    }

    [Fact(DisplayName = "raft-election --plot: the report is the sweep's own, plus only the field naming the file")]
    public void RaftElection_ReportUnchangedButForThePlotField()
    {
        string file = Path.Combine(_dir, "r.svg");
        var plain = RunnerCli.Run("raft-election", "--sweep", "6", "--json");
        var plotted = RunnerCli.Run("raft-election", "--sweep", "6", "--json", "--plot", file, "--plot-ranges", "150-300,150-155");
        Assert.Equal(0, plotted.Code);
        JsonObject a = JsonNode.Parse(plain.Out)!.AsObject(), b = JsonNode.Parse(plotted.Out)!.AsObject();
        Assert.Equal(file, (string?)b["plot"]);
        b.Remove("plot");
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
        var text = RunnerCli.Run("raft-election", "--sweep", "6");
        var textPlotted = RunnerCli.Run("raft-election", "--sweep", "6", "--plot", file);
        Assert.Equal(text.Out + $"  plot: {file} (election-time CDF of 1 timeout range(s))\n", textPlotted.Out.ReplaceLineEndings("\n"));
    }

    [Fact(DisplayName = "two-generals --plot: a measured point with a 99 % error bar per messenger count 1..K and the theory curve")]
    public void TwoGenerals_DrawsRatesWithErrorBarsAndTheory()
    {
        string[] command = ["two-generals", "--strategy", "redundant", "--sweep", "40", "--plot-messengers", "4"];
        Figure f = Draw(command);
        Assert.StartsWith("two-generals: redundant messengers, loss p = 0.3; seeds 1–40 per n", f.Texts[^1], StringComparison.Ordinal);
        Assert.Contains("messengers sent at once (n)", f.Texts);
        Assert.Contains("order reached A2 (fraction of decided runs)", f.Texts);
        Assert.Equal(["theory 1 − pⁿ", "measured, 99 % Wilson interval"], f.Legend);
        AssertRates(f, points: 4, curves: 1);
        Assert.Equal(f.Bytes, Draw(command).Bytes);
    }

    [Fact(DisplayName = "bitcoin --plot: the fork rate with a 95 % error bar per --plot-delays delay, beside both models")]
    public void Bitcoin_DrawsForkRateAgainstDelayWithModels()
    {
        string[] command = ["bitcoin", "--sweep", "2", "--blocks", "150", "--plot-delays", "10,60,120"];
        Figure f = Draw(command);
        Assert.StartsWith("bitcoin: 10 honest miners, 150 blocks per run; seeds 1–2 per delay", f.Texts[^1], StringComparison.Ordinal);
        Assert.Contains("fork rate (heights with a competing block)", f.Texts);
        Assert.Contains(f.Texts, t => t.StartsWith("propagation delay τ", StringComparison.Ordinal));
        Assert.Equal(["simple model 1 − e^(−τ/600)", "per-miner model, 10 miners, constant τ", "measured, 95 % Wilson interval"], f.Legend);
        AssertRates(f, points: 3, curves: 2);
        Assert.Equal(f.Bytes, Draw(command).Bytes);
    }

    [Theory(DisplayName = "--plot without --sweep is a usage error naming --plot")]
    [InlineData("raft-election")]
    [InlineData("two-generals", "--strategy", "redundant")]
    [InlineData("bitcoin")]
    public void Plot_WithoutSweep_IsAUsageError(params string[] scenario)
    {
        string file = Path.Combine(_dir, "x.svg");
        var (code, output, error) = RunnerCli.Run([.. scenario, "--plot", file]);
        Assert.Equal(Runner.UsageError, code);
        Assert.Contains("error: --plot: draws the distribution of a sweep; only with --sweep N", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
        Assert.False(File.Exists(file));
    }

    [Fact(DisplayName = "A sweep that ends without a figure leaves no trace: a file --plot created is deleted, one that existed is untouched")]
    public void Plot_WithoutAFigure_LeavesNoTrace_AndAFigureReplacesTheWholeFile()
    {
        IScenario raft = Runner.Scenarios.Single(x => x.Name == "raft-election");
        PlotFile? Open(string path) => PlotFile.Open(ScenarioArgs.Parse(["--sweep", "2", "--plot", path], raft.Options));

        string created = Path.Combine(_dir, "new.svg");
        using (PlotFile? plot = Open(created))
        {
            Assert.NotNull(plot);
            Assert.True(File.Exists(created)); // checked and opened before the runs
        }

        Assert.False(File.Exists(created)); // the sweep failed: no empty figure left behind

        string existing = Path.Combine(_dir, "old.svg");
        File.WriteAllText(existing, "<svg>an earlier figure, longer than the new one</svg>");
        using (Open(existing))
        {
        }

        Assert.Equal("<svg>an earlier figure, longer than the new one</svg>", File.ReadAllText(existing)); // not truncated for nothing

        using (PlotFile? plot = Open(existing))
        {
            plot!.Write("<svg/>");
        }

        Assert.Equal("<svg/>", File.ReadAllText(existing)); // the figure replaces every byte of the old file

        using (PlotFile? plot = Open(created))
        {
            plot!.Write("<svg>new</svg>");
        }

        Assert.Equal("<svg>new</svg>", File.ReadAllText(created)); // a figure written: the created file stays
    }

    [Theory(DisplayName = "An unwritable --plot path is refused before any run")]
    [InlineData("raft-election")]
    [InlineData("two-generals", "--strategy", "redundant")]
    [InlineData("bitcoin", "--blocks", "50")]
    public void Plot_UnwritablePath_IsRefusedBeforeTheRuns(params string[] scenario)
    {
        var missing = RunnerCli.Run([.. scenario, "--sweep", "3", "--plot", Path.Combine(_dir, "no-such-dir", "x.svg")]);
        Assert.Equal(Runner.UsageError, missing.Code);
        Assert.Contains("--plot: cannot create", missing.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, missing.Out); // no report: nothing ran
        var directory = RunnerCli.Run([.. scenario, "--sweep", "3", "--plot", _dir]);
        Assert.Equal(Runner.UsageError, directory.Code);
        Assert.Contains("is a directory", directory.Err, StringComparison.Ordinal);
    }

    [Theory(DisplayName = "Plot options that do not apply are usage errors naming them")]
    [InlineData("--plot-ranges", "raft-election", "--sweep", "2", "--plot-ranges", "150-300")]
    [InlineData("--plot-ranges", "raft-election", "--sweep", "2", "--plot", "PLOT", "--plot-ranges", "300-150")]
    [InlineData("--plot-messengers", "two-generals", "--strategy", "redundant", "--sweep", "2", "--plot-messengers", "3")]
    [InlineData("--plot", "two-generals", "--strategy", "acks", "--sweep", "2", "--plot", "PLOT")]
    [InlineData("--plot-delays", "bitcoin", "--sweep", "2", "--plot", "PLOT", "--plot-delays", "10,x")]
    [InlineData("--plot", "bitcoin", "--selfish", "--sweep", "2", "--plot", "PLOT")]
    [InlineData("--plot", "two-generals", "--strategy", "redundant", "--sweep", "4", "--shard", "0/2", "--plot", "PLOT")]
    [InlineData("--plot", "paxos", "--sweep", "2", "--plot", "PLOT")]
    public void PlotOptions_Misused_AreUsageErrors(string option, params string[] args)
    {
        string file = Path.Combine(_dir, "p.svg");
        var (code, _, error) = RunnerCli.Run([.. args.Select(a => a == "PLOT" ? file : a)]);
        Assert.Equal(Runner.UsageError, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.False(File.Exists(file), "nothing is drawn");
    }

    /// <summary>A measured point (marker), an error bar (three strokes) per point, and the theory curves.</summary>
    private static void AssertRates(Figure f, int points, int curves)
    {
        Assert.Equal(curves + 2, f.Data.Count); // curves, then the markers, then the error bars
        for (int i = 0; i < curves; i++)
        {
            Assert.True(f.Data[i].Element(Svg + "path")!.Attribute("d")!.Value.Count(c => c == 'L') >= 100, "a sampled theory curve");
        }

        Assert.Equal(points, f.Data[curves].Elements(Svg + "ellipse").Count());
        string bars = f.Data[curves + 1].Element(Svg + "path")!.Attribute("d")!.Value;
        Assert.Equal(3 * points, bars.Count(c => c == 'M')); // each: the bar and its two caps
    }

    private Figure Draw(string[] command)
    {
        string file = Path.Combine(_dir, "plot.svg");
        File.Delete(file);
        var (code, output, error) = RunnerCli.Run([.. command, "--plot", file]);
        Assert.True(code == 0, error);
        Assert.Contains($"  plot: {file}", output, StringComparison.Ordinal);
        byte[] bytes = File.ReadAllBytes(file);
        XDocument svg = XDocument.Load(file);
        List<XElement> groups = [.. svg.Descendants(Svg + "g").Where(g => g.Attribute("clip-path") is not null)];
        XElement legend = groups.Single(g => g.Elements(Svg + "text").Any());
        return new Figure(
            bytes,
            [.. svg.Descendants(Svg + "text").Select(t => t.Value.Trim())],
            [.. legend.Elements(Svg + "text").Select(t => t.Value.Trim())],
            [.. groups.Where(g => g != legend)]);
    }

    /// <summary>A figure: its bytes, every text (the title is drawn last), the legend's entries and the data groups in drawing order.</summary>
    private sealed record Figure(byte[] Bytes, List<string> Texts, List<string> Legend, List<XElement> Data);
}
