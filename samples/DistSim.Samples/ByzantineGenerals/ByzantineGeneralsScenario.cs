using System.Globalization;
using System.Text.Json;
using DistSim.Samples.Cli;

namespace DistSim.Samples.ByzantineGenerals;

/// <summary>The <c>byzantine-generals</c> scenario: OM(m) and SM(m) of Lamport, Shostak and Pease, with traitors.</summary>
public sealed class ByzantineGeneralsScenario : IScenario, IExplorableScenario
{
    /// <inheritdoc />
    public string Name => "byzantine-generals";

    /// <inheritdoc />
    public string Summary => "Lamport-Shostak-Pease OM(m) and SM(m) with traitors: seeded, swept, or every traitor behaviour (--exhaustive)";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("n", "N", "generals, the commander included", "4"),
        new("m", "M", "rounds of relaying: OM(m) / SM(m)", "1"),
        new("signed", null, "SM(m), signed messages, instead of OM(m)"),
        new("traitors", "T", "number of traitors", "m"),
        new("commander-value", "V", "attack | retreat | random (a random order per seed); --exhaustive tries both unless given", "attack"),
        new("exhaustive", null, "every traitor position, commander order and traitor behaviour (lie, truth, silence per message)"),
    ];

    /// <summary>The most messages one OM(m) case may send (the tree of relayed values grows as fast).</summary>
    public const long MaxOralMessages = 1_000_000;

    /// <inheritdoc />
    public ExploreTarget ExploreTarget(ScenarioArgs args)
    {
        int n = args.GetInt("n", 4, min: 2, max: 12);
        int m = args.GetInt("m", 1, min: 0, max: n - 2);
        bool signed = args.Has("signed");
        int traitors = args.GetInt("traitors", m, min: 0, max: n);
        string commander = args.GetChoice("commander-value", "attack", "attack", "retreat");
        Order value = commander == "retreat" ? Order.Retreat : Order.Attack;
        args.RejectUnless("exhaustive", false, "enumerates the traitors' behaviours itself; --explore searches them (and which generals are traitors)");
        int[][] subsets = [.. Generals.Subsets(n, traitors)];
        // Synchronous rounds: the order of deliveries within a round is not the question; which generals betray, and
        // what each traitor sends (or withholds) at each point, is searched.
        return new(
            "IC1 or IC2 violated",
            (seed, settings) =>
            {
                DistSim.Exploration.ExplorationRun run = settings.Exploration!;
                int[] set = subsets[run.Choose(subsets.Length, "traitors")];
                GeneralsRun r = Generals.Play(seed, n, m, signed, set.ToHashSet(), value, () => new ExploredChoices(run), settings);
                return r.Decided && (!r.Ic1 || !r.Ic2);
            },
            new DistSim.Exploration.ExplorationOptions { ExploreOrder = false });
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int n = args.GetInt("n", 4, min: 2, max: 12);
        int m = args.GetInt("m", 1, min: 0, max: n - 2);
        bool signed = args.Has("signed");
        int traitors = args.GetInt("traitors", m, min: 0, max: n);
        bool exhaustive = args.Has("exhaustive");
        string commander = args.GetChoice("commander-value", exhaustive ? "both" : "attack", "attack", "retreat", "random", "both");
        if (exhaustive && commander == "random")
        {
            throw new UsageException("--commander-value: random picks one order per seed; --exhaustive tries both (the default) or the one given");
        }

        if (!exhaustive && commander == "both")
        {
            throw new UsageException("--commander-value: both is for --exhaustive; a seeded run uses one order (attack, retreat or random)");
        }

        if (exhaustive && args.Sweep > 0)
        {
            throw new UsageException("--exhaustive: enumerates every case; it cannot be combined with --sweep");
        }

        if (exhaustive && args.OutputOption is { } option)
        {
            throw new UsageException($"--{option}: writes one run; it cannot be combined with --exhaustive");
        }

        if (exhaustive && Generals.OralMessageCount(n, m) > 60)
        {
            throw new UsageException($"--exhaustive: n={n}, m={m} has too many traitor behaviours to enumerate (use --sweep)");
        }

        if (!signed && Generals.OralMessageCount(n, m) > MaxOralMessages)
        {
            throw new UsageException(Invariant($"--m: OM({m}) with n={n} sends {Generals.OralMessageCount(n, m):N0} messages per case; at most {MaxOralMessages:N0} (use a smaller --m or --n)"));
        }

        var cases = new Cases();
        GeneralsRun? single = null;
        RunSummary summary = exhaustive
            ? Sweep.Fold(args, Exhaustive(args.Seed, n, m, signed, traitors, commander), CaseRecord.Of, (_, r) => cases.Add(r))
            : Sweep.Fold(args, (seed, settings) => Seeded(seed, n, m, signed, traitors, commander, settings), CaseRecord.Of, (_, r) => cases.Add(r), out single);
        Write(args, output, summary, cases, single, n, m, signed, traitors, exhaustive);
        return summary.ExitCode;
    }

    private static GeneralsRun Seeded(ulong s, int n, int m, bool signed, int traitors, string commander, RunSettings settings)
    {
        Order value = commander switch
        {
            "retreat" => Order.Retreat,
            "random" => DistSim.Random.StreamSeed.Create(s, "bg:commander").NextBelow(2) == 0 ? Order.Retreat : Order.Attack,
            _ => Order.Attack,
        };
        return Generals.Play(s, n, m, signed, Generals.PickTraitors(s, n, traitors), value, () => new RandomChoices(), settings);
    }

    /// <summary>Every case, lazily: a case's choices say which case comes next once it has been played.</summary>
    private static IEnumerable<(ulong Seed, Func<RunSettings, GeneralsRun> Play)> Exhaustive(ulong seed, int n, int m, bool signed, int traitors, string commander)
    {
        Order[] values = commander switch
        {
            "attack" => [Order.Attack],
            "retreat" => [Order.Retreat],
            _ => [Order.Attack, Order.Retreat],
        };
        // A traitorous commander's own order is irrelevant: its choices cover every order it could send.
        foreach (int[] set in Generals.Subsets(n, traitors))
        {
            var positions = set.ToHashSet();
            foreach (Order value in positions.Contains(0) ? values.Take(1) : values)
            {
                IReadOnlyList<int>? prefix = [];
                while (prefix is not null)
                {
                    var choices = new ScriptedChoices(prefix);
                    yield return (seed, settings => Generals.Play(seed, n, m, signed, positions, value, () => choices, settings));
                    prefix = choices.Next();
                }
            }
        }
    }

    private void Write(ScenarioArgs args, TextWriter output, RunSummary summary, Cases cases, GeneralsRun? first, int n, int m, bool signed, int traitors, bool exhaustive)
    {
        string algorithm = $"{(signed ? "SM" : "OM")}({m})";
        long ic1 = cases.Ic1Violations, ic2 = cases.Ic2Violations;
        bool single = summary.Runs == 1;
        string incomplete = cases.Undecided > 0 ? Invariant($" in the {summary.Runs - cases.Undecided} decided case(s) (incomplete)") : string.Empty;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteString("algorithm", algorithm);
                json.WriteNumber("n", n);
                json.WriteNumber("m", m);
                json.WriteNumber("traitorCount", traitors);
                json.WriteString("mode", exhaustive ? "exhaustive" : args.Sweep > 0 ? "sweep" : "single");
                json.WriteNumber("cases", summary.Runs);
                json.WriteNumber("undecidedCases", cases.Undecided);
                if (cases.AnyComplete)
                {
                    json.WriteNumber("messageCount", cases.MaxMessages);
                    json.WriteNumber("messageCountMin", cases.MinMessages);
                    json.WriteNumber("messageCountMax", cases.MaxMessages);
                }
                else
                {
                    json.WriteNull("messageCount");
                    json.WriteNull("messageCountMin");
                    json.WriteNull("messageCountMax");
                }
                if (!signed)
                {
                    json.WriteNumber("omMessageCount", Generals.OralMessageCount(n, m));
                }

                json.WriteNumber("ic1Violations", ic1);
                json.WriteNumber("ic2Violations", ic2);
                Report.WriteVerdict(json, "ic1", ic1 > 0 ? false : cases.Undecided == 0 ? true : null);
                Report.WriteVerdict(json, "ic2", ic2 > 0 ? false : cases.Undecided == 0 ? true : null);
                if (single && first is not null)
                {
                    WriteRun(json, first);
                }
                else if (cases.Example is { } example)
                {
                    json.WriteString("exampleViolation", example);
                }
            }));
            return;
        }

        output.WriteLine(Invariant($"Byzantine Generals {algorithm}: n={n}, {traitors} traitor(s), {summary.Runs} case(s) ({(exhaustive ? "exhaustive" : args.Sweep > 0 ? "sweep" : "seed " + args.Seed)})"));
        Report.WriteLimitLine(output, summary);
        if (single && first is not null)
        {
            output.WriteLine("  " + first.Describe() + "   (* = traitor)");
        }

        output.WriteLine(Invariant($"  IC1 (loyal lieutenants agree): {(ic1 == 0 ? "holds" : $"violated in {ic1} case(s)")}{incomplete}"));
        output.WriteLine(Invariant($"  IC2 (they obey a loyal commander): {(ic2 == 0 ? "holds" : $"violated in {ic2} case(s)")}{incomplete}"));
        string perCase = !cases.AnyComplete ? "- (no case ran to its end)"
            : cases.MinMessages == cases.MaxMessages ? cases.MinMessages.ToString(CultureInfo.InvariantCulture)
            : $"{cases.MinMessages}–{cases.MaxMessages}";
        string completeOnly = cases.AnyComplete && !summary.Complete ? " in the cases that ran to their end" : string.Empty;
        output.WriteLine(Invariant($"  messages per case: {perCase}{completeOnly}{(signed ? string.Empty : $" (OM({m}) with everyone sending: {Generals.OralMessageCount(n, m)})")}"));
        if (!single && cases.Example is { } e)
        {
            output.WriteLine("  for example: " + e);
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
    }

    /// <summary>What the report needs from the cases, folded one at a time.</summary>
    private sealed class Cases
    {
        public long Ic1Violations { get; private set; }

        public long Ic2Violations { get; private set; }

        public long Undecided { get; private set; }

        public long MinMessages { get; private set; } = long.MaxValue;

        public long MaxMessages { get; private set; } = -1;

        public string? Example { get; private set; }

        /// <summary>Whether any case ran to its end: message counts come from those only.</summary>
        public bool AnyComplete => MaxMessages >= 0;

        public void Add(CaseRecord run)
        {
            if (run.Complete)
            {
                MinMessages = Math.Min(MinMessages, run.Messages);
                MaxMessages = Math.Max(MaxMessages, run.Messages);
            }

            if (!run.Decided)
            {
                Undecided++; // a limit stopped it before every loyal lieutenant decided: no verdict
                return;
            }

            Ic1Violations += run.Ic1 ? 0 : 1;
            Ic2Violations += run.Ic2 ? 0 : 1;
            Example ??= run.Violation;
        }
    }

    /// <summary>What the report folds from one case (and a shard writes).</summary>
    /// <param name="Complete">No limit stopped the case: its message count counts.</param>
    /// <param name="Messages">Messages the generals sent.</param>
    /// <param name="Decided">Every loyal lieutenant decided.</param>
    /// <param name="Ic1">IC1 held.</param>
    /// <param name="Ic2">IC2 held.</param>
    /// <param name="Violation">The case in words when it was decided and violated IC1 or IC2; null otherwise.</param>
    public sealed record CaseRecord(bool Complete, long Messages, bool Decided, bool Ic1, bool Ic2, string? Violation)
    {
        /// <summary>The record of a finished case.</summary>
        public static CaseRecord Of(GeneralsRun run)
        {
            bool decided = run.Decided;
            bool ic1 = decided && run.Ic1, ic2 = decided && run.Ic2;
            return new CaseRecord(RunSummary.LimitName(run.Run.Outcome) is null, run.Messages, decided, ic1, ic2, decided && (!ic1 || !ic2) ? run.Describe() : null);
        }
    }

    private static void WriteRun(Utf8JsonWriter json, GeneralsRun run)
    {
        json.WriteStartArray("traitors");
        foreach (int t in run.Traitors.Order())
        {
            json.WriteNumberValue(t);
        }

        json.WriteEndArray();
        json.WriteString("commanderValue", run.CommanderValue.ToString().ToLowerInvariant());
        json.WriteStartObject("decisions");
        for (int i = 1; i < run.Decisions.Count; i++)
        {
            json.WriteString("L" + i.ToString(CultureInfo.InvariantCulture), run.Decisions[i]?.ToString().ToLowerInvariant() ?? "none");
        }

        json.WriteEndObject();
    }

}
