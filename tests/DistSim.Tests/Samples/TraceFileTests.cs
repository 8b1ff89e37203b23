using System.Text;
using DistSim.Links;
using DistSim.Network;
using DistSim.Samples.Cli;
using DistSim.Samples.Reliable;
using DistSim.Samples.TwoGenerals;
using DistSim.Samples.WalKv;
using DistSim.Timing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

/// <summary><c>--trace</c> streams the run to the file: the same bytes as the in-memory export, without keeping the events.</summary>
public sealed class TraceFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-trace-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private byte[] TraceOf(params string[] args)
    {
        string path = Path.Combine(_dir, "t.jsonl");
        var error = new StringWriter();
        int code = Runner.Execute([.. args, "--trace", path], new StringWriter(), error);
        Assert.True(code == 0, error.ToString());
        return File.ReadAllBytes(path);
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    [Property(MaxTest = 4)]
    public bool StreamedTraceFile_IsTheInMemoryExport_ByteForByte(ulong seed)
    {
        string s = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var game = new Game(Strategy.TimeoutFallback, 0.3, 0.2, Delay.Uniform(TimeSpan.FromHours(1), TimeSpan.FromHours(3)));
        bool twoGenerals = TraceOf("two-generals", "--strategy", "timeout-fallback", "--duplicate", "0.2", "--seed", s)
            .SequenceEqual(Utf8(game.Play(seed, RunSettings.Recorded).Simulation.Trace.ToJsonLines()));

        bool walKv = TraceOf("wal-kv", "--writes", "60", "--seed", s)
            .SequenceEqual(Utf8(WalKvScenario.Play(seed, 60, 20, TimeSpan.FromSeconds(1), 50, flush: true, RunSettings.Recorded).Simulation.Trace.ToJsonLines()));

        var network = new FairLossLinkOptions { LossProbability = 0.1, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(1)) };
        var adversary = new AdversaryOptions { TamperProbability = 0.2, ForgeProbability = 0.1 };
        bool reliable = TraceOf("reliable", "--link", "authenticated", "--messages", "200", "--adversary", "tamper=0.2,forge=0.1", "--seed", s)
            .SequenceEqual(Utf8(ReliableScenario.Play(
                seed,
                global::DistSim.Links.Links.Authenticated(new ReliableLinkOptions()),
                adversary,
                network,
                2,
                200,
                TimeSpan.FromMilliseconds(1),
                RunSettings.Recorded).Simulation.Trace.ToJsonLines()));

        return twoGenerals && walKv && reliable;
    }

    [Fact]
    public void TraceOption_StreamsTheRun_KeepingNoEvents()
    {
        string path = Path.Combine(_dir, "s.jsonl");
        ScenarioArgs args = ScenarioArgs.Parse(["--writes", "100", "--trace", path], new WalKvScenario().Options);
        Simulation? seen = null;
        args.RunObserver = s => seen = s;

        Assert.Equal(0, new WalKvScenario().Run(args, new StringWriter()));

        Assert.NotNull(seen);
        Assert.NotNull(seen.Options.TraceWriter);
        Assert.False(seen.Options.RecordTrace);
        Assert.Empty(seen.Trace.Events);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(seen.Trace.Count + 1, lines.Length); // the header, then every event
        Assert.StartsWith("{\"kind\":\"run\",\"seed\":1,", lines[0], StringComparison.Ordinal);
        Assert.Contains($"\"recorded\":{seen.Trace.Count},\"truncated\":false", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void MermaidOption_KeepsTheEventsItNeeds_AndTheTraceFileIsStillTheSame()
    {
        string trace = Path.Combine(_dir, "m.jsonl");
        string mermaid = Path.Combine(_dir, "m.md");
        var error = new StringWriter();

        Assert.Equal(0, Runner.Execute(["two-generals", "--strategy", "acks", "--rounds", "1", "--seed", "2", "--trace", trace, "--mermaid", mermaid], new StringWriter(), error));

        GameResult reference = new Game(Strategy.Acks, 0.3, 0, Delay.Uniform(TimeSpan.FromHours(1), TimeSpan.FromHours(3)), Rounds: 1).Play(2, RunSettings.Recorded);
        Assert.Equal(Utf8(reference.Simulation.Trace.ToJsonLines()), File.ReadAllBytes(trace));
        Assert.Equal("```mermaid\n" + reference.Simulation.Trace.ToMermaid() + "```\n", File.ReadAllText(mermaid));
    }

    [Fact]
    public void PerfettoAndHtmlOptions_WriteTheRunsViews()
    {
        string perfetto = Path.Combine(_dir, "p.json");
        string html = Path.Combine(_dir, "v.html");

        Assert.Equal(0, Runner.Execute(["two-generals", "--strategy", "acks", "--rounds", "2", "--seed", "4", "--perfetto", perfetto, "--html", html], new StringWriter(), new StringWriter()));

        GameResult reference = new Game(Strategy.Acks, 0.3, 0, Delay.Uniform(TimeSpan.FromHours(1), TimeSpan.FromHours(3)), Rounds: 2).Play(4, RunSettings.Recorded);
        Assert.Equal(reference.Simulation.Trace.ToChromeTrace(), File.ReadAllText(perfetto));
        Assert.Equal(reference.Simulation.Trace.ToHtml(), File.ReadAllText(html));
    }

    [Theory]
    [InlineData("--perfetto", "--html")]
    [InlineData("--trace", "--perfetto")]
    [InlineData("--mermaid", "--html")]
    public void TwoViewsOfOneFile_AreRefused(string first, string second)
    {
        string path = Path.Combine(_dir, "same.out");
        var error = new StringWriter();

        Assert.Equal(2, Runner.Execute(["two-generals", first, path, second, path], new StringWriter(), error));

        Assert.Contains($"{second}: '{path}' is the {first} file", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ViewOptions_WriteOneRun()
    {
        var error = new StringWriter();

        Assert.Equal(2, Runner.Execute(["two-generals", "--sweep", "3", "--html", Path.Combine(_dir, "s.html")], new StringWriter(), error));

        Assert.Contains("--html: writes one run", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABadPath_IsRefusedBeforeTheRun()
    {
        int runs = 0;
        ScenarioArgs args = ScenarioArgs.Parse(["--trace", Path.Combine(_dir, "no", "such", "dir.jsonl")], new WalKvScenario().Options);
        args.RunObserver = _ => runs++;

        var ex = Assert.Throws<UsageException>(() => new WalKvScenario().Run(args, new StringWriter()));

        Assert.StartsWith("--trace: cannot create", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
    }

    [Fact]
    public void AnExistingTraceFile_IsReplaced_NotAppendedTo()
    {
        string path = Path.Combine(_dir, "r.jsonl");
        File.WriteAllText(path, new string('x', 100_000));

        byte[] first = TraceOf("two-generals", "--seed", "3");
        byte[] again = TraceOf("two-generals", "--seed", "3");

        Assert.Equal(first, again);
        Assert.Equal((byte)'{', first[0]);
        Assert.DoesNotContain((byte)'x', first.Skip(first.Length - 10));
    }
}
