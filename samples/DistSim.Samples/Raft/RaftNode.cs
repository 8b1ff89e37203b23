using DistSim.Nodes;

namespace DistSim.Samples.Raft;

/// <summary>RequestVote RPC.</summary>
/// <param name="Term">The candidate's term.</param>
public sealed record RequestVote(int Term);

/// <summary>A vote, or a refusal.</summary>
/// <param name="Term">The voter's term.</param>
/// <param name="Granted">Whether the vote is granted.</param>
public sealed record Vote(int Term, bool Granted);

/// <summary>The leader's heartbeat (an empty AppendEntries).</summary>
/// <param name="Term">The leader's term.</param>
public sealed record AppendEntries(int Term);

/// <summary>A refusal of a stale leader's heartbeat, carrying the newer term.</summary>
/// <param name="Term">The refuser's term.</param>
public sealed record AppendRejected(int Term);

/// <summary>What the scenario's observer is told: a node became leader of a term.</summary>
/// <param name="Node">The new leader.</param>
/// <param name="Term">Its term.</param>
public delegate void LeaderElected(NodeId Node, int Term);

/// <summary>
/// Raft leader election (Ongaro and Ousterhout 2014, §5.2), without a log: terms; followers that hear
/// nothing for a randomized election timeout in [min, max] become candidates, increment the term, vote for
/// themselves and request votes; at most one vote per term; a majority makes a leader, which heartbeats;
/// any higher term turns a node back into a follower.
/// </summary>
/// <param name="timeoutMin">The least election timeout.</param>
/// <param name="timeoutMax">The largest election timeout.</param>
/// <param name="heartbeat">The leader's heartbeat interval.</param>
/// <param name="onLeader">Told whenever this node becomes leader.</param>
/// <param name="bootstrapLeader">Start as the leader of term 1 (the others start as its followers): the experiment begins with a stable leader.</param>
public sealed class RaftNode(TimeSpan timeoutMin, TimeSpan timeoutMax, TimeSpan heartbeat, LeaderElected onLeader, bool bootstrapLeader = false) : Node
{
    private static readonly object Election = new(), Beat = new();
    private TimerId _election;
    private NodeId? _votedFor;
    private int _votes;

    /// <summary>The current term.</summary>
    public int Term { get; private set; }

    /// <summary>True while it is the leader.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>True while it is a candidate.</summary>
    public bool IsCandidate { get; private set; }

    private int Majority => (Context.Nodes.Count / 2) + 1;

    /// <inheritdoc />
    public override void OnStart()
    {
        Term = 1;
        if (!bootstrapLeader)
        {
            ResetElectionTimer();
            return;
        }

        IsLeader = true;
        _votedFor = Id;
        onLeader(Id, Term);
        Broadcast(new AppendEntries(Term));
        SetTimer(heartbeat, Beat);
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (ReferenceEquals(state, Beat) && IsLeader)
        {
            Broadcast(new AppendEntries(Term));
            SetTimer(heartbeat, Beat);
        }
        else if (ReferenceEquals(state, Election) && timer == _election && !IsLeader)
        {
            Context.Sometimes("a candidate's election timed out (split vote or lost votes)", IsCandidate);
            Term++;
            IsCandidate = true;
            _votedFor = Id;
            _votes = 1;
            ResetElectionTimer();
            Broadcast(new RequestVote(Term));
        }
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case RequestVote r:
                Observe(r.Term);
                bool grant = r.Term == Term && (_votedFor is null || _votedFor == from);
                if (grant)
                {
                    _votedFor = from;
                    ResetElectionTimer();
                }

                Context.Sometimes("a vote was refused", !grant);
                Send(from, new Vote(Term, grant));
                break;
            case Vote v:
                Observe(v.Term);
                if (IsCandidate && v.Term == Term && v.Granted && ++_votes >= Majority)
                {
                    IsCandidate = false;
                    IsLeader = true;
                    CancelTimer(_election);
                    onLeader(Id, Term);
                    Broadcast(new AppendEntries(Term));
                    SetTimer(heartbeat, Beat);
                }

                break;
            case AppendEntries a when a.Term < Term:
                Send(from, new AppendRejected(Term));
                break;
            case AppendEntries a:
                Observe(a.Term);
                IsCandidate = false; // a leader of this term exists
                ResetElectionTimer();
                break;
            case AppendRejected x:
                Observe(x.Term);
                break;
        }
    }

    /// <summary>A higher term makes any node a follower of that term, with its vote unspent.</summary>
    private void Observe(int term)
    {
        if (term <= Term)
        {
            return;
        }

        Context.Sometimes("a leader stepped down on seeing a higher term", IsLeader);
        Term = term;
        _votedFor = null;
        if (IsLeader || IsCandidate)
        {
            IsLeader = IsCandidate = false;
            ResetElectionTimer();
        }
    }

    private void ResetElectionTimer()
    {
        CancelTimer(_election);
        long span = timeoutMax.Ticks - timeoutMin.Ticks;
        _election = SetTimer(TimeSpan.FromTicks(timeoutMin.Ticks + (long)Random.NextBelow((ulong)span + 1)), Election);
    }

    private void Broadcast(object message)
    {
        foreach (NodeId peer in Context.Nodes)
        {
            if (peer != Id)
            {
                Send(peer, message);
            }
        }
    }
}
