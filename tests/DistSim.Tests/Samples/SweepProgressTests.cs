using DistSim.Samples.Cli;
using Spectre.Console.Testing;

namespace DistSim.Tests.Samples;

public sealed class SweepProgressTests
{
    [Fact]
    public void OnATerminal_ASweepDrawsSeedsDoneAndTheRate_AndTheReportIsUnchanged()
    {
        using var console = new TestConsole();
        console.Interactive();
        var withBar = new StringWriter();
        var without = new StringWriter();

        Assert.Equal(0, Runner.Execute(["two-generals", "--sweep", "40"], withBar, new StringWriter(), new SweepProgressBar(console)));
        Assert.Equal(0, Runner.Execute(["two-generals", "--sweep", "40"], without, new StringWriter()));

        Assert.Contains("two-generals: 40/40 seeds", console.Output, StringComparison.Ordinal);
        Assert.Contains("100%", console.Output, StringComparison.Ordinal);
        Assert.Equal(without.ToString(), withBar.ToString()); // the bar never reaches the report
        Assert.DoesNotContain('\u001b', withBar.ToString());
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--json-pretty")]
    public void WithJson_NothingIsDrawn(string json)
    {
        using var console = new TestConsole();
        console.Interactive();
        var output = new StringWriter();

        Assert.Equal(0, Runner.Execute(["two-generals", "--sweep", "20", json], output, new StringWriter(), new SweepProgressBar(console)));

        Assert.Equal(string.Empty, console.Output);
        using var doc = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.Equal(20, doc.RootElement.GetProperty("sweep").GetInt32());
    }

    [Fact]
    public void ASingleRun_DrawsNothing()
    {
        using var console = new TestConsole();
        console.Interactive();

        Assert.Equal(0, Runner.Execute(["two-generals"], new StringWriter(), new StringWriter(), new SweepProgressBar(console)));

        Assert.Equal(string.Empty, console.Output);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void RedirectedOutput_GetsNoBar(bool outputRedirected, bool errorRedirected) =>
        Assert.Null(SweepProgressBar.ForTerminal(outputRedirected, errorRedirected));

    [Fact]
    public void BothTerminals_GetABar() => Assert.NotNull(SweepProgressBar.ForTerminal(false, false));
}
