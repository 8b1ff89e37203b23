using System.Globalization;
using System.Text;
using DistSim.Checking;
using DistSim.Samples.Cli;

namespace DistSim.Samples.Lincheck;

/// <summary>
/// <c>lincheck [--model kv|register|cas-register|set|queue|counter] [--format jsonl|edn] [--initial VALUE] [--html FILE]
/// [--steps N] [--timeout SECONDS] FILE</c>: checks a recorded history for linearizability and prints the verdict; for a
/// violation, the operation that cannot be linearized and the length of the longest linearizable prefix.
/// </summary>
/// <remarks>
/// Exit codes: 0 linearizable; 1 not linearizable; 2 bad input (an option, an unreadable file or <c>--html</c> path, a
/// malformed history: the message names the file, the line and the text); 3 unknown (the <c>--steps</c> or
/// <c>--timeout</c> budget ran out; <see cref="Runner.LimitHit"/>); 130 unknown (Ctrl+C stopped the search; <see cref="Runner.Interrupted"/>).
/// Formats and models: <c>docs/concepts/checking.md</c>.
/// </remarks>
public static class LincheckCommand
{
    /// <summary>Exit code when the history is not linearizable.</summary>
    public const int NotLinearizable = 1;

    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run --project samples/DistSim.Samples -- lincheck [--model kv|register|cas-register|set|queue|counter] [--format jsonl|edn] [--initial VALUE] [--html FILE] [--steps N] [--timeout SECONDS] FILE";

    private static readonly string[] Options = ["model", "format", "initial", "html", "steps", "timeout"];

    /// <summary>Runs <c>lincheck</c> with its arguments (after the word <c>lincheck</c>); returns the exit code.</summary>
    /// <param name="args">The arguments after the word <c>lincheck</c>.</param>
    /// <param name="output">Where the verdict goes.</param>
    /// <param name="error">Where errors and notes go.</param>
    /// <param name="interruption">
    /// What stops the search (Ctrl+C; null: nothing): the verdict is then unknown, printed with the longest linearizable
    /// prefix found so far, the <c>--html</c> page is written as for any unknown verdict, and the exit code is
    /// <see cref="Runner.Interrupted"/>.
    /// </param>
    public static int Execute(IReadOnlyList<string> args, TextWriter output, TextWriter error, Interruption? interruption = null)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            WriteHelp(output);
            return Runner.Success;
        }

        try
        {
            (Dictionary<string, string> options, string file) = Parse(args);
            string text = ReadFile(file);
            string format = options.GetValueOrDefault("format") ?? Sniff(file, text);
            LincheckModel model = Model(options.GetValueOrDefault("model") ?? (format == "edn" ? "cas-register" : "kv"));
            string? initial = Initial(model, options.GetValueOrDefault("initial"));
            var budget = new LinearizabilityOptions { MaxSteps = Steps(options), TimeLimit = Timeout(options) };
            List<HistoryEvent> events = format == "edn" ? EdnHistoryReader.Read(file, text) : JsonlHistoryReader.Read(file, text);
            (List<FileOperation> ops, int failed, int skipped) = HistoryPairing.Pair(file, events);
            using (interruption?.Listen())
            {
                int code = Check(file, format, model, initial, ops, failed, skipped, budget, options, output, interruption?.Token ?? CancellationToken.None);
                if (code == Runner.Interrupted)
                {
                    error.WriteLine($"interrupted: lincheck: Ctrl+C stopped the search; verdict unknown (exit code {Runner.Interrupted})");
                }
                else if (interruption is { Token.IsCancellationRequested: true })
                {
                    error.WriteLine("note: lincheck: Ctrl+C came after the search had ended and stopped nothing");
                }

                return code;
            }
        }
        catch (Exception ex) when (ex is UsageException or HistoryFileException)
        {
            error.WriteLine($"error: lincheck: {ex.Message}");
            error.WriteLine(Usage);
            return Runner.UsageError;
        }
    }

    /// <summary>Checks, prints, and writes the page; the <c>--html</c> file is opened before the search (a bad path fails at once) and removed if the check fails.</summary>
    private static int Check(string file, string format, LincheckModel model, string? initial, List<FileOperation> ops, int failed, int skipped, LinearizabilityOptions budget, Dictionary<string, string> options, TextWriter output, CancellationToken stop)
    {
        string? path = options.GetValueOrDefault("html");
        StreamWriter? html = OpenHtml(path);
        bool written = false;
        try
        {
            LincheckReport report = model.Check(file, ops, initial, unknownNil: format == "edn", budget, stop);
            Print(output, file, format, model, initial, ops, failed, skipped, report, options);
            if (html is not null)
            {
                report.WriteHtml(html, $"{Path.GetFileName(file)} ({model.Name})");
            }

            written = true;
            return report.Verdict switch
            {
                LinearizabilityVerdict.Linearizable => Runner.Success,
                LinearizabilityVerdict.NotLinearizable => NotLinearizable,
                _ when report.Reason == UnknownReason.Cancelled => Runner.Interrupted,
                _ => Runner.LimitHit,
            };
        }
        finally
        {
            html?.Dispose();
            if (html is not null && !written)
            {
                File.Delete(path!);
            }
        }
    }

    private static (Dictionary<string, string> Options, string File) Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? file = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                if (!Options.Contains(name))
                {
                    throw new UsageException($"unknown option '{a}' (lincheck takes --{string.Join(", --", Options)} and one file)");
                }

                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"option '{a}' needs a value");
                }

                if (!options.TryAdd(name, args[++i]))
                {
                    throw new UsageException($"option '{a}' is given twice");
                }
            }
            else
            {
                file = file is null ? a : throw new UsageException($"one history file at a time ('{file}', then '{a}')");
            }
        }

        return (options, file ?? throw new UsageException("no history file given"));
    }

    private static string ReadFile(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot read '{file}': {ex.Message}");
        }
    }

    /// <summary>The format by extension (<c>.edn</c>, <c>.jsonl</c>, <c>.json</c>), else by the first character: <c>{"</c> is JSON, <c>{:</c>, <c>[</c>, <c>(</c>, <c>;</c> are EDN.</summary>
    private static string Sniff(string file, string text)
    {
        string extension = Path.GetExtension(file).ToLowerInvariant();
        if (extension is ".edn" or ".jsonl" or ".json")
        {
            return extension == ".edn" ? "edn" : "jsonl";
        }

        string start = text.TrimStart();
        return start.StartsWith('{') && start[1..].TrimStart().StartsWith('"') ? "jsonl"
            : start.Length == 0 || start[0] is '{' or '[' or '(' or ';' ? "edn"
            : throw new UsageException($"--format: cannot tell the format of '{file}'; give --format jsonl or --format edn");
    }

    private static LincheckModel Model(string name) =>
        LincheckModel.All.FirstOrDefault(m => m.Name == name)
        ?? throw new UsageException($"--model: unknown model '{name}' (one of {string.Join(", ", LincheckModel.All.Select(m => m.Name))})");

    private static string? Initial(LincheckModel model, string? value)
    {
        if (value is null)
        {
            return null;
        }

        return model.Name switch
        {
            "register" or "cas-register" => value is "nil" or "null" ? null : value,
            "counter" when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => value,
            "counter" => throw new UsageException($"--initial: the counter starts at an integer, not '{value}'"),
            _ => throw new UsageException($"--initial: the {model.Name} model starts empty; --initial is for register, cas-register and counter"),
        };
    }

    private static long? Steps(Dictionary<string, string> options) => options.TryGetValue("steps", out string? v)
        ? long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : throw new UsageException($"--steps: '{v}' is not a whole number > 0")
        : null;

    private static TimeSpan? Timeout(Dictionary<string, string> options)
    {
        if (!options.TryGetValue("timeout", out string? v))
        {
            return null;
        }

        return double.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double s) && s > 0 && s <= 1e9
            ? TimeSpan.FromSeconds(s)
            : throw new UsageException($"--timeout: '{v}' is not a number of seconds in (0, 1e9]");
    }

    private static StreamWriter? OpenHtml(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"--html: cannot write '{path}': {ex.Message}");
        }
    }

    private static void Print(TextWriter w, string file, string format, LincheckModel model, string? initial, List<FileOperation> ops, int failed, int skipped, LincheckReport report, Dictionary<string, string> options)
    {
        string start = model.Name is "register" or "cas-register" ? $", initial value {initial ?? "nil"}" : model.Name == "counter" ? $", initial count {initial ?? "0"}" : string.Empty;
        w.WriteLine($"history: {file} ({format}), model {model.Name}{start}");
        int pending = ops.Count(o => !o.Completed);
        w.WriteLine($"operations: {ops.Count} checked ({pending} pending), {failed} failed and left out, {skipped} other events skipped; {ops.Select(o => o.Process).Distinct().Count()} processes");
        string partitions = report.Partitions > 0 ? $", {report.Partitions} partitions" : string.Empty;
        switch (report.Verdict)
        {
            case LinearizabilityVerdict.Linearizable:
                w.WriteLine($"verdict: linearizable ({report.Steps} steps{partitions})");
                break;
            case LinearizabilityVerdict.NotLinearizable:
                w.WriteLine($"verdict: NOT linearizable ({report.Steps} steps{partitions})");
                FileOperation f = report.Failing!;
                string where = report.FailingPartition is { } key ? $" in partition '{key}'" : string.Empty;
                w.WriteLine($"cannot linearize: process {f.Process}: {f.Describe()} ({f.Lines}){where}");
                w.WriteLine($"longest linearizable prefix: {report.PrefixLength} operations");
                break;
            default:
                string why = report.Reason switch
                {
                    UnknownReason.StepLimit => $"the step budget ran out (--steps {options["steps"]})",
                    UnknownReason.TimeLimit => $"the time budget ran out (--timeout {options["timeout"]})",
                    _ => "Ctrl+C stopped the search",
                };
                w.WriteLine($"verdict: unknown: {why} after {report.Steps} steps{partitions}");
                w.WriteLine($"longest linearizable prefix so far: {report.PrefixLength} operations");
                break;
        }

        if (options.TryGetValue("html", out string? html))
        {
            w.WriteLine($"html: {html}");
        }
    }

    private static void WriteHelp(TextWriter w)
    {
        w.WriteLine(Usage);
        w.WriteLine("checks a history for linearizability (docs/concepts/checking.md)");
        w.WriteLine("  --model NAME      the sequential model (default: cas-register for EDN, kv for JSON Lines):");
        foreach (LincheckModel m in LincheckModel.All)
        {
            w.WriteLine($"                      {m.Name,-13} {m.Operations}");
        }

        w.WriteLine("  --format FORMAT   jsonl (one JSON event per line) or edn (Jepsen/Knossos); default by extension, else by content");
        w.WriteLine("  --initial VALUE   the register's initial value (default nil) or the counter's (default 0)");
        w.WriteLine("  --html FILE       write the history, verdict and evidence as one self-contained HTML page");
        w.WriteLine("  --steps N         give up after N search steps: verdict unknown (deterministic)");
        w.WriteLine("  --timeout SECONDS give up after this much wall-clock time: verdict unknown");
        w.WriteLine("exit codes: 0 linearizable; 1 not linearizable; 2 bad input; 3 unknown (budget ran out); 130 unknown (Ctrl+C stopped the search)");
    }
}
