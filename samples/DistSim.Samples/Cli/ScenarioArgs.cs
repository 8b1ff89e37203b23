using System.Globalization;
using DistSim.Timing;

namespace DistSim.Samples.Cli;

/// <summary>Parsed options of one invocation, with typed, validated accessors that name the option on error.</summary>
public sealed class ScenarioArgs
{
    private readonly Dictionary<string, string?> _values;

    private ScenarioArgs(Dictionary<string, string?> values) => _values = values;

    /// <summary>The options common to every scenario.</summary>
    public static IReadOnlyList<OptionSpec> CommonOptions { get; } =
    [
        new("seed", "N", "master seed (unsigned 64-bit)", "1"),
        new("json", null, "print exactly one JSON object instead of the summary"),
        new("trace", "FILE", "write the run's trace as JSON Lines to FILE"),
        new("mermaid", "FILE", "write the run as a Mermaid sequence diagram to FILE"),
        new("sweep", "N", "run N seeds from --seed and print the distribution"),
    ];

    /// <summary>The master seed (<c>--seed</c>, default 1).</summary>
    public ulong Seed => GetUInt64("seed", 1);

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json => Has("json");

    /// <summary>The <c>--trace</c> file, if any.</summary>
    public string? TraceFile => _values.TryGetValue("trace", out string? v) ? v : null;

    /// <summary>The <c>--mermaid</c> file, if any.</summary>
    public string? MermaidFile => _values.TryGetValue("mermaid", out string? v) ? v : null;

    /// <summary>Whether the run must record its trace (for <c>--trace</c> or <c>--mermaid</c>).</summary>
    public bool RecordTrace => TraceFile is not null || MermaidFile is not null;

    /// <summary>The <c>--sweep</c> count, or 0 for a single run.</summary>
    public int Sweep => Has("sweep") ? GetInt("sweep", 0, min: 1, max: 10_000_000) : 0;

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
            else if (i + 1 < args.Count)
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

        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p >= 0 && p <= 1
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

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
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

        return long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n >= min && n <= max
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
            : throw new UsageException($"--{name}: '{v}' is not a positive duration (e.g. 150ms, 2s, 3h)");
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
