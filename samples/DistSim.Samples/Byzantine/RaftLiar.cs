using DistSim.Checking;
using DistSim.Failures;
using DistSim.Samples.Cli;
using DistSim.Samples.RaftKv;

namespace DistSim.Samples.Byzantine;

/// <summary>A finished Raft run with (or, for the control, without) the liar.</summary>
/// <param name="Raft">The Raft run; its observer and history see the honest servers only.</param>
/// <param name="Liar">What the liar did (all zero without it).</param>
/// <param name="HasLiar">Whether server <see cref="RaftLiar.LiarIndex"/> lied.</param>
public sealed record RaftLiarRun(RaftKvRun Raft, RaftLiarLog Liar, bool HasLiar) : IScenarioRun
{
    /// <inheritdoc />
    public Simulation Simulation => Raft.Simulation;

    /// <inheritdoc />
    public RunResult Run => Raft.Run;
}

/// <summary>What a sweep keeps of one Raft run with or without the liar.</summary>
/// <param name="SafetyViolations">Violations among the honest servers: two leaders in a term, two entries committed at an index, a leader without a committed entry.</param>
/// <param name="FirstViolation">The first of them in words; null if none.</param>
/// <param name="Linearizable">Whether the clients' history is linearizable.</param>
/// <param name="ConflictingCommits">Two different entries committed at one index.</param>
/// <param name="DoubleLeaders">Two honest leaders in one term.</param>
/// <param name="LostCommits">Honest leaders elected without a committed entry.</param>
/// <param name="DoubleVotes">Votes the liar gave a second candidate in a term.</param>
/// <param name="ForgedCampaigns">Forged-term campaigns.</param>
/// <param name="ForgedWins">Forged-term elections won.</param>
/// <param name="ForgedAppends">Forged AppendEntries sent.</param>
/// <param name="ByzantineEvents">Byzantine events in the run's trace (0 when the trace is not recorded).</param>
/// <param name="Completed">Client operations answered.</param>
/// <param name="Violation">A node fault or a limit that stopped the run (first line); null if none.</param>
public sealed record RaftLiarRecord(
    int SafetyViolations,
    string? FirstViolation,
    bool Linearizable,
    int ConflictingCommits,
    int DoubleLeaders,
    int LostCommits,
    int DoubleVotes,
    int ForgedCampaigns,
    int ForgedWins,
    int ForgedAppends,
    int ByzantineEvents,
    int Completed,
    string? Violation)
{
    /// <summary>Whether the run broke safety or linearizability.</summary>
    public bool Bad => SafetyViolations > 0 || !Linearizable;

    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static RaftLiarRecord Of(RaftLiarRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        RaftKvObserver o = r.Raft.Observer;
        return new(
            o.Violations,
            o.FirstViolation,
            r.Raft.Verdict.Verdict != LinearizabilityVerdict.NotLinearizable,
            o.ConflictingCommits,
            o.DoubleLeaders,
            o.LostCommits,
            r.Liar.DoubleVotes,
            r.Liar.ForgedCampaigns,
            r.Liar.ForgedWins,
            r.Liar.ForgedAppends,
            r.Simulation.Trace.Events.Count(e => e.Kind == Tracing.TraceEventKind.Byzantine),
            r.Raft.History.Count(op => !op.IsPending),
            r.Simulation.Failure is { } f ? f.Message.Split('\n')[0] : null);
    }
}

/// <summary>
/// Raft (the <c>raft</c> scenario's servers, crash-recover faults, random partitions, partial synchrony) with one
/// lying server, <see cref="LyingRaftServer"/>, as server <see cref="LiarIndex"/>. The cluster's observer and the
/// clients' history see the honest servers only: the liar reports to an observer of its own.
/// </summary>
public static class RaftLiar
{
    /// <summary>The liar's index (<c>s0</c>).</summary>
    public const int LiarIndex = 0;

    /// <summary>The Raft options of the scenario: <paramref name="servers"/> servers, 3 clients of <paramref name="operations"/> operations, the <c>raft</c> defaults otherwise.</summary>
    /// <param name="servers">3, 5 or 7.</param>
    /// <param name="operations">Operations per client.</param>
    public static RaftKvOptions Options(int servers, int operations) =>
        new(Servers: servers, Operations: operations, CrashEvery: TimeSpan.FromMilliseconds(400));

    /// <summary>Plays one run.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster (its factory and failure models are replaced).</param>
    /// <param name="liar">Whether server <see cref="LiarIndex"/> lies (false: the control, honest Raft).</param>
    /// <param name="settings">How to trace and limit the run; null: traced in memory.</param>
    public static RaftLiarRun Play(ulong seed, RaftKvOptions options, bool liar, RunSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var log = new RaftLiarLog();
        if (!liar)
        {
            return new(RaftKvCluster.Play(seed, options, PbftCluster.Traced(settings)), log, false);
        }

        Simulation? simulation = null;
        RaftKvObserver? own = null;
        TimeSpan e = options.Election;
        RaftKvOptions lying = options with
        {
            ServerFactory = a => a.Index == LiarIndex
                ? new LyingRaftServer(a with { Observer = own ??= new RaftKvObserver(simulation!) }, log, 3 * e, 3 * e + TimeSpan.FromSeconds(1))
                : new RaftKvServer(a),
            FailureModelOf = i => i == LiarIndex ? FailureModels.Byzantine : FailureModels.CrashRecover(),
        };
        RaftKvRun run = RaftKvCluster.Play(seed, lying, PbftCluster.Traced(settings), s => simulation = s);
        return new(run, log, true);
    }
}
