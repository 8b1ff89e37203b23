namespace DistSim.Samples.RaftKv;

/// <content>Elections: pre-vote, RequestVote with the up-to-date check, leader stickiness and check-quorum.</content>
public partial class RaftKvServer
{
    private readonly SortedSet<int> _votes = [];
    private long[] _lastAck = [];

    /// <summary>The election timer fired: start a pre-vote round (with <see cref="RaftKvOptions.PreVote"/>) or an election.</summary>
    protected virtual void OnElectionTimeout()
    {
        if (Role == RaftRole.PreCandidate)
        {
            Observer.PreVote(failed: true); // the round did not reach a majority: the term stays
        }

        LeaderHint = -1;
        if (Options.PreVote)
        {
            Role = RaftRole.PreCandidate;
            _votes.Clear();
            _votes.Add(Index);
            Observer.PreVote(failed: false);
            ResetElectionTimer();
            foreach (int peer in Peers())
            {
                SendTo(peer, new VoteRequest(Term + 1, LastIndex, LastTerm, PreVote: true));
            }
        }
        else
        {
            Campaign();
        }
    }

    /// <summary>Becomes a candidate: bumps the term, votes for itself (durably), asks every peer for its vote.</summary>
    protected virtual void Campaign()
    {
        Term++;
        VotedFor = Index;
        Role = RaftRole.Candidate;
        Persist();
        Observer.Campaigned(Index, Term);
        _votes.Clear();
        _votes.Add(Index);
        ResetElectionTimer();
        foreach (int peer in Peers())
        {
            SendTo(peer, new VoteRequest(Term, LastIndex, LastTerm, PreVote: false));
        }
    }

    /// <summary>Whether it heard from a leader within the least election timeout (or leads): leader stickiness.</summary>
    protected bool HasLiveLeader =>
        Role == RaftRole.Leader || (LastLeaderContact is { } t && LocalNow.Ticks - t.Ticks < Options.Election.Ticks);

    /// <summary>Whether a log ending at (<paramref name="lastTerm"/>, <paramref name="lastIndex"/>) is at least as up to date as its own (§5.4.1).</summary>
    /// <param name="lastIndex">The other log's last index.</param>
    /// <param name="lastTerm">The other log's last term.</param>
    protected bool IsUpToDate(long lastIndex, long lastTerm) => lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>A (pre-)vote request from server <paramref name="peer"/>.</summary>
    /// <param name="peer">The candidate's index.</param>
    /// <param name="r">The request.</param>
    protected virtual void OnVoteRequest(int peer, VoteRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.PreVote)
        {
            // Thesis §9.6: grant if the candidate could win (newer term, up-to-date log) and no leader is known alive. No state changes.
            bool grant = r.Term > Term && IsUpToDate(r.LastLogIndex, r.LastLogTerm) && !HasLiveLeader;
            SendTo(peer, new VoteReply(grant ? r.Term : Term, grant, PreVote: true));
            return;
        }

        if (Options.CheckQuorum && r.Term > Term && HasLiveLeader)
        {
            Observer.IgnoredVote(); // thesis §4.2.3: a live leader's follower neither updates its term nor votes
            return;
        }

        if (r.Term > Term)
        {
            BecomeFollower(r.Term);
        }

        bool granted = r.Term == Term && (VotedFor == -1 || VotedFor == peer) && IsUpToDate(r.LastLogIndex, r.LastLogTerm);
        if (granted)
        {
            VotedFor = peer;
            ResetElectionTimer();
        }

        Persist(); // the vote (and any new term) is durable before the answer
        SendTo(peer, new VoteReply(Term, granted, PreVote: false));
    }

    /// <summary>A (pre-)vote answer from server <paramref name="peer"/>.</summary>
    /// <param name="peer">The voter's index.</param>
    /// <param name="r">The answer.</param>
    protected virtual void OnVoteReply(int peer, VoteReply r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.PreVote)
        {
            if (Role == RaftRole.PreCandidate && r.Granted && r.Term == Term + 1 && _votes.Add(peer) && _votes.Count >= Majority)
            {
                Campaign();
            }
            else if (!r.Granted && r.Term > Term)
            {
                BecomeFollower(r.Term);
                Persist();
            }

            return;
        }

        if (r.Term > Term)
        {
            BecomeFollower(r.Term);
            Persist();
            return;
        }

        if (Role == RaftRole.Candidate && r.Term == Term && r.Granted && _votes.Add(peer) && _votes.Count >= Majority)
        {
            BecomeLeader();
        }
    }

    /// <summary>Becomes a follower of <paramref name="term"/> (a higher term also clears the vote). The caller persists.</summary>
    /// <param name="term">The term (at least the current one).</param>
    protected void BecomeFollower(long term)
    {
        if (term > Term)
        {
            Term = term;
            VotedFor = -1;
            LeaderHint = -1;
        }

        if (Role == RaftRole.Leader)
        {
            Observer.SteppedDown(Index, checkQuorum: false);
            ResetElectionTimer();
        }
        else if (Role == RaftRole.PreCandidate)
        {
            Observer.PreVote(failed: true);
        }

        Role = RaftRole.Follower;
    }

    /// <summary>Won the election: leads, appends a no-op of its term (unless the Figure 8 bug is planted) and heartbeats.</summary>
    protected virtual void BecomeLeader()
    {
        Role = RaftRole.Leader;
        LeaderHint = Index;
        CancelTimer(_election);
        InitLeaderState();
        _lastAck = new long[Args.Servers.Count];
        Array.Fill(_lastAck, LocalNow.Ticks);
        Observer.Elected(Index, Term, Log);
        if (!Options.UnsafeCommit)
        {
            AppendToLog(new RaftEntry(Term, RaftCommand.Noop)); // commits the earlier terms' entries with it (§5.4.2)
            Persist();
        }

        LeaderAppended();
        SetTimer(Heartbeat, HeartbeatTag);
        if (Options.CheckQuorum)
        {
            SetTimer(Options.Election, QuorumTag);
        }
    }

    /// <summary>Check-quorum: a leader that has not heard from a majority (itself included) within E steps down.</summary>
    private void CheckQuorum()
    {
        long now = LocalNow.Ticks;
        int heard = 1 + Peers().Count(p => now - _lastAck[p] < Options.Election.Ticks);
        if (heard >= Majority)
        {
            SetTimer(Options.Election, QuorumTag);
            return;
        }

        Observer.SteppedDown(Index, checkQuorum: true);
        Role = RaftRole.Follower;
        LeaderHint = -1;
        ResetElectionTimer();
    }

    /// <summary>Notes that server <paramref name="peer"/> answered the leader (for check-quorum).</summary>
    /// <param name="peer">The peer.</param>
    protected void Acknowledged(int peer)
    {
        if (peer < _lastAck.Length)
        {
            _lastAck[peer] = LocalNow.Ticks;
        }
    }
}
