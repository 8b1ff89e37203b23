namespace DistSim.Samples.RaftKv;

/// <content>Log replication: AppendEntries, the consistency check, truncation, match indexes and the commit rule.</content>
public partial class RaftKvServer
{
    /// <summary>At most this many entries per AppendEntries.</summary>
    public const int BatchMax = 64;

    private long[] _next = [];
    private long[] _match = [];

    /// <summary>The leader's match index of server <paramref name="peer"/> (the leader's own: its last index).</summary>
    /// <param name="peer">The server.</param>
    public long MatchIndexOf(int peer) => peer == Index ? LastIndex : peer < _match.Length ? _match[peer] : 0;

    private void InitLeaderState()
    {
        _next = new long[Args.Servers.Count];
        _match = new long[Args.Servers.Count];
        Array.Fill(_next, LastIndex + 1);
    }

    /// <summary>The leader appended to its log: replicate at once, and commit if it alone is a majority (never: n ≥ 3).</summary>
    protected void LeaderAppended()
    {
        foreach (int peer in Peers())
        {
            SendAppend(peer);
        }

        AdvanceCommit();
    }

    /// <summary>Sends server <paramref name="peer"/> the entries from its next index on (at most <see cref="BatchMax"/>), or a heartbeat.</summary>
    /// <param name="peer">The follower.</param>
    protected virtual void SendAppend(int peer)
    {
        long next = Math.Clamp(_next[peer], 1, LastIndex + 1);
        long prev = next - 1;
        int count = (int)Math.Min(BatchMax, LastIndex - prev);
        RaftEntry[] entries = [.. Log.Skip((int)prev).Take(count)];
        SendTo(peer, new AppendRequest(Term, prev, TermAt(prev), entries, CommitIndex));
    }

    /// <summary>An AppendEntries from server <paramref name="peer"/>: the consistency check, truncation of a conflict, append, commit.</summary>
    /// <param name="peer">The leader's index.</param>
    /// <param name="a">The request.</param>
    protected virtual void OnAppendRequest(int peer, AppendRequest a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Term < Term)
        {
            SendTo(peer, new AppendReply(Term, false, 0, LastIndex)); // a stale leader learns the newer term
            return;
        }

        if (a.Term > Term || Role != RaftRole.Follower)
        {
            BecomeFollower(a.Term);
            Persist();
        }

        LeaderHint = peer;
        LastLeaderContact = LocalNow;
        ResetElectionTimer();
        if (a.PrevLogIndex > LastIndex || TermAt(a.PrevLogIndex) != a.PrevLogTerm)
        {
            long hint = a.PrevLogIndex > LastIndex ? LastIndex : a.PrevLogIndex - 1;
            SendTo(peer, new AppendReply(Term, false, 0, hint));
            return;
        }

        bool changed = false;
        for (int k = 0; k < a.Entries.Length; k++)
        {
            long index = a.PrevLogIndex + 1 + k;
            if (index <= LastIndex && TermAt(index) != a.Entries[k].Term)
            {
                TruncateLog(index); // a conflicting suffix (never a matching one: a stale request must not cut newer entries)
            }

            if (index > LastIndex)
            {
                AppendToLog(a.Entries[k]);
                changed = true;
            }
        }

        if (changed)
        {
            Persist(); // entries are durable before the leader counts them
        }

        long lastNew = a.PrevLogIndex + a.Entries.Length;
        if (a.LeaderCommit > CommitIndex)
        {
            CommitIndex = Math.Max(CommitIndex, Math.Min(a.LeaderCommit, lastNew));
            ApplyCommitted();
        }

        SendTo(peer, new AppendReply(Term, true, lastNew, LastIndex));
    }

    /// <summary>An AppendEntries answer from server <paramref name="peer"/>.</summary>
    /// <param name="peer">The follower's index.</param>
    /// <param name="r">The answer.</param>
    protected virtual void OnAppendReply(int peer, AppendReply r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Term > Term)
        {
            BecomeFollower(r.Term);
            Persist();
            return;
        }

        if (Role != RaftRole.Leader || r.Term != Term)
        {
            return;
        }

        Acknowledged(peer);
        if (r.Success)
        {
            _match[peer] = Math.Max(_match[peer], r.MatchIndex);
            _next[peer] = Math.Max(_next[peer], _match[peer] + 1);
            AdvanceCommit();
            if (_next[peer] <= LastIndex)
            {
                SendAppend(peer); // more to send
            }
        }
        else
        {
            _next[peer] = Math.Max(1, Math.Min(_next[peer] - 1, r.LastIndex + 1));
            SendAppend(peer);
        }
    }

    /// <summary>
    /// The commit rule: the highest N with a majority of match indexes ≥ N and an entry of the current term at N (Figure 8);
    /// with <see cref="RaftKvOptions.UnsafeCommit"/>, any term (the bug).
    /// </summary>
    protected virtual void AdvanceCommit()
    {
        for (long n = LastIndex; n > CommitIndex; n--)
        {
            if (!Options.UnsafeCommit && TermAt(n) != Term)
            {
                break; // earlier entries are of earlier terms too
            }

            int replicas = Enumerable.Range(0, Args.Servers.Count).Count(p => MatchIndexOf(p) >= n);
            if (replicas >= Majority)
            {
                CommitIndex = n;
                ApplyCommitted();
                return;
            }
        }
    }
}
