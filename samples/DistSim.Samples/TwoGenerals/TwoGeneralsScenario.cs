using System.IO.Hashing;
using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Timing;
using Microsoft.Extensions.Logging;

namespace DistSim.Samples.TwoGenerals;

/// <summary>The <c>two-generals</c> scenario: agreement over a lossy link is impossible; see what each strategy buys.</summary>
public sealed class TwoGeneralsScenario : IScenario
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
    ];

    /// <summary>Outcome names as printed and in JSON.</summary>
    public static string RowName(Outcome o) => o switch
    {
        Outcome.NothingHappens => "nothing-happens",
        Outcome.A1Fails => "a1-fails",
        Outcome.A2Fails => "a2-fails",
        _ => "city-captured",
    };

    /// <summary>Builds the game from the options.</summary>
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
        try
        {
            game.MakePlan(); // validates the timing before any run
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == nameof(Game.AttackAfter))
        {
            throw new UsageException($"--attack-after: {args.GetString("attack-after", "?")} leaves no time for confirmations before the attack");
        }

        if (args.Sweep > 0 && args.RecordTrace)
        {
            throw new UsageException("--trace: --trace and --mermaid write one run; they cannot be combined with --sweep");
        }

        return args.Sweep > 0 ? RunSweep(game, args, output) : RunOne(game, args, output);
    }

    private int RunOne(Game game, ScenarioArgs args, TextWriter output)
    {
        GameResult r;
        using (ILoggerFactory? logs = args.Has("log") ? ConsoleLogs() : null)
        {
            r = game.Play(args.Seed, loggerFactory: logs);
        }

        if (args.RecordTrace)
        {
            Report.WriteFiles(args, r.Simulation);
        }

        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, Report.OutcomeName(r.Run.Outcome), r.Run.Fingerprint,
                    r.Run.Time.TotalSeconds, r.Run.Events, RunTotals.Of(r.Simulation));
                WriteGameFields(json, game, r.Plan);
                json.WriteString("result", RowName(r.Outcome));
                json.WriteBoolean("a1Attacks", r.A1Attacks);
                json.WriteBoolean("a2Attacks", r.A2Attacks);
                json.WriteBoolean("orderDelivered", r.OrderDelivered);
                json.WriteNumber("messengersSent", r.MessengersSent);
                json.WriteNumber("messengersCaptured", r.MessengersCaptured);
            }));
            return 0;
        }

        output.WriteLine(Invariant($"Two Generals: strategy {Describe(game)}, loss {game.Loss}, seed {args.Seed}"));
        output.WriteLine(Invariant($"  attack time T = {Hours(r.Plan.AttackAt.SinceStart)} after the start (crossing time {game.Delay})"));
        output.WriteLine($"  A1 {(r.A1Attacks ? "attacks" : "does not attack")}{Why(r.A1, true, r.Plan)}");
        output.WriteLine($"  A2 {(r.A2Attacks ? "attacks" : "does not attack")}{Why(r.A2, false, r.Plan)}");
        output.WriteLine($"  outcome: {RowName(r.Outcome)}");
        output.WriteLine(Invariant($"  messengers: {r.MessengersSent} sent, {r.MessengersCaptured} captured, {r.Simulation.Messages.Delivered} arrived"));
        output.WriteLine(Invariant($"  run: {Report.OutcomeName(r.Run.Outcome)} at {r.Run.Time}, {r.Run.Events} events, fingerprint {r.Run.Fingerprint:x16}"));
        return 0;
    }

    private int RunSweep(Game game, ScenarioArgs args, TextWriter output)
    {
        int n = args.Sweep;
        var counts = Rows.ToDictionary(o => o, _ => 0L);
        long delivered = 0, events = 0;
        double virtualSeconds = 0;
        var totals = new RunTotals(0, 0, 0, 0);
        var combined = new XxHash64();
        Span<byte> buffer = stackalloc byte[8];
        string outcome = "quiescent";
        for (int i = 0; i < n; i++)
        {
            GameResult r = game.Play(unchecked(args.Seed + (ulong)i), recordTrace: false);
            counts[r.Outcome]++;
            delivered += r.OrderDelivered ? 1 : 0;
            events += r.Run.Events;
            virtualSeconds += r.Run.Time.TotalSeconds;
            totals += RunTotals.Of(r.Simulation);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer, r.Run.Fingerprint);
            combined.Append(buffer);
            if (r.Run.Outcome != RunOutcome.Quiescent)
            {
                outcome = Report.OutcomeName(r.Run.Outcome);
            }
        }

        Dictionary<Outcome, double>? theory = Theory(game);
        double rate = (double)delivered / n;
        double expected = 1 - Math.Pow(game.Loss, game.Strategy == Strategy.Redundant ? game.Messengers : 1);
        (double low, double high) = Stats.Wilson(delivered, n, 0.99);
        bool reportsDelivery = game.Strategy is Strategy.Redundant or Strategy.Naive;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, outcome, combined.GetCurrentHashAsUInt64(), virtualSeconds, events, totals);
                json.WriteNumber("sweep", n);
                WriteGameFields(json, game, game.MakePlan());
                json.WriteStartObject("outcomes");
                foreach (Outcome o in Rows)
                {
                    json.WriteNumber(RowName(o), counts[o]);
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

                json.WriteNumber("deliveryRate", rate);
                if (reportsDelivery)
                {
                    json.WriteNumber("theoreticalDeliveryRate", expected);
                    json.WriteStartArray("deliveryRateInterval99");
                    json.WriteNumberValue(low);
                    json.WriteNumberValue(high);
                    json.WriteEndArray();
                    json.WriteBoolean("theoryWithinInterval", expected >= low && expected <= high);
                }
            }));
            return 0;
        }

        output.WriteLine(Invariant($"Two Generals sweep: strategy {Describe(game)}, loss {game.Loss}, {n} seeds from {args.Seed}"));
        output.WriteLine("  outcome            runs     share   theory");
        foreach (Outcome o in Rows)
        {
            string t = theory is null ? "-" : Invariant($"{theory.GetValueOrDefault(o):F4}");
            output.WriteLine(Invariant($"  {RowName(o),-16} {counts[o],6}   {(double)counts[o] / n,7:F4}   {t}"));
        }

        output.WriteLine(Invariant($"  order reached A2 in {delivered} of {n} runs: rate {rate:F4}"));
        if (reportsDelivery)
        {
            output.WriteLine(Invariant($"  theory 1 - p^n = {expected:F4}; 99% interval of the measured rate [{low:F4}, {high:F4}]"));
        }

        output.WriteLine(Invariant($"  messengers: {totals.Sent} sent, {totals.Dropped} captured; fingerprint of the sweep {combined.GetCurrentHashAsUInt64():x16}"));
        return 0;
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
