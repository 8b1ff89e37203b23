using System.Globalization;
using DistSim.Timing;

namespace DistSim.Samples.Cli;

/// <summary>
/// Parses a delay distribution from the command line:
/// <c>const:D</c>, <c>uniform:MIN,MAX</c>, <c>exp:MEAN[,MIN]</c>, <c>lognormal:MU,SIGMA[,MIN]</c> (ln of seconds),
/// <c>pareto:SCALE,SHAPE</c>; durations like <c>150ms</c>, <c>2s</c>, <c>1.5h</c>.
/// </summary>
public static class DelaySpec
{
    /// <summary>The accepted forms, for usage text.</summary>
    public const string Forms = "const:D | uniform:MIN,MAX | exp:MEAN[,MIN] | lognormal:MU,SIGMA[,MIN] | pareto:SCALE,SHAPE";

    /// <summary>Parses <paramref name="text"/>; the error names <c>--<paramref name="option"/></c>.</summary>
    public static Delay Parse(string text, string option)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? text : text[..colon];
        string[] parts = colon < 0 ? [] : text[(colon + 1)..].Split(',');
        try
        {
            return kind switch
            {
                "const" when parts.Length == 1 => Delay.Constant(Duration(parts[0])),
                "uniform" when parts.Length == 2 => Delay.Uniform(Duration(parts[0]), Duration(parts[1])),
                "exp" when parts.Length is 1 or 2 => Delay.Exponential(Duration(parts[0]), parts.Length == 2 ? Duration(parts[1]) : default),
                "lognormal" when parts.Length is 2 or 3 =>
                    Delay.LogNormal(Number(parts[0]), Number(parts[1]), parts.Length == 3 ? Duration(parts[2]) : default),
                "pareto" when parts.Length == 2 => Delay.Pareto(Duration(parts[0]), Number(parts[1])),
                _ => throw new FormatException($"expected {Forms}"),
            };
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new UsageException($"--{option}: '{text}' is not a delay distribution: {ex.Message}");
        }
    }

    /// <summary>The longest duration accepted, in days (10⁹ s, about 31 years): beyond it virtual time would overflow.</summary>
    public const double MaxDurationDays = 1e9 / 86400;

    /// <summary>Parses a duration: a number followed by <c>us</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>, below 10⁹ s.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        (string unit, double scale)[] units = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
        foreach ((string unit, double scale) in units)
        {
            if (text.EndsWith(unit, StringComparison.Ordinal) &&
                double.TryParse(text[..^unit.Length], ScenarioArgs.StrictFloat, CultureInfo.InvariantCulture, out double n) &&
                double.IsFinite(n) && n >= 0 && n * scale < 1e9)
            {
                duration = TimeSpan.FromTicks((long)Math.Round(n * scale * TimeSpan.TicksPerSecond));
                return true;
            }
        }

        return false;
    }

    private static TimeSpan Duration(string text) =>
        TryParseDuration(text, out TimeSpan d) ? d : throw new FormatException($"'{text}' is not a duration (e.g. 150ms, 2s, 3h)");

    private static double Number(string text) =>
        double.TryParse(text, ScenarioArgs.StrictFloat, CultureInfo.InvariantCulture, out double n) && double.IsFinite(n)
            ? n
            : throw new FormatException($"'{text}' is not a number");
}
