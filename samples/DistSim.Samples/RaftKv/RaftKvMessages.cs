using DistSim.Checking;

namespace DistSim.Samples.RaftKv;

/// <summary>A client's command in the replicated log, or a no-op (a new leader's first entry).</summary>
/// <param name="Client">The client's node id value; -1 for a no-op.</param>
/// <param name="Seq">The client's request number (a retry reuses it, so the state machine applies it once).</param>
/// <param name="Input">The operation; null for a no-op.</param>
public sealed record RaftCommand(int Client, long Seq, KvInput? Input)
{
    /// <summary>The no-op a new leader appends at the start of its term (so it can commit earlier entries, §5.4.2).</summary>
    public static RaftCommand Noop { get; } = new(-1, 0, null);

    /// <summary><c>c3#7 put(k1, v)</c>, or <c>noop</c>.</summary>
    public override string ToString() => Input is null ? "noop" : Invariant($"c{Client}#{Seq} {Input}");
}

/// <summary>One log entry: the term of the leader that created it, and its command.</summary>
/// <param name="Term">The term.</param>
/// <param name="Command">The command.</param>
public sealed record RaftEntry(long Term, RaftCommand Command)
{
    /// <summary><c>t3:c1#2 put(k0, c1-2)</c>.</summary>
    public override string ToString() => Invariant($"t{Term}:{Command}");
}

/// <summary>RequestVote (§5.2), or a PreVote request (thesis §9.6) that changes no state at the receiver.</summary>
/// <param name="Term">The candidate's term (for a pre-vote: the term it would campaign in).</param>
/// <param name="LastLogIndex">The index of the candidate's last entry (0: empty log).</param>
/// <param name="LastLogTerm">The term of the candidate's last entry (0: empty log).</param>
/// <param name="PreVote">True for a pre-vote.</param>
public sealed record VoteRequest(long Term, long LastLogIndex, long LastLogTerm, bool PreVote);

/// <summary>The answer to a <see cref="VoteRequest"/>.</summary>
/// <param name="Term">The voter's term (for a pre-vote: the term asked about, when granted).</param>
/// <param name="Granted">Whether the (pre-)vote is granted.</param>
/// <param name="PreVote">True for a pre-vote.</param>
public sealed record VoteReply(long Term, bool Granted, bool PreVote);

/// <summary>AppendEntries (§5.3): also the heartbeat when <paramref name="Entries"/> is empty.</summary>
/// <param name="Term">The leader's term.</param>
/// <param name="PrevLogIndex">The index of the entry just before the new ones.</param>
/// <param name="PrevLogTerm">Its term.</param>
/// <param name="Entries">The entries to store (may be empty).</param>
/// <param name="LeaderCommit">The leader's commit index.</param>
public sealed record AppendRequest(long Term, long PrevLogIndex, long PrevLogTerm, RaftEntry[] Entries, long LeaderCommit);

/// <summary>The answer to an <see cref="AppendRequest"/>.</summary>
/// <param name="Term">The follower's term.</param>
/// <param name="Success">Whether the consistency check passed and the entries are stored (durably).</param>
/// <param name="MatchIndex">On success: the index of the last entry now known to match the leader's log.</param>
/// <param name="LastIndex">On failure: the follower's last index (a hint for the leader's next index).</param>
public sealed record AppendReply(long Term, bool Success, long MatchIndex, long LastIndex);

/// <summary>A client's request.</summary>
/// <param name="Seq">The client's request number (a retry reuses it).</param>
/// <param name="Input">The operation.</param>
public sealed record KvRequest(long Seq, KvInput Input);

/// <summary>The outcome of a client's request, sent by the leader when it applies it.</summary>
/// <param name="Seq">The request number.</param>
/// <param name="Output">A get's value ("" when unset); null for a put.</param>
public sealed record KvReply(long Seq, string? Output);

/// <summary>The server is not the leader; <paramref name="Leader"/> is the server index it believes leads, or -1.</summary>
/// <param name="Seq">The request number.</param>
/// <param name="Leader">A hint.</param>
public sealed record KvRedirect(long Seq, int Leader);
