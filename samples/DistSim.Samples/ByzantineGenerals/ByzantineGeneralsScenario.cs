using System.Globalization;
using System.Text.Json;
using DistSim.Samples.Cli;

namespace DistSim.Samples.ByzantineGenerals;

/// <summary>The <c>byzantine-generals</c> scenario: OM(m) and SM(m) of Lamport, Shostak and Pease, with traitors.</summary>
public sealed class ByzantineGeneralsScenario : IScenario
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

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int n = args.GetInt("n", 4, min: 2, max: 12);
        int m = args.GetInt("m", 1, min: 0, max: n - 2);
        bool signed = args.Has("signed");
        int traitors = args.GetInt("traitors", m, min: 0, max: n);
        bool exhaustive = args.Has("exhaustive");
        string commander = args.GetChoice("commander-value", exhaustive ? "both" : "attack", "attack", "retreat", "random", "both");
        if (exhaustive && args.Sweep > 0)
        {
            throw new UsageException("--exhaustive: enumerates every case; it cannot be combined with --sweep");
        }

        if ((exhaustive || args.Sweep > 0) && args.RecordTrace)
        {
            throw new UsageException("--trace: writes one run's trace; it cannot be combined with --sweep or --exhaustive");
        }

        if (exhaustive && Generals.OralMessageCount(n, m) > 60)
        {
            throw new UsageException($"--exhaustive: n={n}, m={m} has too many traitor behaviours to enumerate (use --sweep)");
        }

        List<GeneralsRun> runs = exhaustive
            ? Exhaustive(args.Seed, n, m, signed, traitors, commander)
            : Seeded(args.Seed, Math.Max(1, args.Sweep), n, m, signed, traitors, commander, record: args.Sweep == 0);
        if (args.Sweep == 0 && !exhaustive && args.RecordTrace)
        {
            Report.WriteFiles(args, runs[0].Simulation);
        }

        Write(args, output, runs, n, m, signed, traitors, exhaustive);
        return 0;
    }

    private static List<GeneralsRun> Seeded(ulong seed, int count, int n, int m, bool signed, int traitors, string commander, bool record)
    {
        var runs = new List<GeneralsRun>(count);
        for (int i = 0; i < count; i++)
        {
            ulong s = unchecked(seed + (ulong)i);
            Order value = commander switch
            {
                "retreat" => Order.Retreat,
                "random" => DistSim.Random.StreamSeed.Create(s, "bg:commander").NextBelow(2) == 0 ? Order.Retreat : Order.Attack,
                _ => Order.Attack,
            };
            runs.Add(Generals.Play(s, n, m, signed, Generals.PickTraitors(s, n, traitors), value, () => new RandomChoices(), record));
        }

        return runs;
    }

    private static List<GeneralsRun> Exhaustive(ulong seed, int n, int m, bool signed, int traitors, string commander)
    {
        var runs = new List<GeneralsRun>();
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
                    runs.Add(Generals.Play(seed, n, m, signed, positions, value, () => choices, record: false));
                    prefix = choices.Next();
                }
            }
        }

        return runs;
    }

    private void Write(ScenarioArgs args, TextWriter output, List<GeneralsRun> runs, int n, int m, bool signed, int traitors, bool exhaustive)
    {
        string algorithm = $"{(signed ? "SM" : "OM")}({m})";
        long ic1 = runs.Count(r => !r.Ic1), ic2 = runs.Count(r => !r.Ic2);
        long minMessages = runs.Min(r => r.Messages), maxMessages = runs.Max(r => r.Messages);
        GeneralsRun? example = runs.FirstOrDefault(r => !r.Ic1) ?? runs.FirstOrDefault(r => !r.Ic2);
        RunSummary summary = RunSummary.Of(runs.Select(r => (r.Simulation, r.Run)).ToList());
        GeneralsRun first = runs[0];
        bool single = runs.Count == 1;
        ulong fingerprint = summary.Fingerprint;
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
                json.WriteNumber("cases", runs.Count);
                json.WriteNumber("messageCount", maxMessages);
                json.WriteNumber("messageCountMin", minMessages);
                json.WriteNumber("messageCountMax", maxMessages);
                if (!signed)
                {
                    json.WriteNumber("omMessageCount", Generals.OralMessageCount(n, m));
                }

                json.WriteNumber("ic1Violations", ic1);
                json.WriteNumber("ic2Violations", ic2);
                json.WriteBoolean("ic1", ic1 == 0);
                json.WriteBoolean("ic2", ic2 == 0);
                if (single)
                {
                    WriteRun(json, first);
                }
                else if (example is not null)
                {
                    json.WriteString("exampleViolation", example.Describe());
                }
            }));
            return;
        }

        output.WriteLine(Invariant($"Byzantine Generals {algorithm}: n={n}, {traitors} traitor(s), {runs.Count} case(s) ({(exhaustive ? "exhaustive" : args.Sweep > 0 ? "sweep" : "seed " + args.Seed)})"));
        if (single)
        {
            output.WriteLine("  " + first.Describe() + "   (* = traitor)");
        }

        output.WriteLine(Invariant($"  IC1 (loyal lieutenants agree): {(ic1 == 0 ? "holds" : $"violated in {ic1} case(s)")}"));
        output.WriteLine(Invariant($"  IC2 (they obey a loyal commander): {(ic2 == 0 ? "holds" : $"violated in {ic2} case(s)")}"));
        output.WriteLine(Invariant($"  messages per case: {(minMessages == maxMessages ? minMessages.ToString(CultureInfo.InvariantCulture) : $"{minMessages}–{maxMessages}")}{(signed ? string.Empty : $" (OM({m}) with everyone sending: {Generals.OralMessageCount(n, m)})")}"));
        if (!single && example is not null)
        {
            output.WriteLine("  for example: " + example.Describe());
        }

        output.WriteLine(Invariant($"  fingerprint {fingerprint:x16}"));
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
