using DistSim.Checking;
using DistSim.Samples.Cli;

namespace DistSim.Samples.RaftKv;

/// <summary>What a sweep keeps of one <c>raft</c> run.</summary>
/// <param name="Verdict">The linearizability verdict of the run's history.</param>
/// <param name="Failing">The operation that cannot be linearized, as text; null unless not linearizable.</param>
/// <param name="Operations">Operations in the history.</param>
/// <param name="Completed">Operations the clients saw answered.</param>
/// <param name="SafetyViolations">Violations of election safety, state machine safety or leader completeness.</param>
/// <param name="FirstSafetyViolation">The first of them in words; null if none.</param>
/// <param name="LeadersPerTermMax">The most servers elected in one term.</param>
/// <param name="ValuesPerIndexMax">The most distinct entries committed at one index.</param>
/// <param name="Leaders">Leaders elected.</param>
/// <param name="Terms">The highest term reached.</param>
/// <param name="Commits">Log indexes committed.</param>
/// <param name="Crashes">Server crashes.</param>
/// <param name="Restarts">Server restarts.</param>
/// <param name="Recoveries">Restarts that rebuilt the server from storage (a restart at the very end of a run may not have).</param>
/// <param name="RecoveriesMatchingFlushed">Restarts that found exactly the state last flushed.</param>
/// <param name="PreVoteRounds">Pre-vote rounds started.</param>
/// <param name="PreVoteRoundsFailed">Pre-vote rounds that ended without an election.</param>
/// <param name="CheckQuorumStepDowns">Leaders that stepped down by check-quorum.</param>
/// <param name="VotesIgnored">Vote requests ignored for a live leader.</param>
/// <param name="Truncations">Conflicting log suffixes cut.</param>
/// <param name="Violation">A node fault or a limit that stopped the run (first line); null if none.</param>
public sealed record RaftKvRecord(
    string Verdict,
    string? Failing,
    int Operations,
    int Completed,
    int SafetyViolations,
    string? FirstSafetyViolation,
    int LeadersPerTermMax,
    int ValuesPerIndexMax,
    int Leaders,
    long Terms,
    int Commits,
    long Crashes,
    long Restarts,
    int Recoveries,
    int RecoveriesMatchingFlushed,
    int PreVoteRounds,
    int PreVoteRoundsFailed,
    int CheckQuorumStepDowns,
    int VotesIgnored,
    int Truncations,
    string? Violation)
{
    /// <summary>Whether the run broke a safety property or linearizability.</summary>
    public bool Bad => SafetyViolations > 0 || Verdict == nameof(LinearizabilityVerdict.NotLinearizable);

    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static RaftKvRecord Of(RaftKvRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        RaftKvObserver o = r.Observer;
        return new(
            r.Verdict.Verdict.ToString(),
            r.Verdict.FailingOperation?.ToString(),
            r.History.Count,
            r.History.Count(op => !op.IsPending),
            o.Violations,
            o.FirstViolation,
            o.LeadersPerTermMax,
            o.ValuesPerIndexMax,
            o.LeadersElected,
            o.HighestTerm,
            o.Commits,
            r.Simulation.Faults.Crashes,
            r.Simulation.Faults.Restarts,
            o.Recoveries.Count,
            o.Recoveries.Count(x => x.MatchesFlushed),
            o.PreVoteRounds,
            o.PreVoteRoundsFailed,
            o.CheckQuorumStepDowns,
            o.VotesIgnoredForLiveLeader,
            o.Truncations,
            r.Simulation.Failure is { } f ? f.Message.Split('\n')[0] : null);
    }
}

/// <summary>
/// The <c>raft</c> scenario: Raft replicating a linearizable key-value store on 3, 5 or 7 servers under crash-recover
/// faults, random partitions and partial synchrony; every run checks election safety, that committed entries are never
/// lost or changed, and the clients' history for linearizability. <c>--prevote</c> and <c>--check-quorum</c> switch on
/// the thesis' extensions; <c>--no-persist</c> and <c>--unsafe-commit</c> plant bugs. See <c>docs/samples/raft.md</c>.
/// </summary>
public sealed class RaftKvScenario : IShrinkableScenario
{
    /// <inheritdoc />
    public string Name => "raft";

    /// <inheritdoc />
    public string Summary => "Raft replicating a linearizable key-value store under crashes, partitions and partial synchrony; --prevote, --check-quorum; --no-persist breaks it";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("nodes", "N", "Raft servers: 3, 5 or 7", "3"),
        new("clients", "N", "clients, each running its operations one after another", "3"),
        new("ops", "N", "operations per client (gets and puts, half each)", "30"),
        new("keys", "K", "keys the clients use", "3"),
        new("election-timeout", "MS", "least election timeout E in ms (each drawn in [E, 2E]; heartbeats every E/5)", "150"),
        new("loss", "P", "probability that a packet is lost", "0.02"),
        new("crash-every", "D", "mean time between crashes of a server (each restarts after 20-300 ms)", "400ms"),
        new("no-partitions", null, "no random partitions"),
        new("prevote", null, "a PreVote round before each election (thesis 9.6)"),
        new("check-quorum", null, "leaders step down without a majority's answers within E; followers of a live leader ignore votes"),
        new("no-persist", null, "BUG: term, vote and log are never flushed, so a crash loses what the disk had not written back"),
        new("unsafe-commit", null, "BUG (Figure 8): commit earlier terms' entries by counting replicas; no no-op when elected"),
        new("figure8", null, "plays the scripted Figure 8 schedule instead of random faults (5 servers; --loss, --crash-every, --no-partitions do not apply)"),
    ];

    /// <summary>Reads the options.</summary>
    /// <param name="args">The parsed options.</param>
    public static RaftKvOptions Parse(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int nodes = args.GetInt("nodes", 3, min: 3, max: 7);
        if (nodes % 2 == 0)
        {
            throw new UsageException(Invariant($"--nodes must be 3, 5 or 7, got {nodes}"));
        }

        double loss = args.GetProbability("loss", 0.02);
        if (loss >= 1)
        {
            throw new UsageException(Invariant($"--loss must be below 1 (nothing would ever arrive), got {loss}"));
        }

        if (args.Has("figure8"))
        {
            if (nodes != RaftKvFigure8.Servers && args.Has("nodes"))
            {
                throw new UsageException(Invariant($"--figure8 plays a schedule for {RaftKvFigure8.Servers} servers, got --nodes {nodes}"));
            }

            if (args.Has("election-timeout"))
            {
                throw new UsageException("--figure8 plays a timeline written for the default election timeout; leave out --election-timeout");
            }

            return RaftKvFigure8.Options(
                clients: args.GetInt("clients", 3, min: 1, max: 50),
                operations: args.GetInt("ops", 30, min: 1, max: 10_000),
                unsafeCommit: args.Has("unsafe-commit"),
                keys: args.GetInt("keys", 3, min: 1, max: 1_000)) with { PreVote = args.Has("prevote"), CheckQuorum = args.Has("check-quorum"), Persist = !args.Has("no-persist") };
        }

        TimeSpan crashEvery = args.GetDuration("crash-every", TimeSpan.FromMilliseconds(400));
        if (crashEvery <= TimeSpan.Zero)
        {
            throw new UsageException(Invariant($"--crash-every must be positive, got {crashEvery}"));
        }

        return new RaftKvOptions(
            Servers: nodes,
            Clients: args.GetInt("clients", 3, min: 1, max: 50),
            Operations: args.GetInt("ops", 30, min: 1, max: 10_000),
            Keys: args.GetInt("keys", 3, min: 1, max: 1_000),
            ElectionTimeout: TimeSpan.FromMilliseconds(args.GetInt("election-timeout", 150, min: 5, max: 60_000)),
            PreVote: args.Has("prevote"),
            CheckQuorum: args.Has("check-quorum"),
            Persist: !args.Has("no-persist"),
            UnsafeCommit: args.Has("unsafe-commit"),
            Loss: loss,
            CrashEvery: crashEvery,
            Partitions: !args.Has("no-partitions"));
    }

    /// <inheritdoc />
    public ShrinkTarget ShrinkTarget(ScenarioArgs args)
    {
        RaftKvOptions options = Parse(args);
        return new("Raft safety or linearizability broken", (seed, settings) =>
        {
            RaftKvRun run = RaftKvCluster.Play(seed, options, settings);
            return (run.Bad, run.Simulation);
        });
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        RaftKvOptions o = Parse(args);
        bool figure8 = args.Has("figure8");
        var t = new RaftKvTally();
        RunSummary summary = Sweep.Fold(args, (seed, settings) => RaftKvCluster.Play(seed, o, settings), RaftKvRecord.Of, t.Add, out _);
        bool failed = t.Bad > 0 || t.NodeFaults > 0;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteNumber("nodes", o.Servers);
                json.WriteBoolean("prevote", o.PreVote);
                json.WriteBoolean("checkQuorum", o.CheckQuorum);
                json.WriteBoolean("persist", o.Persist);
                json.WriteBoolean("unsafeCommit", o.UnsafeCommit);
                json.WriteBoolean("figure8", figure8);
                json.WriteNumber("electionTimeoutMs", o.Election.TotalMilliseconds);
                t.Write(json);
            }));
            return failed ? Runner.Failure : summary.ExitCode;
        }

        string faults = figure8
            ? "the scripted Figure 8 schedule (no random faults, no loss)"
            : Invariant($"crashing every {o.CrashEvery!.Value.TotalMilliseconds:0} ms on average{(o.Partitions ? ", random partitions" : string.Empty)}, partial synchrony");
        output.WriteLine(Invariant($"raft: {t.Runs} run(s), {o.Servers} servers (E = {o.Election.TotalMilliseconds:0} ms{(o.PreVote ? ", prevote" : string.Empty)}{(o.CheckQuorum ? ", check-quorum" : string.Empty)}), {faults}; {o.Clients} client(s) x {o.Operations} operations; {(o.Persist ? "flushed before acting" : "NO PERSIST")}{(o.UnsafeCommit ? ", UNSAFE COMMIT" : string.Empty)}"));
        Report.WriteLimitLine(output, summary);
        t.WriteText(output);
        if (t.FirstBad is { } bad)
        {
            string flags = string.Concat(o.Persist ? string.Empty : " --no-persist", o.UnsafeCommit ? " --unsafe-commit" : string.Empty, o.PreVote ? " --prevote" : string.Empty, o.CheckQuorum ? " --check-quorum" : string.Empty, figure8 ? " --figure8" : string.Empty);
            output.WriteLine(Invariant($"  first violation: seed {bad}: {t.FirstBadText} (replay: raft --seed {bad}{flags})"));
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return failed ? Runner.Failure : summary.ExitCode;
    }
}
