using System.Text.Json;
using DistSim.Samples.Cli;

namespace DistSim.Samples.Byzantine;

/// <summary>
/// The <c>byzantine</c> scenario: two protocols against Byzantine nodes. Raft (crash faults only) with one lying server
/// (double votes, a forged term and log) loses safety; PBFT with f = ⌊(n − 1)/3⌋ Byzantine replicas keeps agreement and
/// a linearizable history, changing views when the primary is faulty. Also measures PBFT's messages per request in
/// fault-free runs for n = 4, 7, 10 next to the count its phases predict. See <c>docs/samples/byzantine.md</c>.
/// </summary>
/// <remarks>
/// Exit codes: 0 when PBFT kept agreement and linearizability in every run (a Raft violation with the liar is the
/// expected finding, reported, not a failure); 1 when PBFT broke either, when Raft broke safety without the liar
/// (<c>--honest</c>), or when node code threw; 2 for a usage error; 3 when a run hit a limit.
/// </remarks>
public sealed class ByzantineScenario : IScenario
{
    /// <summary>The sizes whose messages per request are measured.</summary>
    public static IReadOnlyList<int> MeasuredSizes { get; } = [4, 7, 10];

    /// <inheritdoc />
    public string Name => "byzantine";

    /// <inheritdoc />
    public string Summary => "Raft with one lying server loses safety; PBFT with f < n/3 Byzantine replicas keeps it (view changes, signatures); PBFT messages per request";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("n", "N", "PBFT replicas (n = 3f + 1 tolerates f); Raft runs on the largest of 3, 5, 7 not above n", "4"),
        new("protocol", "P", "raft, pbft or both", "both"),
        new("ops", "N", "operations per client (Raft: 3 clients; PBFT: 2)", "20"),
        new("honest", null, "control run: Raft without the liar, PBFT with no Byzantine replica"),
        new("byzantine-behavior", "B", "PBFT faulty replicas: mix (each draws one from the seed), equivocate, silent, tamper, forge or replay", "mix"),
        new("faulty-primary", null, "PBFT: the primary of view 0 is one of the Byzantine replicas (forces a view change for silent, equivocating or tampering primaries)"),
    ];

    /// <summary>The Raft cluster size for <paramref name="n"/>: the largest of 3, 5, 7 not above it (3 below 3).</summary>
    /// <param name="n">The <c>--n</c> value.</param>
    public static int RaftServers(int n) => n >= 7 ? 7 : n >= 5 ? 5 : 3;

    /// <summary>Reads the PBFT options.</summary>
    /// <param name="args">The parsed options.</param>
    public static PbftOptions ParsePbft(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int n = args.GetInt("n", 4, min: 4, max: 100);
        string behavior = args.GetChoice("byzantine-behavior", "mix", ["mix", .. PbftBehaviors.All.Select(PbftBehaviors.Name)]);
        bool honest = args.Has("honest");
        if (honest && args.Has("faulty-primary"))
        {
            throw new UsageException("--faulty-primary: --honest runs PBFT with no Byzantine replica");
        }

        return new PbftOptions(
            Replicas: n,
            Faulty: honest ? 0 : (n - 1) / 3,
            Fault: behavior == "mix" ? null : PbftBehaviors.All.First(b => PbftBehaviors.Name(b) == behavior),
            FaultyPrimary: args.Has("faulty-primary"),
            Operations: args.GetInt("ops", 20, min: 1, max: 10_000));
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string protocol = args.GetChoice("protocol", "both", "raft", "pbft", "both");
        if (protocol == "both" && args.OutputOption is { } file)
        {
            throw new UsageException($"--{file}: writes one run of one protocol; add --protocol raft or --protocol pbft");
        }

        PbftOptions pbft = ParsePbft(args);
        bool honest = args.Has("honest");
        var raftOptions = RaftLiar.Options(RaftServers(pbft.Replicas), pbft.Operations);
        RaftLiarTally? raft = null;
        PbftTally? tally = null;
        RunSummary? raftSummary = null, pbftSummary = null;
        if (protocol is "raft" or "both")
        {
            raft = new RaftLiarTally();
            raftSummary = Sweep.Fold(args, (seed, settings) => RaftLiar.Play(seed, raftOptions, liar: !honest, settings), RaftLiarRecord.Of, raft.Add, out _);
        }

        if (protocol is "pbft" or "both")
        {
            tally = new PbftTally();
            pbftSummary = Sweep.Fold(args, (seed, settings) => PbftCluster.Play(seed, pbft, settings), PbftRecord.Of, tally.Add, out _);
        }

        (int N, double Measured, long Predicted, long Requests)[] perRequest = tally is null ? [] : [.. MeasuredSizes.Select(n => MessagesPerRequest(args.Seed, n, pbft.Operations))];
        RunSummary summary = pbftSummary ?? raftSummary!;
        bool failed = (tally is { } t && (t.Bad > 0 || t.NodeFaults > 0)) || (raft is { } r && (r.NodeFaults > 0 || (honest && r.Bad > 0)));
        int code = failed ? Runner.Failure : (raftSummary is { Complete: false } ? raftSummary.ExitCode : summary.ExitCode);
        if (args.Json)
        {
            output.WriteLine(Report.Json(json => WriteJson(json, args, pbft, honest, summary, raft, tally, perRequest)));
            return code;
        }

        WriteText(output, args, pbft, honest, raft, tally, perRequest, raftSummary, pbftSummary);
        return code;
    }

    /// <summary>Messages per request of a fault-free PBFT run with <paramref name="n"/> replicas (all the messages the nodes sent, over the requests answered).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="n">Replicas.</param>
    /// <param name="operations">Operations per client.</param>
    public static (int N, double Measured, long Predicted, long Requests) MessagesPerRequest(ulong seed, int n, int operations)
    {
        PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: 0, Operations: operations), RunSettings.Unrecorded);
        return (n, run.Completed == 0 ? 0 : (double)run.Simulation.Messages.Sent / run.Completed, PbftOptions.PredictedMessagesPerRequest(n), run.Completed);
    }

    private void WriteJson(
        Utf8JsonWriter json, ScenarioArgs args, PbftOptions pbft, bool honest, RunSummary summary, RaftLiarTally? raft, PbftTally? tally,
        (int N, double Measured, long Predicted, long Requests)[] perRequest)
    {
        Report.WriteCommon(json, Name, args.Seed, summary);
        json.WriteNumber("n", pbft.Replicas);
        json.WriteNumber("f", pbft.F);
        json.WriteBoolean("honest", honest);
        json.WriteStartObject("safetyViolations");
        if (raft is not null)
        {
            json.WriteNumber("raft", raft.SafetyViolations);
        }

        if (tally is not null)
        {
            json.WriteNumber("pbft", tally.Violations);
        }

        json.WriteEndObject();
        if (raft is not null)
        {
            json.WriteStartObject("raft");
            json.WriteNumber("servers", RaftServers(pbft.Replicas));
            json.WriteBoolean("liar", !honest);
            raft.Write(json);
            json.WriteEndObject();
        }

        if (tally is not null)
        {
            json.WriteStartObject("pbft");
            json.WriteNumber("byzantineReplicas", pbft.Faulty);
            json.WriteString("byzantineBehavior", pbft.Fault is { } b ? PbftBehaviors.Name(b) : "mix");
            json.WriteBoolean("faultyPrimary", pbft.FaultyPrimary);
            tally.Write(json);
            json.WriteEndObject();
        }

        json.WriteStartArray("messagesPerRequest");
        foreach ((int n, double measured, long predicted, long requests) in perRequest)
        {
            json.WriteStartObject();
            json.WriteNumber("n", n);
            json.WriteNumber("measured", measured);
            json.WriteNumber("predicted", predicted);
            json.WriteNumber("requests", requests);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteText(
        TextWriter output, ScenarioArgs args, PbftOptions pbft, bool honest, RaftLiarTally? raft, PbftTally? tally,
        (int N, double Measured, long Predicted, long Requests)[] perRequest, RunSummary? raftSummary, RunSummary? pbftSummary)
    {
        if (raft is not null && raftSummary is not null)
        {
            output.WriteLine(Invariant($"raft: {raft.Runs} run(s), {RaftServers(pbft.Replicas)} servers, crashes, partitions, partial synchrony; {(honest ? "no liar (control)" : "s0 lies (double votes, forged term and log)")}"));
            Report.WriteLimitLine(output, raftSummary);
            output.WriteLine(Invariant($"  runs breaking safety or linearizability: {raft.Bad} of {raft.Runs} ({raft.BadRate.Low:P1} - {raft.BadRate.High:P1}, 95% Wilson); safety violations {raft.SafetyViolations} (conflicting commits {raft.ConflictingCommits}, lost commits {raft.LostCommits}, two leaders in a term {raft.DoubleLeaders})"));
            output.WriteLine(Invariant($"  liar: {raft.DoubleVotes} double votes, {raft.ForgedCampaigns} forged-term campaigns ({raft.ForgedWins} won), {raft.ForgedAppends} forged AppendEntries; {raft.ByzantineEvents} byzantine trace events"));
            if (raft.FirstBad is { } bad)
            {
                output.WriteLine(Invariant($"  first violation after {raft.RunsToFirstBad} run(s): seed {bad}: {raft.FirstBadText} (replay: byzantine --protocol raft --seed {bad}{(honest ? " --honest" : string.Empty)})"));
            }

            output.WriteLine(Invariant($"  fingerprint {raftSummary.Fingerprint:x16}"));
        }

        if (tally is not null && pbftSummary is not null)
        {
            output.WriteLine(Invariant($"pbft: {tally.Runs} run(s), n = {pbft.Replicas}, f = {pbft.F}, {pbft.Faulty} Byzantine ({(pbft.Fault is { } b ? PbftBehaviors.Name(b) : "mix")}{(pbft.FaultyPrimary ? ", primary faulty" : string.Empty)}); behaviours drawn: {string.Join(", ", tally.Behaviors.Select(kv => Invariant($"{kv.Key} {kv.Value}")))}"));
            Report.WriteLimitLine(output, pbftSummary);
            output.WriteLine(Invariant($"  agreement violations {tally.Violations}; linearizable {tally.Linearizable} of {tally.Runs}; completed {tally.Completed} of {tally.Operations} operations"));
            output.WriteLine(Invariant($"  view changes: {tally.RunsWithViewChange} run(s) changed view; {tally.ViewChanges} view-change and {tally.NewViews} new-view messages; {tally.ExecutedAfterViewChange} executions after a view change"));
            output.WriteLine(Invariant($"  rejected: {tally.Rejections} messages with a bad signature or certificate, {tally.LinkRejections} forged packets at the authenticated link; {tally.ByzantineEvents} byzantine trace events"));
            if (tally.FirstBad is { } bad)
            {
                output.WriteLine(Invariant($"  FIRST VIOLATION: seed {bad}: {tally.FirstBadText}"));
            }

            output.WriteLine(Invariant($"  fingerprint {pbftSummary.Fingerprint:x16}"));
            output.WriteLine("  messages per request, fault-free (measured / predicted 1 + (n-1) + (n-1)^2 + n(n-1) + n):");
            foreach ((int n, double measured, long predicted, long requests) in perRequest)
            {
                output.WriteLine(Invariant($"    n = {n,2}: {measured:0.##} / {predicted} over {requests} requests"));
            }
        }

        Report.WriteStatistics(output, pbftSummary ?? raftSummary!);
    }
}
