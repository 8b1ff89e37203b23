using System.Globalization;
using DistSim.Timing;

namespace DistSim.Samples.Cli;

/// <summary>Parsed options of one invocation, with typed, validated accessors that name the option on error.</summary>
public sealed class ScenarioArgs
{
    /// <summary>Numbers as written by people and scripts: sign, digits, point, exponent; no spaces, no thousands separators, no hex.</summary>
    internal const NumberStyles StrictFloat = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    private readonly Dictionary<string, string?> _values;

    private ScenarioArgs(Dictionary<string, string?> values) => _values = values;

    /// <summary>The options common to every scenario.</summary>
    public static IReadOnlyList<OptionSpec> CommonOptions { get; } =
    [
        new("seed", "N", "master seed (unsigned 64-bit)", "1"),
        new("json", null, "print exactly one JSON object, on one line, instead of the summary (schemas: docs/schemas/)"),
        new("json-pretty", null, "like --json, indented over several lines"),
        new("trace", "FILE", "stream the run's trace as JSON Lines to FILE (one run; nothing kept in memory; a pipe or device gets it at the end; not stdout)"),
        new("mermaid", "FILE", "write the run as a Mermaid sequence diagram to FILE"),
        new("perfetto", "FILE", "write the run in the Chrome trace-event format to FILE (open it in Perfetto or chrome://tracing)"),
        new("html", "FILE", "write the run as a self-contained HTML space-time view to FILE (lanes, arrows, faults; zoom, filters, details)"),
        new("sweep", "N", "run N seeds from --seed and print the distribution"),
        new("event-limit", "N", "stop each run after N events (default: the scenario's own limit); a run stopped by a limit exits with 3"),
        new("parallel", "N", "with --sweep: run N seeds at once; the output is the same for every N (default: all cores; 1 runs them one after the other)"),
        new("shard", "I/N", "with --sweep: run only slice I of N (from 0) and write its runs as JSON Lines for 'merge' (see docs/guides/distributed-sweeps.md)"),
        new("shard-out", "FILE", "with --shard: write the slice to FILE instead of the standard output"),
        new("buggify", null, "switch on the BUGGIFY fault points in node code: each site on for a run with 25 %, firing with 25 % (see docs/concepts/fault-schedules.md)"),
        new("faults", "FILE", "replay the fault schedule in FILE (JSON, as --shrink writes it) instead of the random faults"),
        new("shrink", null, "find the first failing run (of --sweep N seeds from --seed) and shrink its faults to a 1-minimal schedule (scenarios with a property)"),
        new("shrink-out", "FILE", "with --shrink: write the shrunk schedule as JSON to FILE (replay it with --faults FILE)"),
        new("shrink-budget", "N", "with --shrink: replay at most N candidate schedules", "2000"),
        new("explore", "N", "bounded exhaustive search of the decisions within the first N events (order, drops, crashes, choices) for a run violating the scenario's property (scenarios with one)"),
        new("explore-drops", "D", "with --explore: packets a path may lose (default: the scenario's)"),
        new("explore-crashes", "C", "with --explore: crashes a path may have (default: the scenario's)"),
        new("explore-paths", "P", "with --explore: the most paths (runs) explored", "100000"),
        new("explore-path", "CHOICES", "with --explore: replay one path (the comma-separated choices --explore printed) instead of searching"),
        new("schedule", "S", "scheduling strategy: " + ScheduleSpec.Syntax + " (K: the steps of a run; default: counted by a FIFO run of --seed; see docs/concepts/exploration.md)", "fifo"),
    ];

    /// <summary>The most threads <c>--parallel</c> accepts.</summary>
    public const int MaxParallel = 1024;

    /// <summary>Options that change no run and no figure of the report's content, left out of a shard's <see cref="RunOptions"/>.</summary>
    private static readonly string[] PresentationOptions = ["shard", "shard-out", "parallel", "json", "json-pretty"];

    /// <summary>The master seed (<c>--seed</c>, default 1).</summary>
    public ulong Seed => GetUInt64("seed", 1);

    /// <summary>Whether <c>--json</c> or <c>--json-pretty</c> was given.</summary>
    public bool Json => Has("json") || Has("json-pretty");

    /// <summary>The <c>--trace</c> file, if any.</summary>
    public string? TraceFile => _values.TryGetValue("trace", out string? v) ? v : null;

    /// <summary>The options that write one run to a file, in the order they are checked.</summary>
    public static IReadOnlyList<string> OutputOptions { get; } = ["trace", "mermaid", "perfetto", "html"];

    /// <summary>The file of one of the <see cref="OutputOptions"/>, if given.</summary>
    /// <param name="option">The option's name without dashes.</param>
    public string? OutputFile(string option) => _values.TryGetValue(option, out string? v) ? v : null;

    /// <summary>The first of the <see cref="OutputOptions"/> that was given (they write one run), or null.</summary>
    public string? OutputOption => OutputOptions.FirstOrDefault(Has);

    /// <summary>The <c>--sweep</c> count, or 0 for a single run.</summary>
    public int Sweep => Has("sweep") ? GetInt("sweep", 0, min: 1, max: 10_000_000) : 0;

    /// <summary>The <c>--event-limit</c> of each run, or null for the scenario's own.</summary>
    public long? EventLimit => Has("event-limit") ? GetLong("event-limit", 0, min: 1, max: 1_000_000_000_000) : null;

    /// <summary>The <c>--parallel</c> threads of a sweep (default: every core).</summary>
    public int Parallel => Has("parallel")
        ? GetInt("parallel", 1, min: 1, max: MaxParallel)
        : Environment.ProcessorCount; // determinism-ok: how many seeds run at once, never what a run computes

    /// <summary>The BUGGIFY options of <c>--buggify</c>; null without it.</summary>
    public Failures.BuggifyOptions? Buggify => Has("buggify") ? new Failures.BuggifyOptions() : null;

    /// <summary>The schedule of <c>--faults FILE</c>, read once; null without the option.</summary>
    /// <exception cref="UsageException">The file cannot be read or is not a fault schedule.</exception>
    public Failures.FaultSchedule? Faults
    {
        get
        {
            if (!_values.TryGetValue("faults", out string? path) || path is null)
            {
                return null;
            }

            if (_faults is null)
            {
                try
                {
                    _faults = Failures.FaultSchedule.FromJson(File.ReadAllText(path));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    throw new UsageException($"--faults: '{path}' is not a readable fault schedule: {ex.Message}");
                }
            }

            return _faults;
        }
    }

    private Failures.FaultSchedule? _faults;
    /// <summary>The <c>--schedule</c> strategy, or null when not given (the scenario's own, FIFO).</summary>
    public ScheduleSpec? Schedule => Has("schedule") ? ScheduleSpec.Parse(GetString("schedule", string.Empty)) : null;

    /// <summary>The strategy of <c>--schedule</c> with K counted (set by <see cref="Cli.Sweep"/> before the runs); null when not given.</summary>
    internal Scheduling.Scheduler? Scheduler { get; set; }

    /// <summary>The <c>--shard</c> slice, or null for the whole sweep.</summary>
    public ShardSpec? Shard => Has("shard") ? ShardSpec.Parse(GetString("shard", string.Empty)) : null;

    /// <summary>The <c>--shard-out</c> file, or null for the standard output.</summary>
    public string? ShardOutFile => _values.TryGetValue("shard-out", out string? v) ? v : null;

    /// <summary>The progress bar of a sweep (set by the runner on a terminal, <see cref="SweepProgressBar.Applies"/>); null for none.</summary>
    internal SweepProgressBar? Progress { get; set; }

    /// <summary>Where a shard writes its runs (set by the runner with <c>--shard</c>); null otherwise.</summary>
    internal ShardSink? ShardSink { get; set; }

    /// <summary>In a <c>merge</c>: the runs of every slice, in seed order, to fold instead of playing; null otherwise.</summary>
    internal IEnumerable<ReplayedRun>? Replay { get; set; }

    /// <summary>
    /// Parses the common options now (<c>--seed</c>, <c>--sweep</c>, <c>--event-limit</c>), so that a bad one is reported
    /// before anything is created or run; a sweep whose last seed, <c>--seed</c> + <c>--sweep</c> − 1, would pass
    /// 2⁶⁴ − 1 is one (it would wrap to seed 0 and run seeds the user did not ask for).
    /// </summary>
    public void ValidateCommon()
    {
        ulong seed = Seed;
        int sweep = Sweep;
        _ = EventLimit;
        _ = Parallel;
        _ = Schedule;
        ShardSpec? shard = Shard;
        RejectUnless("json-pretty", !Has("json"), "is --json indented; give one of them");
        RejectUnless("parallel", sweep > 0, "runs the seeds of a sweep side by side; only with --sweep");
        RejectUnless("shard", sweep > 0, "slices the seeds of a sweep; only with --sweep");
        RejectUnless("shard-out", shard is not null, "only with --shard");
        foreach (string option in new[] { "explore-drops", "explore-crashes", "explore-paths", "explore-path" })
        {
            RejectUnless(option, Has("explore"), "only with --explore");
        }

        RejectUnless("explore", !Has("shrink") && sweep == 0 && shard is null && OutputOption is null && !Has("faults") && !Has("schedule"),
            "searches the decisions of one seed's runs; not with --shrink, --sweep, --shard, --trace, --mermaid, --perfetto, --html, --faults or --schedule");
        if (Has("explore"))
        {
            _ = GetInt("explore", 30, min: 0, max: 1_000_000);
            _ = GetInt("explore-drops", 0, min: 0, max: 1000);
            _ = GetInt("explore-crashes", 0, min: 0, max: 1000);
            _ = GetLong("explore-paths", 100_000, min: 1, max: 1_000_000_000);
        }

        // --plot is a scenario's own option (raft-election, two-generals, bitcoin), but whether it can apply is common.
        RejectUnless("plot", sweep > 0, "draws the distribution of a sweep; only with --sweep N");
        RejectUnless("plot", shard is null && !Has("shrink"), "draws the whole sweep; not with --shard or --shrink");
        RejectUnless("shrink-out", Has("shrink"), "only with --shrink");
        RejectUnless("shrink-budget", Has("shrink"), "only with --shrink");
        RejectUnless("shrink", shard is null, "shrinks one failing run; not with --shard");
        RejectUnless("shrink", !Has("faults"), "records the random faults of the failing run; not with --faults (a replay)");
        RejectUnless("shrink", OutputOption is null, "replays hundreds of candidates; write the shrunk run's trace by replaying it: --faults FILE --trace FILE");
        _ = Faults;
        if (Has("shrink-budget"))
        {
            _ = GetInt("shrink-budget", 2000, min: 1, max: 10_000_000);
        }
        if (shard is not null && Json)
        {
            throw new UsageException($"--{(Has("json") ? "json" : "json-pretty")}: a shard writes its runs as JSON Lines for 'merge'; give --json to merge instead");
        }

        if (shard is not null && shard.Count > sweep)
        {
            throw new UsageException(Invariant($"--shard: {shard} cuts a sweep of {sweep} run(s) into {shard.Count} slices; every slice needs a run (use n <= {sweep})"));
        }

        if (sweep > 1 && seed > ulong.MaxValue - (ulong)(sweep - 1))
        {
            throw new UsageException(Invariant($"--sweep: {sweep} seeds from --seed {seed} would pass the largest seed, {ulong.MaxValue}; use --seed {ulong.MaxValue - (ulong)(sweep - 1)} or below, or a smaller --sweep"));
        }
    }

    /// <summary>What stops this command at Ctrl+C: its sweeps, its search or its shrink (<see cref="Runner.Execute(string[], TextWriter, TextWriter, SweepProgressBar?, Interruption?)"/> sets it for such a command); null: nothing.</summary>
    internal Interruption? Interruption { get; set; }

    /// <summary>Runs folded so far by this command's sweeps (a figure may sweep once per curve): what an interruption reports.</summary>
    internal long RunsFolded { get; set; }

    /// <summary>For tests: sees each run's simulation as <see cref="Cli.Sweep"/> folds it, or as <c>--shrink</c> plays it (and should not keep it).</summary>
    internal Action<Simulation>? RunObserver { get; set; }

    /// <summary>For tests: called after each path <c>--explore</c> plays, with the number of paths played so far.</summary>
    internal Action<long>? PathObserver { get; set; }

    /// <summary>
    /// The options given that shape the runs and the report (all but <c>--shard</c>, <c>--shard-out</c>,
    /// <c>--parallel</c> and <c>--json</c>), sorted by name; a flag's value is null. Shards of one sweep have equal ones.
    /// </summary>
    public IReadOnlyDictionary<string, string?> RunOptions()
    {
        var options = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, string? value) in _values)
        {
            if (!PresentationOptions.Contains(name, StringComparer.Ordinal))
            {
                options[name] = value;
            }
        }

        return options;
    }

    /// <summary>
    /// The command line that replays one run of this invocation: the scenario, its run-shaping options but
    /// <paramref name="drop"/>, then <paramref name="add"/> (e.g. the seed found and the file written), with values that
    /// need it quoted for a POSIX shell.
    /// </summary>
    public string ReplayLine(string scenario, IEnumerable<string> drop, params (string Name, string? Value)[] add)
    {
        var options = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, string? value) in RunOptions())
        {
            if (!drop.Contains(name, StringComparer.Ordinal))
            {
                options[name] = value;
            }
        }

        foreach ((string name, string? value) in add)
        {
            options[name] = value;
        }

        static string Quote(string word) => word.All(c => char.IsLetterOrDigit(c) || "-_=./:,+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        return string.Join(' ', new[] { scenario }.Concat(CommandLine(options)).Select(Quote));
    }

    /// <summary>The command line of <paramref name="options"/> (as <see cref="RunOptions"/> gives them): <c>--name=value</c>, or <c>--name</c> for a flag.</summary>
    public static IEnumerable<string> CommandLine(IEnumerable<KeyValuePair<string, string?>> options) =>
        options.Select(o => o.Value is null ? "--" + o.Key : "--" + o.Key + "=" + o.Value);

    /// <summary>Parses <paramref name="args"/> against the common options and <paramref name="specs"/>.</summary>
    public static ScenarioArgs Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var known = CommonOptions.Concat(specs).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}' (options start with --)");
            }

            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!known.TryGetValue(name, out OptionSpec? spec))
            {
                throw new UsageException($"unknown option '--{name}'");
            }

            if (values.ContainsKey(name))
            {
                throw new UsageException($"option '--{name}' is given twice");
            }

            if (spec.IsFlag)
            {
                if (inline is not null)
                {
                    throw new UsageException($"option '--{name}' takes no value");
                }

                values[name] = null;
            }
            else if (inline is not null)
            {
                values[name] = inline;
            }
            else if (i + 1 < args.Count && !(args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
            {
                values[name] = args[++i];
            }
            else
            {
                throw new UsageException($"option '--{name}' needs a value ({spec.ValueName})");
            }
        }

        return new ScenarioArgs(values);
    }

    /// <summary>Whether the option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>A usage error naming <paramref name="name"/> when it was given although <paramref name="applies"/> is false.</summary>
    /// <param name="name">The option, without dashes.</param>
    /// <param name="applies">Whether the option means anything with the other options given.</param>
    /// <param name="only">When it applies, e.g. <c>only with --strategy acks</c>.</param>
    public void RejectUnless(string name, bool applies, string only)
    {
        if (Has(name) && !applies)
        {
            throw new UsageException($"--{name}: {only}");
        }
    }

    /// <summary>The raw value, or <paramref name="fallback"/>.</summary>
    public string GetString(string name, string fallback) => _values.TryGetValue(name, out string? v) && v is not null ? v : fallback;

    /// <summary>A choice among <paramref name="allowed"/>.</summary>
    public string GetChoice(string name, string fallback, params string[] allowed)
    {
        string v = GetString(name, fallback);
        return allowed.Contains(v, StringComparer.Ordinal)
            ? v
            : throw new UsageException($"--{name}: '{v}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>A probability in [0, 1].</summary>
    public double GetProbability(string name, double fallback)
    {
        if (!_values.TryGetValue(name, out string? v) || v is null)
        {
            return fallback;
        }

        return double.TryParse(v, StrictFloat, CultureInfo.InvariantCulture, out double p) && p >= 0 && p <= 1
            ? p
            : throw new UsageException($"--{name}: '{v}' is not a probability in [0, 1]");
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int GetInt(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out string? v) || v is null)
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new UsageException($"--{name}: '{v}' is not an integer in [{min}, {max}]");
    }

    /// <summary>A 64-bit integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long GetLong(string name, long fallback, long min, long max)
    {
        if (!_values.TryGetValue(name, out string? v) || v is null)
        {
            return fallback;
        }

        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n >= min && n <= max
            ? n
            : throw new UsageException($"--{name}: '{v}' is not an integer in [{min}, {max}]");
    }

    /// <summary>An unsigned 64-bit integer.</summary>
    public ulong GetUInt64(string name, ulong fallback)
    {
        if (!_values.TryGetValue(name, out string? v) || v is null)
        {
            return fallback;
        }

        return ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n)
            ? n
            : throw new UsageException($"--{name}: '{v}' is not an unsigned 64-bit integer");
    }

    /// <summary>A positive duration such as <c>150ms</c>, <c>2s</c>, <c>3h</c>.</summary>
    public TimeSpan GetDuration(string name, TimeSpan fallback)
    {
        if (!_values.TryGetValue(name, out string? v) || v is null)
        {
            return fallback;
        }

        return DelaySpec.TryParseDuration(v, out TimeSpan d) && d > TimeSpan.Zero
            ? d
            : throw new UsageException($"--{name}: '{v}' is not a positive duration below {DelaySpec.MaxDurationDays:0} days (e.g. 150ms, 2s, 3h)");
    }

    /// <summary>A delay distribution; see <see cref="DelaySpec"/>.</summary>
    public Delay GetDelay(string name, Delay fallback)
    {
        if (!_values.TryGetValue(name, out string? v) || v is null)
        {
            return fallback;
        }

        return DelaySpec.Parse(v, name);
    }
}
