using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Sweeps;
using DistSim.Timing;
using Microsoft.Extensions.Logging;

namespace DistSim.Samples.TwoGenerals;

/// <summary>The <c>two-generals</c> scenario: agreement over a lossy link is impossible; see what each strategy buys.</summary>
public sealed class TwoGeneralsScenario : IShrinkableScenario, IExplorableScenario
{
    private static readonly Delay DefaultDelay = Delay.Uniform(TimeSpan.FromHours(1), TimeSpan.FromHours(3));
    private static readonly Outcome[] Rows = [Outcome.NothingHappens, Outcome.A1Fails, Outcome.A2Fails, Outcome.CityCaptured];

    /// <inheritdoc />
    public string Name => "two-generals";

    /// <inheritdoc />
    public string Summary => "two generals agree on an attack time over a fair-loss link (naive, acks, redundant, timeout-fallback)";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("strategy", "S", "naive | acks | redundant | timeout-fallback", "naive"),
        new("loss", "P", "probability that a messenger is captured", "0.3"),
        new("duplicate", "P", "probability that a messenger arrives twice", "0"),
        new("rounds", "K", "acknowledgements in the chain (acks)", "2"),
        new("messengers", "N", "messengers sent at once (redundant)", "3"),
        new("delay", "DIST", "crossing time: " + DelaySpec.Forms, "uniform:1h,3h"),
        new("attack-after", "D", "attack time T after the start (default: derived from the delay)"),
        new("log", null, "print the generals' log entries (virtual time, node) to stderr"),
        new("plot", "FILE", "with --sweep and --strategy redundant: draw the delivery rate (99 % Wilson intervals) against n = 1..--plot-messengers messengers, with the theory 1 - p^n, as SVG to FILE"),
        new("plot-messengers", "K", "with --plot: the largest messenger count drawn; every n from 1 to K is swept over the same seeds (default: --messengers)"),
    ];

    /// <summary>Outcome names as printed and in JSON.</summary>
    public static string RowName(Outcome o) => o switch
    {
        Outcome.NothingHappens => "nothing-happens",
        Outcome.A1Fails => "a1-fails",
        Outcome.A2Fails => "a2-fails",
        _ => "city-captured",
    };

    /// <inheritdoc />
    public ShrinkTarget ShrinkTarget(ScenarioArgs args)
    {
        Game game = GameFrom(args);
        _ = game.MakePlan(); // a bad attack time is a usage error now, not a failure of every replay
        return new("the generals disagree: one attacks alone", (seed, settings) =>
        {
            GameResult result = game.Play(seed, settings);
            return (result.Decided && result.Outcome is Outcome.A1Fails or Outcome.A2Fails, result.Simulation);
        });
    }

    /// <inheritdoc />
    public ExploreTarget ExploreTarget(ScenarioArgs args)
    {
        Game game = GameFrom(args);
        _ = game.MakePlan();
        return new(
            "the generals disagree: one attacks alone",
            (seed, settings) =>
            {
                GameResult result = game.Play(seed, settings);
                return result.Decided && result.Outcome is Outcome.A1Fails or Outcome.A2Fails;
            },
            // Crossing times are bounded in the game (the plan times out on the longest): the search loses messengers, it
            // does not hold them past the attack time. One lost messenger is the classic case: the last one.
            new DistSim.Exploration.ExplorationOptions { ExploreOrder = false, MaxDrops = 1 });
    }

    /// <summary>Builds the game from the options; options that do not apply to the strategy are usage errors.</summary>
    public static Game GameFrom(ScenarioArgs args)
    {
        string s = args.GetChoice("strategy", "naive", "naive", "acks", "redundant", "timeout-fallback");
        Strategy strategy = s switch
        {
            "acks" => Strategy.Acks,
            "redundant" => Strategy.Redundant,
            "timeout-fallback" => Strategy.TimeoutFallback,
            _ => Strategy.Naive,
        };
        args.RejectUnless("rounds", strategy == Strategy.Acks, $"only with --strategy acks (not {s})");
        args.RejectUnless("messengers", strategy == Strategy.Redundant, $"only with --strategy redundant (not {s})");
        return new Game(
            strategy,
            args.GetProbability("loss", 0.3),
            args.GetProbability("duplicate", 0),
            args.GetDelay("delay", DefaultDelay),
            args.GetInt("rounds", 2, min: 1, max: 1000),
            args.GetInt("messengers", 3, min: 1, max: 10_000),
            args.Has("attack-after") ? args.GetDuration("attack-after", TimeSpan.Zero) : null);
    }

    /// <summary>The closed-form probabilities of each outcome, when the delays are bounded below T (else null).</summary>
    public static Dictionary<Outcome, double>? Theory(Game game)
    {
        double p = game.Loss;
        double q = 1 - p;
        return game.Strategy switch
        {
            Strategy.Naive => new() { [Outcome.CityCaptured] = q, [Outcome.A1Fails] = p },
            Strategy.Redundant => new() { [Outcome.CityCaptured] = 1 - Math.Pow(p, game.Messengers), [Outcome.A1Fails] = Math.Pow(p, game.Messengers) },
            Strategy.Acks => new()
            {
                [Outcome.CityCaptured] = Math.Pow(q, game.Rounds + 1),
                [game.Rounds % 2 == 0 ? Outcome.A1Fails : Outcome.A2Fails] = Math.Pow(q, game.Rounds) * p,
                [Outcome.NothingHappens] = 1 - Math.Pow(q, game.Rounds),
            },
            _ => null,
        };
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        Game game = GameFrom(args);
        Plan plan = PlanFrom(game, args);
        args.RejectUnless("log", args.Sweep == 0, "prints one run's log; it cannot be combined with --sweep");
        args.RejectUnless("plot", game.Strategy == Strategy.Redundant, "draws the delivery rate against the number of messengers; only with --strategy redundant");
        args.RejectUnless("plot-messengers", args.Has("plot"), "only with --plot");
        int plotMax = args.GetInt("plot-messengers", game.Messengers, min: 1, max: 50);
        using PlotFile? plot = PlotFile.Open(args); // before the runs: a bad path is a usage error
        var tally = new OutcomeTally();
        GameResult? single;
        RunSummary summary;
        using (ILoggerFactory? logs = args.Has("log") ? ConsoleLogs() : null)
        {
            summary = Sweep.Fold(args, (seed, settings) => game.Play(seed, settings, logs), GameRecord.Of, (_, r) => tally.Add(r), out single);
        }

        if (plot is not null)
        {
            plot.Write(PlotSvg(game, args, plotMax, tally));
        }

        return args.Sweep > 0 ? WriteSweep(game, plan, args, output, summary, tally, plot?.Path) : WriteOne(game, args, output, summary, single!);
    }

    /// <summary>
    /// The figure of <c>--plot</c>: the delivery rate for n = 1..<paramref name="max"/> messengers, each n swept over the
    /// same seeds (this invocation's n is the sweep just run), with 99 % Wilson intervals and the theory 1 − pⁿ.
    /// </summary>
    private static string PlotSvg(Game game, ScenarioArgs args, int max, OutcomeTally own)
    {
        var points = new List<Plots.RatePoint>();
        for (int n = 1; n <= max; n++)
        {
            OutcomeTally tally = n == game.Messengers ? own : new OutcomeTally();
            if (n != game.Messengers)
            {
                Game g = game with { Messengers = n };
                Sweep.Fold(args, (seed, settings) => g.Play(seed, settings), GameRecord.Of, (_, r) => tally.Add(r), out _);
            }

            if (tally.Decided > 0) // no decided run (each stopped before T): no point to draw at n
            {
                ConfidenceInterval ci = Proportion.Wilson(tally.Delivered, tally.Decided, 0.99);
                points.Add(new Plots.RatePoint(n, (double)tally.Delivered / tally.Decided, ci.Low, ci.High));
            }
        }

        double p = game.Loss;
        ulong last = args.Seed + (ulong)(args.Sweep - 1);
        return Plots.RatesSvg(
            Invariant($"two-generals: redundant messengers, loss p = {p}; seeds {args.Seed}–{last} per n, crossing {game.Delay}"),
            "messengers sent at once (n)",
            "order reached A2 (fraction of decided runs)",
            "measured, 99 % Wilson interval",
            points,
            [new Plots.Curve("theory 1 − pⁿ", n => 1 - Math.Pow(p, n))],
            integerX: true);
    }

    /// <summary>The plan, or a usage error naming the option that made it impossible.</summary>
    private static Plan PlanFrom(Game game, ScenarioArgs args)
    {
        if (game.TryMakePlan(out Plan? plan, out string? problem))
        {
            return plan;
        }

        string option = args.Has("attack-after") ? "attack-after" : game.Strategy == Strategy.Acks && args.Has("rounds") ? "rounds" : "delay";
        throw new UsageException($"--{option}: {args.GetString(option, "the default")} {problem}");
    }

    private int WriteOne(Game game, ScenarioArgs args, TextWriter output, RunSummary summary, GameResult r)
    {
        string? result = r.Decided ? RowName(r.Outcome) : null;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                WriteGameFields(json, game, r.Plan);
                if (result is null)
                {
                    json.WriteNull("result");
                }
                else
                {
                    json.WriteString("result", result);
                }

                Report.WriteVerdict(json, "a1Attacks", r.A1.Attacks is null ? null : r.A1Attacks);
                Report.WriteVerdict(json, "a2Attacks", r.Decided ? r.A2Attacks : null);
                Report.WriteVerdict(json, "orderDelivered", r.OrderDelivered ? true : r.Decided ? false : null);
                json.WriteNumber("messengersSent", r.MessengersSent);
                json.WriteNumber("messengersCaptured", r.MessengersCaptured);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"Two Generals: strategy {Describe(game)}, loss {game.Loss}, seed {args.Seed}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine(Invariant($"  attack time T = {Hours(r.Plan.AttackAt.SinceStart)} after the start (crossing time {game.Delay})"));
        output.WriteLine(r.A1.Attacks is null ? "  A1 has not decided (the run stopped before T) (incomplete)" : $"  A1 {(r.A1Attacks ? "attacks" : "does not attack")}{Why(r.A1, true, r.Plan)}");
        output.WriteLine(r.Decided ? $"  A2 {(r.A2Attacks ? "attacks" : "does not attack")}{Why(r.A2, false, r.Plan)}" : "  A2 has not decided (the run stopped before T) (incomplete)");
        output.WriteLine($"  outcome: {result ?? "undecided (incomplete)"}");
        // A duplicated messenger arrives twice: say so, or "arrived" could exceed "sent" unexplained.
        string twice = r.Simulation.Messages.Duplicated > 0 ? Invariant($" ({r.Simulation.Messages.Duplicated} of them twice)") : string.Empty;
        output.WriteLine(Invariant($"  messengers: {r.MessengersSent} sent, {r.MessengersCaptured} captured, {r.Simulation.Messages.Delivered} arrived{twice}"));
        output.WriteLine(Invariant($"  run: {Report.OutcomeName(r.Run.Outcome)} at {r.Run.Time}, {r.Run.Events} events, fingerprint {r.Run.Fingerprint:x16}"));
        return summary.ExitCode;
    }

    private int WriteSweep(Game game, Plan plan, ScenarioArgs args, TextWriter output, RunSummary summary, OutcomeTally tally, string? plotPath)
    {
        int n = args.Sweep;
        long decided = tally.Decided;
        Dictionary<Outcome, double>? theory = Theory(game);
        double? rate = decided > 0 ? (double)tally.Delivered / decided : null;
        double expected = 1 - Math.Pow(game.Loss, game.Strategy == Strategy.Redundant ? game.Messengers : 1);
        ConfidenceInterval wilson = Proportion.Wilson(tally.Delivered, decided, 0.99);
        (double low, double high) = (wilson.Low, wilson.High);
        bool reportsDelivery = game.Strategy is Strategy.Redundant or Strategy.Naive && decided > 0;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteNumber("sweep", n);
                WriteGameFields(json, game, plan);
                json.WriteNumber("undecided", n - decided);
                json.WriteStartObject("outcomes");
                foreach (Outcome o in Rows)
                {
                    json.WriteNumber(RowName(o), tally.Counts[(int)o]);
                }

                json.WriteEndObject();
                if (theory is not null)
                {
                    json.WriteStartObject("theory");
                    foreach (Outcome o in Rows)
                    {
                        json.WriteNumber(RowName(o), theory.GetValueOrDefault(o));
                    }

                    json.WriteEndObject();
                }

                if (rate is { } r)
                {
                    json.WriteNumber("deliveryRate", r);
                }
                else
                {
                    json.WriteNull("deliveryRate");
                }

                if (reportsDelivery)
                {
                    json.WriteNumber("theoreticalDeliveryRate", expected);
                    json.WriteStartArray("deliveryRateInterval99");
                    json.WriteNumberValue(low);
                    json.WriteNumberValue(high);
                    json.WriteEndArray();
                    json.WriteBoolean("theoryWithinInterval", expected >= low && expected <= high);
                }

                if (plotPath is not null)
                {
                    json.WriteString("plot", plotPath);
                }
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"Two Generals sweep: strategy {Describe(game)}, loss {game.Loss}, {n} seeds from {args.Seed}"));
        Report.WriteLimitLine(output, summary);
        if (decided < n)
        {
            output.WriteLine(Invariant($"  {n - decided} run(s) undecided (stopped before T) are left out: the table covers {decided} (incomplete)"));
        }

        output.WriteLine("  outcome            runs     share   theory");
        foreach (Outcome o in Rows)
        {
            string t = theory is null ? "-" : Invariant($"{theory.GetValueOrDefault(o):F4}");
            string share = decided > 0 ? Invariant($"{(double)tally.Counts[(int)o] / decided,7:F4}") : "      -";
            output.WriteLine(Invariant($"  {RowName(o),-16} {tally.Counts[(int)o],6}   {share}   {t}"));
        }

        output.WriteLine(Invariant($"  order reached A2 in {tally.Delivered} of {decided} runs: rate {(rate is { } x ? x.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) : "-")}"));
        if (reportsDelivery)
        {
            output.WriteLine(Invariant($"  theory 1 - p^n = {expected:F4}; 99% interval of the measured rate [{low:F4}, {high:F4}]"));
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  messengers: {summary.Totals.Sent} sent, {summary.Totals.Dropped} captured; fingerprint of the sweep {summary.Fingerprint:x16}"));
        if (plotPath is not null)
        {
            output.WriteLine($"  plot: {plotPath} (delivery rate against the number of messengers)");
        }
        return summary.ExitCode;
    }

    private static void WriteGameFields(Utf8JsonWriter json, Game game, Plan plan)
    {
        json.WriteString("strategy", StrategyName(game.Strategy));
        json.WriteNumber("loss", game.Loss);
        json.WriteNumber("duplicate", game.Duplicate);
        json.WriteString("delay", game.Delay.ToString());
        if (game.Strategy == Strategy.Acks)
        {
            json.WriteNumber("rounds", game.Rounds);
        }

        if (game.Strategy == Strategy.Redundant)
        {
            json.WriteNumber("messengers", game.Messengers);
        }

        json.WriteNumber("attackAt", plan.AttackAt.TotalSeconds);
        if (game.Strategy == Strategy.TimeoutFallback)
        {
            json.WriteNumber("confirmBy", plan.ConfirmBy.TotalSeconds);
            json.WriteNumber("retry", plan.Retry.TotalSeconds);
        }
    }

    private static string StrategyName(Strategy s) => s switch
    {
        Strategy.Acks => "acks",
        Strategy.Redundant => "redundant",
        Strategy.TimeoutFallback => "timeout-fallback",
        _ => "naive",
    };

    private static string Describe(Game g) => g.Strategy switch
    {
        Strategy.Acks => Invariant($"acks (k={g.Rounds})"),
        Strategy.Redundant => Invariant($"redundant (n={g.Messengers})"),
        _ => StrategyName(g.Strategy),
    };

    private static string Why(General g, bool isA1, Plan plan) => (plan.Strategy, isA1) switch
    {
        (Strategy.Naive or Strategy.Redundant, true) => " (committed when sending the order)",
        (Strategy.Naive or Strategy.Redundant, false) => g.HighestReceived >= 0 ? " (an order arrived)" : " (no order arrived)",
        (Strategy.Acks, _) => Invariant($" (highest chain message received: {g.HighestReceived}, needs {(isA1 ? plan.LastForA1 : plan.LastForA2)})"),
        (Strategy.TimeoutFallback, true) => g.Confirmed ? " (confirmed in time)" : " (no confirmation by the deadline: called off)",
        _ => g.CalledOff ? " (the attack was called off)" : g.HighestReceived >= 0 ? " (order received, no call-off)" : " (no order arrived)",
    };

    private static ILoggerFactory ConsoleLogs() => LoggerFactory.Create(b => b
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

    private static string Hours(TimeSpan t) => Invariant($"{t.TotalHours:0.###}h");

}
