using DistSim.Checking;

namespace DistSim.Samples.Paxos;

/// <summary>A command in the replicated log: a client's operation, or a no-op that fills a gap.</summary>
/// <param name="Client">The client's node id value; -1 for a no-op.</param>
/// <param name="Seq">The client's operation number (a retry reuses it, so the state machine applies it once).</param>
/// <param name="Input">The operation; null for a no-op.</param>
public sealed record Command(int Client, long Seq, KvInput? Input)
{
    /// <summary>The no-op a new leader proposes for a slot no acceptor of its quorum had accepted anything in.</summary>
    public static Command Noop { get; } = new(-1, 0, null);

    /// <summary><c>c3#7 put(k1, v)</c>, or <c>noop</c>.</summary>
    public override string ToString() => Input is null ? "noop" : Invariant($"c{Client}#{Seq} {Input}");
}

/// <summary>What an acceptor holds for one slot: the ballot it accepted in and the command.</summary>
/// <param name="Slot">The log slot.</param>
/// <param name="Ballot">The ballot of the accept.</param>
/// <param name="Command">The command accepted.</param>
public sealed record AcceptedEntry(long Slot, long Ballot, Command Command);

/// <summary>Phase 1a: promise not to accept below <paramref name="Ballot"/>, and tell me what you accepted from slot <paramref name="From"/> on.</summary>
/// <param name="Ballot">The proposer's ballot.</param>
/// <param name="From">The first slot the proposer has not learned.</param>
public sealed record Prepare(long Ballot, long From);

/// <summary>Phase 1b: the acceptor promised <paramref name="Ballot"/>; these are its accepted entries from the asked slot on.</summary>
/// <param name="Ballot">The ballot promised.</param>
/// <param name="Entries">Accepted entries, by slot.</param>
public sealed record Promise(long Ballot, AcceptedEntry[] Entries);

/// <summary>Phase 2a: accept <paramref name="Command"/> in <paramref name="Slot"/> at <paramref name="Ballot"/>.</summary>
/// <param name="Ballot">The leader's ballot.</param>
/// <param name="Slot">The slot.</param>
/// <param name="Command">The command.</param>
public sealed record Accept(long Ballot, long Slot, Command Command);

/// <summary>Phase 2b: the acceptor accepted slot <paramref name="Slot"/> at <paramref name="Ballot"/>.</summary>
/// <param name="Ballot">The ballot.</param>
/// <param name="Slot">The slot.</param>
public sealed record Accepted(long Ballot, long Slot);

/// <summary>The acceptor refused: it promised <paramref name="Promised"/>, a higher ballot.</summary>
/// <param name="Promised">The acceptor's promise.</param>
public sealed record Rejected(long Promised);

/// <summary>The command in <paramref name="Slot"/> is chosen.</summary>
/// <param name="Slot">The slot.</param>
/// <param name="Command">The chosen command.</param>
public sealed record Decide(long Slot, Command Command);

/// <summary>The leader is alive; it has applied every slot below <paramref name="Applied"/>.</summary>
/// <param name="Ballot">The leader's ballot.</param>
/// <param name="Applied">The leader's applied prefix.</param>
public sealed record Heartbeat(long Ballot, long Applied);

/// <summary>Send me the chosen commands from slot <paramref name="From"/> on.</summary>
/// <param name="From">The first slot the sender has not learned.</param>
public sealed record CatchUp(long From);

/// <summary>A client's operation.</summary>
/// <param name="Seq">The client's operation number (a retry reuses it).</param>
/// <param name="Input">The operation.</param>
public sealed record ClientRequest(long Seq, KvInput Input);

/// <summary>The outcome of a client's operation, sent by the leader when it applies it.</summary>
/// <param name="Seq">The operation number.</param>
/// <param name="Output">A get's value ("" when unset); null for a put.</param>
public sealed record ClientReply(long Seq, string? Output);

/// <summary>The replica is not the leader; <paramref name="Leader"/> is the replica index it believes leads, or -1.</summary>
/// <param name="Seq">The operation number.</param>
/// <param name="Leader">A hint.</param>
public sealed record NotLeader(long Seq, int Leader);
