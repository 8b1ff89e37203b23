using System.Diagnostics;
using DistSim.Samples.Cli;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary>
/// Ctrl+C during a sweep (<see cref="Interruption"/>): the sweep stops, the runner says how far it got, prints no
/// report, leaves no figure it created and no existing one changed, and exits 130; a shard stopped so is not a shard
/// <c>merge</c> takes. Outside a sweep an interrupt is not taken (the process ends as usual).
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the command line and presses Ctrl+C once it listens (its sweep, search or check under way), once; the exit code, output and error.</summary>
    internal static (int Code, string Out, string Err) Interrupted(params string[] args)
    {
        using var interruption = new Interruption();
        var output = new StringWriter();
        var error = new StringWriter();
        Task<int> run = Task.Run(() => Runner.Execute(args, output, error, progress: null, interruption), TestContext.Current.CancellationToken);
        Task press = Task.Run(
            () =>
            {
                SpinWait.SpinUntil(() => interruption.Listening || run.IsCompleted);
                Thread.Sleep(50); // some runs done
                Assert.True(interruption.TryInterrupt(), "the command was not listening");
                Assert.False(interruption.TryInterrupt()); // a second press is not taken: the process would end
            },
            TestContext.Current.CancellationToken);
        Assert.True(Task.WaitAll([run, press], TimeSpan.FromMinutes(2)), "the command did not stop");
        Assert.False(interruption.Listening);
        return (run.Result, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void ASweep_StopsAtCtrlC_WithoutAReport_AndWithoutTheFigureItCreated(string parallel)
    {
        string plot = Path.Combine(_dir, "new.svg");
        (int code, string output, string error) = Interrupted("raft-election", "--sweep", "10000000", "--parallel", parallel, "--plot", plot);
        Assert.Equal(Runner.Interrupted, code);
        Assert.Equal(string.Empty, output);
        Assert.Matches(@"^interrupted: raft-election: Ctrl\+C stopped the sweep after [\d,]+ runs; no report \(exit code 130\)\s*$", error);
        Assert.False(File.Exists(plot), "a figure file the option created is removed");
    }

    [Fact]
    public void AnExistingFigure_IsLeftAsItWas()
    {
        string plot = Path.Combine(_dir, "old.svg");
        File.WriteAllText(plot, "<svg>earlier</svg>");
        (int code, _, _) = Interrupted("raft-election", "--sweep", "10000000", "--plot", plot);
        Assert.Equal(Runner.Interrupted, code);
        Assert.Equal("<svg>earlier</svg>", File.ReadAllText(plot));
    }

    [Fact]
    public void AShardStoppedByCtrlC_IsNotTakenByMerge()
    {
        string first = Path.Combine(_dir, "0.shard");
        (int code, _, string error) = Interrupted("two-generals", "--sweep", "10000000", "--shard", "0/1", "--shard-out", first);
        Assert.Equal(Runner.Interrupted, code);
        Assert.Contains("interrupted: two-generals: Ctrl+C stopped the sweep after", error, StringComparison.Ordinal);
        Assert.True(new FileInfo(first).Length > 0, "the header and the runs before the stop were written");
        (int merged, string output, string mergeError) = RunnerCli.Run("merge", first);
        Assert.Equal(Runner.UsageError, merged);
        Assert.Equal(string.Empty, output);
        Assert.True(mergeError.Contains("(cut short?)", StringComparison.Ordinal), mergeError); // a missing end line, or runs missing before it
    }

    [Fact]
    public async Task InARealProcess_SigintStopsTheSweep()
    {
        // The runner's own wiring (Console.CancelKeyPress): SIGINT, as a terminal's Ctrl+C sends it, once the sweep runs.
        string runner = Path.Combine(AppContext.BaseDirectory, "DistSim.Samples");
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists(runner) && File.Exists("/bin/kill"), "needs Linux, /bin/kill and the samples runner's executable");
        string plot = Path.Combine(_dir, "real.svg");
        var start = new ProcessStartInfo(runner) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "raft-election", "--sweep", "10000000", "--plot", plot })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            // The figure's file is made just before the runs start; give the sweep a moment to be under way.
            Assert.True(SpinWait.SpinUntil(() => File.Exists(plot) || process.HasExited, TimeSpan.FromMinutes(1)), "the runner did not start");
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            using (Process kill = Process.Start("/bin/kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        string error = await stderr;
        Assert.True(process.ExitCode == Runner.Interrupted, $"exit code {process.ExitCode}: {error}");
        Assert.Matches(@"^interrupted: raft-election: Ctrl\+C stopped the sweep after [\d,]+ runs; no report", error);
        Assert.Equal(string.Empty, await stdout);
        Assert.False(File.Exists(plot));
    }

    /// <summary>The scenario run as the runner runs a sweep command, listening; <paramref name="observe"/> sees each run folded.</summary>
    private static (Interruption Interruption, ScenarioArgs Args, IScenario Scenario) Listening(string scenario, string[] options, Action<Interruption, int> observe)
    {
        IScenario s = Runner.Scenarios.Single(x => x.Name == scenario);
        ScenarioArgs args = ScenarioArgs.Parse(options, s.Options);
        var interruption = new Interruption();
        int folded = 0;
        args.Interruption = interruption;
        args.RunObserver = _ => observe(interruption, ++folded);
        return (interruption, args, s);
    }

    [Fact]
    public void ACommandOfSeveralSweeps_StopsBetweenThem_AndCountsEveryRun()
    {
        // A figure of three curves sweeps once per messenger count; Ctrl+C after the first sweep's last run (between two
        // sweeps) stops the command before the second, reports the runs of all sweeps so far, and leaves no figure.
        string plot = Path.Combine(_dir, "curves.svg");
        (Interruption interruption, ScenarioArgs args, IScenario scenario) = Listening(
            "two-generals", ["--strategy", "redundant", "--messengers", "3", "--sweep", "20", "--plot", plot, "--parallel", "2"],
            (i, folded) =>
            {
                if (folded == 20)
                {
                    Assert.True(i.TryInterrupt());
                }
            });
        using (interruption)
        using (interruption.Listen())
        {
            var stopped = Assert.Throws<SweepInterruptedException>(() => scenario.Run(args, new StringWriter()));
            Assert.Equal(20, stopped.Completed);
        }

        Assert.False(File.Exists(plot));
    }

    [Fact]
    public void ACancellationFromScenarioCode_IsNotAnInterrupt()
    {
        // Scenario code that throws its own OperationCanceledException while an interrupt is pending is a failure of that
        // code, not a Ctrl+C: the runner must not report it as the sweep stopped.
        (Interruption interruption, ScenarioArgs args, IScenario scenario) = Listening(
            "two-generals", ["--sweep", "20"],
            (i, folded) =>
            {
                if (folded == 5)
                {
                    Assert.True(i.TryInterrupt());
                    throw new OperationCanceledException("the scenario's own");
                }
            });
        using (interruption)
        using (interruption.Listen())
        {
            var thrown = Assert.Throws<OperationCanceledException>(() => scenario.Run(args, new StringWriter()));
            Assert.Equal("the scenario's own", thrown.Message);
        }
    }

    [Fact]
    public void AnInterruption_TakesOnePressAtMost_AndNoneOnceDisposed()
    {
        var interruption = new Interruption();
        IDisposable scope = interruption.Listen();
        var taken = new int[1];
        Parallel.For(0, 8, _ =>
        {
            if (interruption.TryInterrupt())
            {
                Interlocked.Increment(ref taken[0]);
            }
        });
        Assert.Equal(1, taken[0]);
        scope.Dispose();
        scope.Dispose(); // once only
        Assert.False(interruption.Listening);

        var disposed = new Interruption();
        using (disposed.Listen())
        {
            disposed.Dispose();
            Assert.False(disposed.TryInterrupt()); // a signal after the runner let go of it: not taken, no exception
        }
    }

    [Fact]
    public void OutsideASweep_AnInterruptIsNotTaken()
    {
        using var interruption = new Interruption();
        Assert.False(interruption.TryInterrupt()); // before anything runs
        var output = new StringWriter();
        Assert.Equal(0, Runner.Execute(["two-generals", "--sweep", "20"], output, new StringWriter(), progress: null, interruption));
        Assert.Contains("20", output.ToString(), StringComparison.Ordinal);
        Assert.False(interruption.Listening);
        Assert.False(interruption.TryInterrupt()); // after a sweep that ended
        Assert.False(interruption.Token.IsCancellationRequested);
    }
}
