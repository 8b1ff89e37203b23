using System.Globalization;
using DistSim.Sweeps;
using Spectre.Console;

namespace DistSim.Samples.Cli;

/// <summary>
/// A progress bar for a sweep on a terminal (Spectre.Console): seeds done of the total, the rate, the time elapsed and
/// the time left. It draws on the standard error and only when both standard output and standard error are terminals
/// and the report is not JSON, so a redirected, piped or <c>--json</c> output is never touched. It reads the wall clock
/// to show the rate; nothing it shows goes into a run or the report.
/// </summary>
public sealed class SweepProgressBar
{
    private readonly IAnsiConsole _console;

    /// <summary>Draws on <paramref name="console"/> (a test gives a recording console).</summary>
    /// <param name="console">Where to draw.</param>
    /// <param name="title">What is swept, shown before the counts (the runner gives the scenario's name).</param>
    public SweepProgressBar(IAnsiConsole console, string title = "sweep")
    {
        _console = console;
        Title = title;
    }

    /// <summary>What is swept, shown before the counts.</summary>
    public string Title { get; }

    /// <summary>The same bar with another title.</summary>
    /// <param name="title">What is swept.</param>
    public SweepProgressBar WithTitle(string title) => new(_console, title);

    /// <summary>
    /// The bar for this process: on the standard error when <paramref name="outputRedirected"/> and
    /// <paramref name="errorRedirected"/> are both false (a terminal on both), else null (no progress at all).
    /// </summary>
    /// <param name="outputRedirected">Whether the standard output goes to a file or a pipe.</param>
    /// <param name="errorRedirected">Whether the standard error goes to a file or a pipe.</param>
    public static SweepProgressBar? ForTerminal(bool outputRedirected, bool errorRedirected) =>
        outputRedirected || errorRedirected
            ? null
            : new SweepProgressBar(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    /// <summary>Whether a run of <paramref name="args"/> shows this bar: a sweep (not a shard) whose report is not JSON.</summary>
    /// <param name="args">The parsed command line.</param>
    public static bool Applies(ScenarioArgs args) => args.Sweep > 0 && !args.Json && args.Shard is null;

    /// <summary>Runs <paramref name="sweep"/> with the bar drawn; the sweep reports each delivered seed to the action it is given.</summary>
    /// <typeparam name="T">What the sweep returns.</typeparam>
    /// <param name="total">The seeds in the sweep.</param>
    /// <param name="sweep">The sweep.</param>
    public T Track<T>(long total, Func<Action<SweepProgress>, T> sweep) =>
        _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Describe(Title, 0, total, null), maxValue: Math.Max(1, total));
                return sweep(p =>
                {
                    task.Value = p.Completed;
                    task.Description = Describe(Title, p.Completed, p.Total, task.Speed);
                });
            });

    private static string Describe(string title, long done, long total, double? rate) =>
        string.Create(CultureInfo.InvariantCulture, $"{Markup.Escape(title)}: {done:N0}/{total:N0} seeds{(rate is { } r ? $", {r:N0} seeds/s" : string.Empty)}");
}
