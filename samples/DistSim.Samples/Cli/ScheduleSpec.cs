using System.Globalization;
using DistSim.Scheduling;

namespace DistSim.Samples.Cli;

/// <summary>
/// The <c>--schedule</c> option: <c>fifo</c>, <c>random</c>, <c>pct:D[:K]</c> or <c>delay-bound:B[:K]</c> — a
/// <see cref="Scheduler"/> from <see cref="Schedulers"/>. K, the steps a run takes, is counted by a FIFO run of
/// <c>--seed</c> when it is not given (<see cref="Sweep"/> does it once, before the runs).
/// </summary>
/// <param name="Kind"><c>fifo</c>, <c>random</c>, <c>pct</c> or <c>delay-bound</c>.</param>
/// <param name="Parameter">The depth D of PCT or the bound B of delay-bounding; 0 otherwise.</param>
/// <param name="Steps">K, or null to count it.</param>
public sealed record ScheduleSpec(string Kind, int Parameter, long? Steps)
{
    /// <summary>The syntax, for usage lines and errors.</summary>
    public const string Syntax = "fifo, random, pct:D[:K] or delay-bound:B[:K]";

    /// <summary>Whether the strategy needs K (<see cref="Steps"/>) and it was not given.</summary>
    public bool NeedsSteps => Kind is "pct" or "delay-bound" && Steps is null;

    /// <summary>Parses the value of <c>--schedule</c>.</summary>
    /// <exception cref="UsageException">The value is not a strategy; the message names the option and the value.</exception>
    public static ScheduleSpec Parse(string value)
    {
        string[] parts = value.Split(':');
        switch (parts[0])
        {
            case "fifo" or "random" when parts.Length == 1:
                return new ScheduleSpec(parts[0], 0, null);
            case "pct" or "delay-bound" when parts.Length is 2 or 3:
                bool pct = parts[0] == "pct";
                int min = pct ? 1 : 0;
                if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parameter) || parameter < min || parameter > 1000)
                {
                    throw Bad(value, pct ? "the depth D of pct:D must be an integer in [1, 1000]" : "the bound B of delay-bound:B must be an integer in [0, 1000]");
                }

                long? steps = null;
                if (parts.Length == 3)
                {
                    if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long k) || k < 1 || k > 1_000_000_000_000)
                    {
                        throw Bad(value, "the steps K must be an integer in [1, 10^12]");
                    }

                    if (pct && parameter - 1 > k)
                    {
                        throw Bad(value, Invariant($"pct:D:K needs D - 1 <= K: the {parameter - 1} change points are distinct steps"));
                    }

                    steps = k;
                }

                return new ScheduleSpec(parts[0], parameter, steps);
            default:
                throw Bad(value, "expected " + Syntax);
        }
    }

    /// <summary>The strategy, with <paramref name="steps"/> for K when it was not given.</summary>
    public Scheduler Create(long steps) => Kind switch
    {
        "fifo" => Schedulers.Fifo,
        "random" => Schedulers.RandomTieBreak,
        "pct" => Schedulers.Pct(Parameter, Math.Max(Steps ?? steps, Parameter - 1)),
        _ => Schedulers.DelayBounding(Parameter, Steps ?? Math.Max(steps, 1)),
    };

    /// <summary>As written on the command line, e.g. <c>pct:3</c>.</summary>
    public override string ToString() => Kind switch
    {
        "fifo" or "random" => Kind,
        _ => Steps is { } k ? Invariant($"{Kind}:{Parameter}:{k}") : Invariant($"{Kind}:{Parameter}"),
    };

    private static UsageException Bad(string value, string why) => new($"--schedule: '{value}' is not a scheduling strategy: {why}");
}
