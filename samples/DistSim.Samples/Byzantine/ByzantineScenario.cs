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
        new("n", "N", "PBFT replicas (n >= 3f + 1 tolerates f = floor((n - 1) / 3)); Raft runs on the largest of 3, 5, 7 not above n", "4"),
        new("protocol", "P", "raft, pbft or both", "both"),
        new("ops", "N", "operations per client (Raft: 3 clients; PBFT: 2)", "20"),
        new("honest", null, "control run: Raft without the liar, PBFT with no Byzantine replica"),
        new("byzantine-behavior", "B", "PBFT faulty replicas: mix (each draws one from the seed), equivocate, silent, tamper, forge or replay", "mix"),
        new("faulty-primary", null, "PBFT: the primary of view 0 is one of the Byzantine replicas (forces a view change for silent, equivocating or tampering primaries)"),
        new("checkpoint-interval", "K", "PBFT: replicas checkpoint their state every K sequence numbers; the log window is 2K", "8"),
        new("lagging-replica", "I", "PBFT: replica I (kept honest) is cut off from a quarter of the operations answered to half, then catches up (by state transfer when more than the log window behind)"),
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

        bool faultyPrimary = args.Has("faulty-primary");
        int faulty = honest ? 0 : (n - 1) / 3;
        int? lagging = args.Has("lagging-replica") ? args.GetInt("lagging-replica", 0, min: 0, max: n - 1) : null;
        if (lagging == 0 && faultyPrimary)
        {
            throw new UsageException("--lagging-replica: 0 is the faulty primary (--faulty-primary); the lagging replica is an honest one: use 1 or above");
        }

        int quorum = PbftOptions.QuorumOf(n);
        if (lagging is not null && n - 1 - faulty < quorum)
        {
            throw new UsageException(Invariant($"--lagging-replica: with {faulty} Byzantine replica(s) of {n}, only {n - 1 - faulty} honest ones would be left, fewer than the quorum of {quorum}; add --honest, or use a larger --n"));
        }

        return new PbftOptions(
            Replicas: n,
            Faulty: faulty,
            Fault: behavior == "mix" ? null : PbftBehaviors.All.First(b => PbftBehaviors.Name(b) == behavior),
            FaultyPrimary: faultyPrimary,
            Operations: args.GetInt("ops", 20, min: 1, max: 10_000),
            CheckpointInterval: args.GetInt("checkpoint-interval", PbftOptions.DefaultCheckpointInterval, min: 1, max: 10_000),
            Lagging: lagging);
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

        if (protocol == "raft" && (args.Has("checkpoint-interval") || args.Has("lagging-replica")))
        {
            throw new UsageException($"--{(args.Has("checkpoint-interval") ? "checkpoint-interval" : "lagging-replica")}: applies to PBFT; add --protocol pbft or both");
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

        PerRequest[] perRequest = tally is null ? [] : [.. MeasuredSizes.Select(n => MessagesPerRequest(args.Seed, n, pbft.Operations, pbft.CheckpointInterval))];
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

    /// <summary>
    /// Messages per request of a fault-free PBFT run with <paramref name="n"/> replicas (all the messages the nodes sent,
    /// over the requests answered), and the prediction (<see cref="PbftOptions.PredictedMessages"/>) for as many requests.
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="n">Replicas.</param>
    /// <param name="operations">Operations per client.</param>
    /// <param name="checkpointInterval">The checkpoint interval K.</param>
    public static PerRequest MessagesPerRequest(ulong seed, int n, int operations, int checkpointInterval)
    {
        PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: 0, Operations: operations, CheckpointInterval: checkpointInterval), RunSettings.Unrecorded);
        long requests = run.Completed;
        return new PerRequest(
            n,
            requests == 0 ? 0 : (double)run.Simulation.Messages.Sent / requests,
            requests == 0 ? 0 : (double)PbftOptions.PredictedMessages(n, requests, checkpointInterval) / requests,
            PbftOptions.PredictedMessagesPerRequest(n),
            checkpointInterval,
            requests);
    }

    private void WriteJson(
        Utf8JsonWriter json, ScenarioArgs args, PbftOptions pbft, bool honest, RunSummary summary, RaftLiarTally? raft, PbftTally? tally,
        PerRequest[] perRequest)
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
            json.WriteNumber("checkpointInterval", pbft.CheckpointInterval);
            if (pbft.Lagging is { } lagging)
            {
                json.WriteNumber("laggingReplica", lagging);
            }
            else
            {
                json.WriteNull("laggingReplica");
            }

            tally.Write(json);
            json.WriteEndObject();
        }

        json.WriteStartArray("messagesPerRequest");
        foreach (PerRequest m in perRequest)
        {
            json.WriteStartObject();
            json.WriteNumber("n", m.N);
            json.WriteNumber("measured", m.Measured);
            json.WriteNumber("predicted", m.Predicted);
            json.WriteNumber("phases", m.Phases);
            json.WriteNumber("checkpointInterval", m.CheckpointInterval);
            json.WriteNumber("requests", m.Requests);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteText(
        TextWriter output, ScenarioArgs args, PbftOptions pbft, bool honest, RaftLiarTally? raft, PbftTally? tally,
        PerRequest[] perRequest, RunSummary? raftSummary, RunSummary? pbftSummary)
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
            output.WriteLine(Invariant($"  checkpoints every {pbft.CheckpointInterval}: {tally.StableCheckpoints} became stable at honest replicas; {tally.StateTransfers} state transfer(s){(pbft.Lagging is { } lag ? Invariant($" (r{lag} cut off from a quarter to half of the operations)") : string.Empty)}; at most {tally.MaxLogSlots} log slots held (window {2 * pbft.CheckpointInterval})"));
            if (tally.FirstBad is { } bad)
            {
                output.WriteLine(Invariant($"  FIRST VIOLATION: seed {bad}: {tally.FirstBadText}"));
            }

            output.WriteLine(Invariant($"  fingerprint {pbftSummary.Fingerprint:x16}"));
            output.WriteLine(Invariant($"  messages per request, fault-free (measured / predicted: 1 + (n-1) + (n-1)^2 + n(n-1) + n, and n(n-1) checkpoints every {pbft.CheckpointInterval}):"));
            foreach (PerRequest m in perRequest)
            {
                output.WriteLine(Invariant($"    n = {m.N,2}: {m.Measured:0.##} / {m.Predicted:0.##} ({m.Phases} + checkpoints) over {m.Requests} requests"));
            }
        }

        Report.WriteStatistics(output, pbftSummary ?? raftSummary!);
    }
}

/// <summary>Messages per request of one fault-free PBFT cluster size, measured and predicted.</summary>
/// <param name="N">Replicas.</param>
/// <param name="Measured">Messages the nodes sent per completed request.</param>
/// <param name="Predicted">The prediction per completed request (<see cref="PbftOptions.PredictedMessages"/> over the requests).</param>
/// <param name="Phases">2n² − n + 1: one request's own messages.</param>
/// <param name="CheckpointInterval">K.</param>
/// <param name="Requests">Requests completed.</param>
public sealed record PerRequest(int N, double Measured, double Predicted, long Phases, int CheckpointInterval, long Requests);
