using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.Lincheck;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary>
/// Ctrl+C during <c>--explore</c>, <c>--shrink</c> or <c>lincheck</c> (<see cref="Interruption"/>): unlike a sweep, whose
/// report over part of its seeds would read as the whole, these stop between two runs and report what they covered, marked
/// as stopped, with exit code 130; what they report is true of the runs made (a shrunk schedule still fails).
/// </summary>
public sealed class SearchInterruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-search-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The scenario's parsed arguments, listening to <paramref name="interruption"/> as the runner sets them for a search or shrink.</summary>
    private static (IScenario Scenario, ScenarioArgs Args) Parsed(string scenario, Interruption interruption, params string[] options)
    {
        IScenario s = Runner.Scenarios.Single(x => x.Name == scenario);
        ScenarioArgs args = ScenarioArgs.Parse(options, s.Options);
        args.Interruption = interruption;
        return (s, args);
    }

    /// <summary>Runs a search or shrink command as the runner does, listening to <paramref name="interruption"/>: the exit code, output and error.</summary>
    private static (int Code, string Out, string Err) Listening(Interruption interruption, Func<TextWriter, TextWriter, int> command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using (interruption.Listen())
        {
            int code = command(output, error);
            return (code, output.ToString(), error.ToString());
        }
    }

    /// <summary>Presses Ctrl+C while path <paramref name="at"/> of a search runs (the observer is called as it ends).</summary>
    private static Action<long> PressAtPath(Interruption interruption, long at) => played =>
    {
        if (played == at)
        {
            Assert.True(interruption.TryInterrupt());
        }
    };

    /// <summary>Presses Ctrl+C while run <paramref name="at"/> of a shrink command (searched seeds, the replay check, replays) runs; <paramref name="runs"/> counts them.</summary>
    private static Action<DistSim.Simulation> PressAtRun(Interruption interruption, int at, int[] runs) => _ =>
    {
        if (++runs[0] == at)
        {
            Assert.True(interruption.TryInterrupt());
        }
    };

    [Theory]
    [InlineData(1, false)]
    [InlineData(10, false)]
    [InlineData(10, true)]
    public void AnExplore_StopsAfterThePathUnderWay_AndReportsThePathsBefore(int pressAt, bool json)
    {
        // byzantine-generals (n = 4, m = 1) explores 54 paths and finds no violation; Ctrl+C during path pressAt.
        using var interruption = new Interruption();
        string[] options = json ? ["--explore", "30", "--json"] : ["--explore", "30"];
        (IScenario scenario, ScenarioArgs args) = Parsed("byzantine-generals", interruption, options);
        args.PathObserver = PressAtPath(interruption, pressAt);
        (int code, string output, string error) = Listening(interruption, (o, e) => ExploreCommand.Run((IExplorableScenario)scenario, args, o, e));

        Assert.Equal(Runner.Interrupted, code);
        Assert.Equal($"interrupted: byzantine-generals: Ctrl+C stopped the search after {pressAt} paths; the report covers them (exit code 130)", error.Trim());
        if (json)
        {
            using JsonDocument report = JsonDocument.Parse(output);
            JsonElement root = report.RootElement;
            Assert.Equal(pressAt, root.GetProperty("paths").GetInt64());
            Assert.True(root.GetProperty("interrupted").GetBoolean());
            Assert.False(root.GetProperty("complete").GetBoolean());
            Assert.False(root.GetProperty("violationFound").GetBoolean());
        }
        else
        {
            Assert.Contains("no violation in the paths explored (stopped by Ctrl+C)", output, StringComparison.Ordinal);
            Assert.Contains($"paths explored {pressAt},", output, StringComparison.Ordinal);
        }

        // Uninterrupted, the same search is complete: the stop, not the bounds, cut it short.
        var whole = new StringWriter();
        (IScenario again, ScenarioArgs free) = Parsed("byzantine-generals", new Interruption(), "--explore", "30", "--json");
        Assert.Equal(Runner.Success, ExploreCommand.Run((IExplorableScenario)again, free, whole));
        using JsonDocument all = JsonDocument.Parse(whole.ToString());
        Assert.True(all.RootElement.GetProperty("complete").GetBoolean());
        Assert.True(all.RootElement.GetProperty("paths").GetInt64() > pressAt);
    }

    [Fact]
    public void AShrink_StoppedMidway_GivesTheSmallestFailingScheduleSoFar_WhichReplaysAsFailing()
    {
        // split-brain: seed 3 is the first to fail (seeds 1 and 2 pass); then a replay check, then the shrink's replays.
        // Ctrl+C during the 12th run the command plays: some replays into the shrink.
        string file = Path.Combine(_dir, "shrunk.json");
        using var interruption = new Interruption();
        (IScenario scenario, ScenarioArgs args) = Parsed("split-brain", interruption, "--sweep", "20", "--shrink", "--shrink-out", file);
        int[] played = [0];
        args.RunObserver = PressAtRun(interruption, 12, played);
        (int code, string text, string error) = Listening(interruption, (o, e) => ShrinkCommand.Run((IShrinkableScenario)scenario, args, o, e));

        Assert.Equal(Runner.Interrupted, code);
        Assert.Equal(12, played[0]); // no run after the press
        Assert.Equal("interrupted: split-brain: Ctrl+C stopped the shrink after 8 replays; the report shows the smallest failing schedule found by then (exit code 130)", error.Trim());
        Assert.Contains("split-brain --shrink: seed 3 fails", text, StringComparison.Ordinal);
        Assert.Matches(@"shrunk to \d+ fault\(s\) .* in 8 replays; stopped by Ctrl\+C: not known to be 1-minimal", text);

        // The file holds the schedule printed, and it still makes seed 3 fail; uninterrupted, the shrink goes further.
        (int replayed, string replayOut, _) = RunnerCli.Run("split-brain", "--seed", "3", "--faults", file, "--json");
        using (JsonDocument replay = JsonDocument.Parse(replayOut))
        {
            Assert.True(replay.RootElement.GetProperty("splitBrain").GetBoolean(), replayOut);
        }

        Assert.Equal(Runner.Success, replayed);
        (int full, string fullOut, _) = RunnerCli.Run("split-brain", "--sweep", "20", "--shrink", "--json");
        Assert.Equal(Runner.Failure, full);
        using JsonDocument whole = JsonDocument.Parse(fullOut);
        int stoppedSize = int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"shrunk to (\d+) fault").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(whole.RootElement.GetProperty("scheduleSizeAfter").GetInt32() < stoppedSize, $"{stoppedSize} faults when stopped, {fullOut}");
        Assert.True(whole.RootElement.GetProperty("oneMinimal").GetBoolean());
    }

    [Fact]
    public void TheShrinkReport_SaysWhatIsKnownOfTheSchedule_ForEachWayAShrinkEnds()
    {
        var schedule = new DistSim.Failures.FaultSchedule().Crash(DistSim.Time.SimTime.FromSeconds(1), new DistSim.Nodes.NodeId(0));
        var done = new DistSim.Exploration.ShrinkResult(schedule, schedule, 3, OneMinimal: true);
        Assert.Equal("1-minimal: without any one of them the run passes", ShrinkCommand.Verdict(done));
        Assert.Equal("budget exhausted: not known to be 1-minimal", ShrinkCommand.Verdict(done with { OneMinimal = false }));
        Assert.Equal("stopped by Ctrl+C: not known to be 1-minimal", ShrinkCommand.Verdict(done with { OneMinimal = false, Cancelled = true }));
        Assert.StartsWith("1-minimal (without any one of them the run passes), but stopped by Ctrl+C", ShrinkCommand.Verdict(done with { Cancelled = true }), StringComparison.Ordinal);
    }

    [Fact]
    public void AShrink_StoppedWhileSearchingForAFailingSeed_SaysHowFarItGot()
    {
        using var interruption = new Interruption();
        (IScenario scenario, ScenarioArgs args) = Parsed("split-brain", interruption, "--sweep", "20", "--shrink");
        args.RunObserver = PressAtRun(interruption, 1, [0]); // during seed 1, which passes
        (int code, string output, string error) = Listening(interruption, (o, e) => ShrinkCommand.Run((IShrinkableScenario)scenario, args, o, e));

        Assert.Equal(Runner.Interrupted, code);
        Assert.Contains("no run of 1 seed(s) from 1 failed (two primaries accept writes at once) (stopped by Ctrl+C; 20 asked for); nothing to shrink", output, StringComparison.Ordinal);
        Assert.Equal("interrupted: split-brain: Ctrl+C stopped the search for a failing run after 1 seed(s); nothing to shrink (exit code 130)", error.Trim()); // no schedule is claimed
    }

    [Fact]
    public void APressDuringTheLastPath_LetsTheSearchFinish_AndSaysSo()
    {
        // byzantine-generals explores 54 paths in all: a press during the last one stops nothing.
        using var interruption = new Interruption();
        (IScenario scenario, ScenarioArgs args) = Parsed("byzantine-generals", interruption, "--explore", "30", "--json");
        args.PathObserver = PressAtPath(interruption, 54);
        (int code, string output, string error) = Listening(interruption, (o, e) => ExploreCommand.Run((IExplorableScenario)scenario, args, o, e));

        Assert.Equal(Runner.Success, code);
        using JsonDocument report = JsonDocument.Parse(output);
        Assert.Equal(54, report.RootElement.GetProperty("paths").GetInt64());
        Assert.True(report.RootElement.GetProperty("complete").GetBoolean());
        Assert.False(report.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal("note: byzantine-generals: Ctrl+C came after the search's last path and stopped nothing", error.Trim());
    }

    [Fact]
    public void AShrinkThatFailsAfterAPress_SaysNothingOfACompleteReport()
    {
        // The press stops the shrink; then --shrink-out cannot be written (a directory): the command fails with that
        // error alone, never with a note that its report is complete (it printed none).
        using var interruption = new Interruption();
        (IScenario scenario, ScenarioArgs args) = Parsed("split-brain", interruption, "--sweep", "20", "--shrink", "--shrink-out", _dir);
        args.RunObserver = PressAtRun(interruption, 12, [0]);
        (_, string output, string error) = Listening(interruption, (o, e) =>
        {
            Assert.Throws<OutputFileException>(() => ShrinkCommand.Run((IShrinkableScenario)scenario, args, o, e));
            return 0;
        });

        Assert.Equal(string.Empty, output);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void TheRunner_StopsALongSearch_WithItsReport_AndExitCode130()
    {
        // n = 7, m = 2: far more paths than a test could wait for.
        (int code, string output, string error) = InterruptTests.Interrupted("byzantine-generals", "--n", "7", "--m", "2", "--explore", "60", "--explore-paths", "1000000000");
        Assert.Equal(Runner.Interrupted, code);
        Assert.Contains("no violation in the paths explored (stopped by Ctrl+C)", output, StringComparison.Ordinal);
        Assert.Matches(@"^interrupted: byzantine-generals: Ctrl\+C stopped the search after [\d,]+ paths; the report covers them \(exit code 130\)\s*$", error);
    }

    [Fact]
    public void Lincheck_StoppedByCtrlC_IsUnknown_WithItsPrefixAndPage()
    {
        // 22 writes all concurrent with one another and with a read of a value none wrote: not linearizable, but the
        // search must rule out every order of the writes first (seconds and more).
        string history = Path.Combine(_dir, "hard.jsonl");
        var lines = new List<string>();
        const int Writers = 22;
        for (int p = 0; p < Writers; p++)
        {
            lines.Add($$"""{"process":{{p}},"type":"invoke","f":"put","key":"x","value":"{{p}}"}""");
        }

        lines.Add($$"""{"process":{{Writers}},"type":"invoke","f":"get","key":"x"}""");
        for (int p = 0; p < Writers; p++)
        {
            lines.Add($$"""{"process":{{p}},"type":"ok","f":"put","key":"x"}""");
        }

        lines.Add($$"""{"process":{{Writers}},"type":"ok","f":"get","key":"x","value":"999"}""");
        File.WriteAllLines(history, lines);
        string html = Path.Combine(_dir, "page.html");

        (int code, string output, string error) = InterruptTests.Interrupted("lincheck", "--html", html, history);
        Assert.Equal(Runner.Interrupted, code);
        Assert.Matches(@"verdict: unknown: Ctrl\+C stopped the search after \d+ steps", output);
        Assert.Contains("longest linearizable prefix so far:", output, StringComparison.Ordinal);
        Assert.Matches(@"^interrupted: lincheck: Ctrl\+C stopped the search; verdict unknown \(exit code 130\)\s*$", error);
        Assert.True(new FileInfo(html).Length > 0, "the page of an unknown verdict is written");
    }

    [Fact]
    public void Lincheck_WithoutCtrlC_DoesNotListenAfterwards()
    {
        string history = Path.Combine(_dir, "easy.jsonl");
        File.WriteAllLines(history, [
            """{"process":0,"type":"invoke","f":"put","key":"x","value":"1"}""",
            """{"process":0,"type":"ok","f":"put","key":"x"}""",
            """{"process":1,"type":"invoke","f":"get","key":"x"}""",
            """{"process":1,"type":"ok","f":"get","key":"x","value":"1"}""",
        ]);
        using var interruption = new Interruption();
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(Runner.Success, LincheckCommand.Execute([history], output, error, interruption));
        Assert.False(interruption.Listening);
        Assert.False(interruption.TryInterrupt()); // after the check: not taken, the process would end as usual
        Assert.Equal(string.Empty, error.ToString());
    }
}
