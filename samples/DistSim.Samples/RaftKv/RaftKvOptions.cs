using DistSim.Failures;
using DistSim.Nodes;

namespace DistSim.Samples.RaftKv;

/// <summary>What a server needs to be built: its index, its peers, the observer and the cluster's options.</summary>
/// <param name="Index">The server's index (0-based; its name is <c>s&lt;index&gt;</c>).</param>
/// <param name="Servers">Every server, by index.</param>
/// <param name="Observer">Sees elections, commits, recoveries (the checks).</param>
/// <param name="Options">The cluster's options.</param>
public sealed record RaftKvServerArgs(int Index, IReadOnlyList<NodeId> Servers, RaftKvObserver Observer, RaftKvOptions Options);

/// <summary>How a Raft key-value cluster is set up and which protocol features (and which bug) it runs with.</summary>
/// <param name="Servers">Raft servers: 3, 5 or 7.</param>
/// <param name="Clients">Clients, each running <paramref name="Operations"/> operations one after another (0: no load).</param>
/// <param name="Operations">Operations per client.</param>
/// <param name="Keys">Keys the clients use.</param>
/// <param name="ElectionTimeout">The least election timeout E: each timeout is drawn in [E, 2E]; heartbeats every E/5.</param>
/// <param name="PreVote">Run a PreVote round before an election (Raft thesis §9.6): a server that could not win does not bump its term.</param>
/// <param name="CheckQuorum">A leader that has not heard from a majority within E steps down; a server that heard from a leader within E ignores votes (leader stickiness).</param>
/// <param name="Persist">False (the bug): term, vote and log are written but never flushed, so a crash loses what the disk had not written back.</param>
/// <param name="UnsafeCommit">True (the bug of Figure 8): the leader commits entries of earlier terms by counting replicas, and appends no no-op when elected.</param>
/// <param name="Loss">Probability that a packet is lost (Raft retries on its own; the link is fair-loss).</param>
/// <param name="CrashEvery">Mean time between crashes of a server (restarted after 20–300 ms); null: no crashes.</param>
/// <param name="Partitions">Random partitions (symmetric, asymmetric, one node isolated) during the fault window.</param>
/// <param name="FaultWindow">Faults start within this time from the start; GST (partial synchrony) is drawn in it too.</param>
/// <param name="Duration">With no clients: how long the run lasts. With clients: the run ends when they are done after the fault window, or at <see cref="RaftKvCluster.Grace"/> after it.</param>
/// <param name="Schedule">Scripted faults (link cuts, crashes) applied to the run on top of the random ones; null: none. Name servers with <see cref="RaftKvCluster.ServerIds"/>.</param>
/// <param name="ServerFactory">Builds server <c>i</c>; null: an honest <see cref="RaftKvServer"/>. The seam for adversarial servers (override its virtual handlers).</param>
/// <param name="FailureModelOf">The failure model of server <c>i</c>; null: crash-recover for every server. An adversarial server that records its deviations needs <see cref="FailureModels.Byzantine"/>.</param>
/// <param name="ClientTimeout">How long a client waits for an answer before trying the next server; null: 2E, at least 150 ms.</param>
public sealed record RaftKvOptions(
    int Servers = 3,
    int Clients = 3,
    int Operations = 30,
    int Keys = 3,
    TimeSpan? ElectionTimeout = null,
    bool PreVote = false,
    bool CheckQuorum = false,
    bool Persist = true,
    bool UnsafeCommit = false,
    double Loss = 0.02,
    TimeSpan? CrashEvery = null,
    bool Partitions = true,
    TimeSpan? FaultWindow = null,
    TimeSpan? Duration = null,
    FaultSchedule? Schedule = null,
    Func<RaftKvServerArgs, RaftKvServer>? ServerFactory = null,
    Func<int, FailureModel>? FailureModelOf = null,
    TimeSpan? ClientTimeout = null)
{
    /// <summary>The least election timeout when none is given: 150 ms.</summary>
    public static TimeSpan DefaultElectionTimeout { get; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The fault window when none is given: 3 s.</summary>
    public static TimeSpan DefaultFaultWindow { get; } = TimeSpan.FromSeconds(3);

    /// <summary>The least election timeout in effect.</summary>
    public TimeSpan Election => ElectionTimeout ?? DefaultElectionTimeout;

    /// <summary>The fault window in effect.</summary>
    public TimeSpan Window => FaultWindow ?? DefaultFaultWindow;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (Servers is not (3 or 5 or 7))
        {
            throw new ArgumentOutOfRangeException(nameof(Servers), Servers, "must be 3, 5 or 7");
        }

        if (Clients is < 0 or > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(Clients), Clients, "must be in [0, 50]");
        }

        if (Operations is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Operations), Operations, "must be in [1, 10000]");
        }

        if (Keys is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Keys), Keys, "must be in [1, 1000]");
        }

        if (ElectionTimeout is { } e && (e < TimeSpan.FromMilliseconds(5) || e > TimeSpan.FromMinutes(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(ElectionTimeout), e, "must be in [5 ms, 1 min]");
        }

        if (!(Loss >= 0 && Loss < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "must be in [0, 1)");
        }

        if (CrashEvery is { } c && c <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CrashEvery), c, "must be > 0 (or null for no crashes)");
        }

        if (FaultWindow is { } w && (w < TimeSpan.Zero || w > TimeSpan.FromHours(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(FaultWindow), w, "must be in [0, 1 h]");
        }

        if (ClientTimeout is { } ct && (ct < TimeSpan.FromMilliseconds(1) || ct > TimeSpan.FromMinutes(5)))
        {
            throw new ArgumentOutOfRangeException(nameof(ClientTimeout), ct, "must be in [1 ms, 5 min]");
        }

        if (Duration is { } d && (d <= TimeSpan.Zero || d > TimeSpan.FromHours(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), d, "must be in (0, 1 h]");
        }
    }
}
