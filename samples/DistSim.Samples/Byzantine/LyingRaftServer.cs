using DistSim.Checking;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Samples.RaftKv;

namespace DistSim.Samples.Byzantine;

/// <summary>What the liar did in one run (shared by its incarnations).</summary>
public sealed class RaftLiarLog
{
    /// <summary>Votes granted to a second candidate in a term (or to a candidate whose log is not up to date).</summary>
    public int DoubleVotes { get; internal set; }

    /// <summary>Campaigns in a forged term with a forged log claim.</summary>
    public int ForgedCampaigns { get; internal set; }

    /// <summary>Elections the liar won in its forged term.</summary>
    public int ForgedWins { get; internal set; }

    /// <summary>AppendEntries carrying a forged log that overwrites the followers' logs from index 1.</summary>
    public int ForgedAppends { get; internal set; }
}

/// <summary>
/// A lying Raft server (a <see cref="RaftKvServer"/> whose handlers are overridden), for a node with
/// <see cref="FailureModels.Byzantine"/>: (a) it grants its vote to every candidate that asks, even after voting for
/// another in the same term; (b) once, at a time drawn from its stream, it campaigns in a forged term 100 above its own,
/// claiming a log 1,000 entries longer than it has, and when elected sends every follower a forged log (entries of its
/// forged term from index 1, put commands of its own invention, commit index at their end) that overwrites the
/// followers' committed entries; after three rounds it abdicates and acts honestly again (but for its votes).
/// Every deviation is recorded in the trace (<see cref="FaultKinds.Lie"/>) before it is made.
/// </summary>
/// <param name="args">Index, peers, observer (the liar's own, so that the checks see honest servers only) and options.</param>
/// <param name="log">Counts the deviations.</param>
/// <param name="attackFrom">The earliest time of the forged campaign.</param>
/// <param name="attackTo">The latest time of the forged campaign.</param>
public sealed class LyingRaftServer(RaftKvServerArgs args, RaftLiarLog log, TimeSpan attackFrom, TimeSpan attackTo) : RaftKvServer(args)
{
    /// <summary>How far above its own term the forged term is.</summary>
    public const long TermForgery = 100;

    /// <summary>How many entries longer than its own log the forged vote request claims.</summary>
    public const long LogForgery = 1_000;

    private const int ForgedRounds = 3;
    private static readonly object AttackTag = new();
    private readonly SortedSet<int> _forgedVotes = [];
    private bool _campaigning;
    private int _forgingRounds;
    private RaftEntry[] _forged = [];

    /// <summary>Forged campaigns at most, per run (each election timeout of an unsuccessful one starts another).</summary>
    public const int AttemptsMax = 5;

    /// <inheritdoc />
    public override void OnStart()
    {
        base.OnStart();
        ArmAttack();
    }

    /// <inheritdoc />
    public override void OnRecover()
    {
        base.OnRecover();
        ArmAttack(); // a crash before the forged term won does not call it off
    }

    /// <inheritdoc />
    protected override void OnElectionTimeout()
    {
        if (_campaigning && log.ForgedCampaigns < AttemptsMax)
        {
            CampaignInForgedTerm(); // not elected yet: forge a still higher term
            return;
        }

        _campaigning = false;
        base.OnElectionTimeout();
    }

    private void ArmAttack()
    {
        if (log.ForgedWins > 0 || log.ForgedCampaigns >= AttemptsMax)
        {
            return;
        }

        long now = LocalNow.Ticks;
        long from = Math.Max(attackFrom.Ticks - now, 0), to = Math.Max(attackTo.Ticks - now, from + 1);
        SetTimer(TimeSpan.FromTicks(from + (long)Random.NextBelow((ulong)(to - from))), AttackTag);
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (ReferenceEquals(state, AttackTag))
        {
            CampaignInForgedTerm();
            return;
        }

        if (_forgingRounds > 0 && Role == RaftRole.Leader && state is not null)
        {
            if (--_forgingRounds == 0)
            {
                Abdicate();
                return;
            }
        }

        base.OnTimer(timer, state);
    }

    /// <summary>(a) Votes for whoever asks: a second vote in a term is a lie, recorded before it is sent.</summary>
    /// <param name="peer">The candidate.</param>
    /// <param name="r">The request.</param>
    protected override void OnVoteRequest(int peer, VoteRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.PreVote || r.Term < Term)
        {
            base.OnVoteRequest(peer, r);
            return;
        }

        long termAfter = r.Term;
        int voteAfter = r.Term > Term ? -1 : VotedFor;
        bool honest = (voteAfter == -1 || voteAfter == peer) && IsUpToDate(r.LastLogIndex, r.LastLogTerm);
        if (honest)
        {
            base.OnVoteRequest(peer, r);
            return;
        }

        if (r.Term > Term)
        {
            BecomeFollower(r.Term);
        }

        Context.RecordFault(FaultKinds.Lie, Invariant($"double vote: s{Index} grants s{peer} its vote in term {termAfter} having voted for s{VotedFor} in that term"));
        log.DoubleVotes++;
        Persist();
        SendTo(peer, new VoteReply(Term, true, PreVote: false));
    }

    /// <inheritdoc />
    protected override void OnVoteReply(int peer, VoteReply r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (_campaigning && !r.PreVote && r.Term == Term && Role == RaftRole.Candidate)
        {
            if (r.Granted && _forgedVotes.Add(peer) && _forgedVotes.Count >= Majority)
            {
                _campaigning = false;
                log.ForgedWins++;
                _forgingRounds = ForgedRounds;
                BecomeLeader();
            }

            return;
        }

        base.OnVoteReply(peer, r);
    }

    /// <summary>(b) While forging, every AppendEntries carries the forged log from index 1.</summary>
    /// <param name="peer">The follower.</param>
    protected override void SendAppend(int peer)
    {
        if (_forgingRounds == 0)
        {
            base.SendAppend(peer);
            return;
        }

        if (_forged.Length == 0)
        {
            long length = Math.Max(LastIndex, CommitIndex) + 3;
            _forged = [.. Enumerable.Range(1, (int)length).Select(i =>
                new RaftEntry(Term, new RaftCommand(Index, 1_000_000 + i, new KvInput(KvOperation.Put, Invariant($"k{(i - 1) % Options.Keys}"), Invariant($"forged-{i}")))))];
        }

        Context.RecordFault(FaultKinds.Lie, Invariant($"forged log: s{Index} sends s{peer} {_forged.Length} entries of term {Term} from index 1 (overwriting its log) with commit index {_forged.Length}"));
        log.ForgedAppends++;
        SendTo(peer, new AppendRequest(Term, 0, 0, _forged, _forged.Length));
    }

    private void CampaignInForgedTerm()
    {
        long forged = Term + TermForgery;
        long claimedIndex = LastIndex + LogForgery;
        Context.RecordFault(FaultKinds.Lie, Invariant($"forged term: s{Index} campaigns in term {forged} (its term is {Term}) claiming a log of {claimedIndex} entries ending in term {forged} (it has {LastIndex})"));
        log.ForgedCampaigns++;
        if (Role == RaftRole.Leader)
        {
            BecomeFollower(Term);
        }

        Term = forged;
        VotedFor = Index;
        Role = RaftRole.Candidate;
        Persist();
        Observer.Campaigned(Index, Term);
        _campaigning = true;
        _forgedVotes.Clear();
        _forgedVotes.Add(Index);
        ResetElectionTimer();
        foreach (int peer in Peers())
        {
            SendTo(peer, new VoteRequest(forged, claimedIndex, forged, PreVote: false));
        }
    }

    private void Abdicate()
    {
        _forged = [];
        BecomeFollower(Term); // stops its heartbeats: the followers, holding the forged log, elect one of themselves
        ResetElectionTimer();
    }
}
