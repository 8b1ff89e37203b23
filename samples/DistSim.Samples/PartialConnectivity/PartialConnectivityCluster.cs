using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Samples.RaftKv;
using DistSim.Time;

namespace DistSim.Samples.PartialConnectivity;

/// <summary>The partial-connectivity situations of Omni-Paxos (Ng et al., EuroSys 2023), and the Cloudflare incident's shape.</summary>
public enum PartialSituation
{
    /// <summary>Five servers: the leader and three followers lose every link among them; one follower (the hub) keeps every link.</summary>
    QuorumLoss,

    /// <summary>Five servers: the hub loses the leader first (so it lags), E/2 later the leader is isolated and the other three keep only the hub.</summary>
    ConstrainedElection,

    /// <summary>Three servers: the link between the leader and one follower breaks; the third server reaches both.</summary>
    Chained,

    /// <summary>Five servers: the link between the leader and one follower breaks (Cloudflare, November 2020).</summary>
    Incident,
}

/// <summary>How a <c>partial-connectivity</c> run is set up.</summary>
/// <param name="Situation">Which links break.</param>
/// <param name="ElectionTimeout">The least election timeout E (each drawn in [E, 2E]; heartbeats every E/5).</param>
/// <param name="Partition">How long the partial partition lasts.</param>
/// <param name="PreVote">Raft with PreVote.</param>
/// <param name="CheckQuorum">Raft with CheckQuorum (and leader stickiness).</param>
public sealed record PartialConnectivityOptions(PartialSituation Situation, TimeSpan ElectionTimeout, TimeSpan Partition, bool PreVote = false, bool CheckQuorum = false)
{
    /// <summary>Servers in the situation: 3 for <see cref="PartialSituation.Chained"/> (as in the paper), 5 otherwise.</summary>
    public int Servers => Situation == PartialSituation.Chained ? 3 : 5;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Situation))
        {
            throw new ArgumentOutOfRangeException(nameof(Situation), Situation, "not a situation");
        }

        if (ElectionTimeout < TimeSpan.FromMilliseconds(5) || ElectionTimeout > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ElectionTimeout), ElectionTimeout, "must be in [5 ms, 1 min]");
        }

        if (Partition <= TimeSpan.Zero || Partition > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(Partition), Partition, "must be in (0, 10 min]");
        }
    }
}

/// <summary>
/// One <c>partial-connectivity</c> run: the Raft run, when the partial partition held, who led when it began, which links
/// were cut, and the figures measured over the partition window.
/// </summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Observer">The Raft observer (elections, commits, campaigns).</param>
/// <param name="Options">The setup.</param>
/// <param name="Start">When the first link broke (null: no leader was ever elected, see <see cref="PartialConnectivityCluster.Play"/>).</param>
/// <param name="End">When the network healed.</param>
/// <param name="Leader">The leader's index when the partition began.</param>
/// <param name="LeaderTerm">Its term.</param>
/// <param name="Hub">The follower that keeps every link (quorum-loss, constrained-election) or loses the leader (chained, incident).</param>
/// <param name="Cuts">The server pairs cut in both directions, in the order they were cut.</param>
/// <param name="LeaderAtHeal">The leader with the highest term just before the heal; -1: none.</param>
/// <param name="OldLeaderStillLeading">Whether the partition-start leader still led its term just before the heal.</param>
/// <param name="HubLagged">Constrained-election: whether the hub's log was shorter than every other follower's when the leader was isolated.</param>
public sealed record PartialConnectivityRun(
    Simulation Simulation,
    RunResult Run,
    RaftKvObserver Observer,
    PartialConnectivityOptions Options,
    SimTime? Start,
    SimTime? End,
    int Leader,
    long LeaderTerm,
    int Hub,
    IReadOnlyList<(int A, int B)> Cuts,
    int LeaderAtHeal,
    bool OldLeaderStillLeading,
    bool HubLagged) : IScenarioRun
{
    /// <summary>Commits whose gaps count as down-time only above this: well above a steady load's gaps (a few ms), below the smallest election timeout studied (50 ms).</summary>
    public static TimeSpan OutageThreshold { get; } = TimeSpan.FromMilliseconds(40);

    /// <summary>When log indexes were first committed within the partition window, in order.</summary>
    public IReadOnlyList<SimTime> WindowCommits =>
        Start is { } s && End is { } e ? [.. Observer.CommitTimes.Select(c => c.At).Where(t => t > s && t <= e).Order()] : [];

    /// <summary>Down-time and the longest outage over the partition window (see <see cref="PartialConnectivityCluster.Downtime"/>).</summary>
    public (TimeSpan Down, TimeSpan Longest) Outage =>
        Start is { } s && End is { } e ? PartialConnectivityCluster.Downtime(WindowCommits, s, e, OutageThreshold) : (TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Leaders elected within the partition window.</summary>
    public int LeaderChanges => Start is { } s && End is { } e ? Observer.LeadershipIntervals.Count(i => i.Start > s && i.Start <= e) : 0;

    /// <summary>Elections started (term bumps) within the partition window, by any server.</summary>
    public int Campaigns => Start is { } s && End is { } e ? Observer.CampaignLog.Count(c => c.At > s && c.At <= e) : 0;

    /// <summary>Elections started within the window by the <see cref="Hub"/> (for chained and incident: the follower that lost the leader).</summary>
    public int HubCampaigns => Start is { } s && End is { } e ? Observer.CampaignLog.Count(c => c.Server == Hub && c.At > s && c.At <= e) : 0;

    /// <summary>Entries of the partition-start leader's term committed within the window.</summary>
    public int OldLeaderCommits
    {
        get
        {
            if (Start is not { } s || End is not { } e)
            {
                return 0;
            }

            var terms = Observer.CommittedEntries.ToDictionary(c => c.Index, c => c.Entry.Term);
            return Observer.CommitTimes.Count(c => c.At > s && c.At <= e && terms[c.Index] == LeaderTerm);
        }
    }
}

/// <summary>Builds and runs the partial-connectivity situations on a Raft key-value cluster (<see cref="RaftKvCluster"/>).</summary>
public static class PartialConnectivityCluster
{
    /// <summary>Clients keeping a steady load on the cluster.</summary>
    public const int Clients = 3;

    /// <summary>A client that gets no answer within this long tries the next server (so commits show a leader able to commit, not a client's patience).</summary>
    public static TimeSpan ClientTimeout { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The run goes on this long after the heal.</summary>
    public static TimeSpan Tail { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The partition begins at the first leader found from 1 s + 3E on (checked every E/5).</summary>
    /// <param name="election">E.</param>
    public static TimeSpan WarmUp(TimeSpan election) => TimeSpan.FromSeconds(1) + (3 * election);

    /// <summary>
    /// The down-time of a window [<paramref name="from"/>, <paramref name="to"/>] with commits at <paramref name="commits"/>
    /// (sorted): the sum of the gaps between consecutive commits, the window's ends counting as commits, that are longer than
    /// <paramref name="threshold"/> (each such gap counted whole); and the longest gap.
    /// </summary>
    /// <param name="commits">Commit instants within the window, sorted.</param>
    /// <param name="from">The window's start.</param>
    /// <param name="to">The window's end.</param>
    /// <param name="threshold">Gaps up to this long are normal operation.</param>
    public static (TimeSpan Down, TimeSpan Longest) Downtime(IEnumerable<SimTime> commits, SimTime from, SimTime to, TimeSpan threshold)
    {
        ArgumentNullException.ThrowIfNull(commits);
        TimeSpan down = TimeSpan.Zero, longest = TimeSpan.Zero;
        SimTime previous = from;
        foreach (SimTime c in commits.Where(c => c > from && c <= to).Append(to))
        {
            TimeSpan gap = c - previous;
            if (gap > threshold)
            {
                down += gap;
            }

            longest = gap > longest ? gap : longest;
            previous = c;
        }

        return (down, longest);
    }

    /// <summary>Builds and runs one situation for <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The setup.</param>
    /// <param name="settings">How to trace and limit the run; null: the trace is kept in memory.</param>
    public static PartialConnectivityRun Play(ulong seed, PartialConnectivityOptions options, RunSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TimeSpan e = options.ElectionTimeout;
        TimeSpan warm = WarmUp(e);
        TimeSpan latest = warm + (10 * e);
        var raft = new RaftKvOptions(
            Servers: options.Servers, Clients: Clients, Operations: 10_000, Keys: 3, ElectionTimeout: e, PreVote: options.PreVote, CheckQuorum: options.CheckQuorum,
            Loss: 0, CrashEvery: null, Partitions: false, FaultWindow: TimeSpan.Zero, Duration: latest + options.Partition + Tail, ClientTimeout: ClientTimeout);
        Simulation sim = RaftKvCluster.Build(seed, raft, out RaftKvObserver observer, out _, settings);
        IReadOnlyList<NodeId> ids = RaftKvCluster.ServerIds(options.Servers);
        var state = new State(sim, ids, options);
        sim.At(SimTime.FromStart(warm), state.TryStart);
        RunResult result = sim.RunUntil(() => (state.End is { } end && sim.Now >= end + Tail) || sim.Now.SinceStart > latest + options.Partition + Tail);
        return new PartialConnectivityRun(sim, result, observer, options, state.Start, state.End, state.Leader, state.LeaderTerm, state.Hub, state.Cuts,
            state.LeaderAtHeal, state.OldLeaderStillLeading, state.HubLagged);
    }

    /// <summary>The leader with the highest term now; -1: none.</summary>
    /// <param name="sim">The simulation.</param>
    /// <param name="ids">The servers.</param>
    public static int LeaderNow(Simulation sim, IReadOnlyList<NodeId> ids)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(ids);
        int best = -1;
        long term = -1;
        for (int i = 0; i < ids.Count; i++)
        {
            if (sim.IsUp(ids[i]) && sim.GetNode(ids[i]) is RaftKvServer { Role: RaftRole.Leader } s && s.Term > term)
            {
                (best, term) = (i, s.Term);
            }
        }

        return best;
    }

    private sealed class State(Simulation sim, IReadOnlyList<NodeId> ids, PartialConnectivityOptions options)
    {
        private readonly List<(int A, int B)> _cuts = [];

        public SimTime? Start { get; private set; }

        public SimTime? End { get; private set; }

        public int Leader { get; private set; } = -1;

        public long LeaderTerm { get; private set; }

        public int Hub { get; private set; } = -1;

        public IReadOnlyList<(int A, int B)> Cuts => _cuts;

        public int LeaderAtHeal { get; private set; } = -1;

        public bool OldLeaderStillLeading { get; private set; }

        public bool HubLagged { get; private set; }

        public void TryStart()
        {
            int leader = LeaderNow(sim, ids);
            if (leader < 0)
            {
                sim.At(sim.Now + (options.ElectionTimeout / 5), TryStart); // no leader yet: look again (the run's end bounds the wait)
                return;
            }

            int n = ids.Count;
            int F(int k) => (leader + k) % n;
            (Start, Leader, LeaderTerm, Hub) = (sim.Now, leader, Server(leader).Term, F(1));
            switch (options.Situation)
            {
                case PartialSituation.QuorumLoss:
                    CutAll([leader, F(2), F(3), F(4)]); // F(1) keeps every link: the only quorum-connected server
                    break;
                case PartialSituation.ConstrainedElection:
                    CutPair(leader, F(1)); // the hub stops hearing the leader and falls behind while the others commit
                    sim.At(sim.Now + (options.ElectionTimeout / 2), () =>
                    {
                        HubLagged = new[] { F(2), F(3), F(4) }.All(f => Server(f).LastIndex > Server(F(1)).LastIndex);
                        CutAll([leader, F(2), F(3), F(4)]); // the leader is isolated; the other three reach only the hub
                    });
                    break;
                default:
                    CutPair(leader, F(1)); // chained (3 servers) and incident (5): one broken link, leader <-> follower
                    break;
            }

            sim.At(sim.Now + options.Partition, Heal);
        }

        private void Heal()
        {
            LeaderAtHeal = LeaderNow(sim, ids);
            RaftKvServer old = Server(Leader);
            OldLeaderStillLeading = sim.IsUp(ids[Leader]) && old.Role == RaftRole.Leader && old.Term == LeaderTerm;
            End = sim.Now;
            sim.Network.Heal();
        }

        private RaftKvServer Server(int i) => sim.GetNode<RaftKvServer>(ids[i]);

        private void CutAll(int[] group)
        {
            for (int i = 0; i < group.Length; i++)
            {
                for (int j = i + 1; j < group.Length; j++)
                {
                    CutPair(group[i], group[j]);
                }
            }
        }

        private void CutPair(int a, int b)
        {
            sim.Network.Cut(ids[a], ids[b]);
            sim.Network.Cut(ids[b], ids[a]);
            _cuts.Add((Math.Min(a, b), Math.Max(a, b)));
        }
    }
}
