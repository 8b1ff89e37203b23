using System.Globalization;
using System.Text.Json;
using DistSim.Nodes;

namespace DistSim.Samples.Paxos;

/// <summary>
/// A Multi-Paxos replica: acceptor, learner and proposer in one node, replicating a key-value store. A replica that
/// hears no leader for an election timeout runs Phase 1 with a higher ballot over every slot it has not learned; with
/// a majority of promises it leads: it re-proposes in each such slot the value of the highest ballot its quorum
/// reported (a no-op where there is none), then runs Phase 2 per slot for new client commands. Acceptors persist
/// their promise and every accepted (slot, ballot, command) and flush before they answer; with <c>flush: false</c>
/// they answer at once and never flush, so a crash forgets promises and accepted values — the bug the scenario shows.
/// Learners apply chosen commands in slot order; a client's retried operation is applied once (the state machine
/// keeps each client's last operation number and answer). Reads go through the log too.
/// </summary>
/// <param name="index">The replica's index (ballots' tie-breaker).</param>
/// <param name="replicas">Every replica, by index.</param>
/// <param name="observer">Sees decisions and elections (agreement check).</param>
/// <param name="flush">Flush durable state before answering Prepare and Accept.</param>
public sealed partial class PaxosReplica(int index, IReadOnlyList<NodeId> replicas, PaxosObserver observer, bool flush) : Node
{
    /// <summary>Ballots are <c>round * BallotStride + index</c>, so two replicas never share one.</summary>
    public const long BallotStride = 16;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private const int HeartbeatTicks = 2;
    private const int ResendTicks = 10;

    // acceptor (durable)
    private long _promised = -1;
    private readonly SortedDictionary<long, AcceptedEntry> _accepted = [];

    // learner (memory; rebuilt from the leader after a restart)
    private readonly SortedDictionary<long, Command> _decided = [];
    private readonly SortedDictionary<string, string> _kv = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (long Seq, string? Output)> _lastByClient = [];

    // proposer
    private long _ballot = -1;
    private bool _campaigning;
    private readonly SortedSet<int> _promisesFrom = [];
    private readonly SortedDictionary<long, AcceptedEntry> _collected = [];
    private readonly SortedDictionary<long, (Command Command, SortedSet<int> Acks)> _inflight = [];
    private readonly Queue<(NodeId From, object Message)> _self = new();
    private long _nextSlot;
    private long _leaderBallot = -1;
    private int _leaderHint = -1;
    private int _ticks;
    private int _lastHeard;
    private int _electionTicks;

    /// <summary>Whether this replica leads (completed Phase 1 with its ballot and has not seen a higher one).</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Slots applied to the state machine (every slot below it is learned).</summary>
    public long Applied { get; private set; }

    /// <summary>The promise it recovered from storage at its last restart (-1: none).</summary>
    public long RecoveredPromise { get; private set; } = -1;

    /// <summary>Accepted entries it recovered from storage at its last restart.</summary>
    public int RecoveredEntries { get; private set; }

    private int Majority => (replicas.Count / 2) + 1;

    /// <inheritdoc />
    public override void OnStart()
    {
        _electionTicks = 15 + (int)Random.NextBelow(15); // 150–300 ms without a leader before campaigning
        _lastHeard = index == 0 ? -_electionTicks : 0; // replica 0 campaigns at once: a leader from the start
        SetTimer(Tick);
    }

    /// <inheritdoc />
    public override void OnRecover()
    {
        foreach (string key in Storage.Keys.Order(StringComparer.Ordinal))
        {
            if (key == "promised" && Storage.GetString(key) is { } p)
            {
                _promised = long.Parse(p, CultureInfo.InvariantCulture);
                RecoveredPromise = _promised;
            }
            else if (key.StartsWith("a/", StringComparison.Ordinal) && Storage.GetString(key) is { } text)
            {
                AcceptedEntry e = JsonSerializer.Deserialize<AcceptedEntry>(text)!;
                _accepted[e.Slot] = e;
                RecoveredEntries++;
            }
        }

        observer.Recovered(RecoveredPromise, RecoveredEntries);
        _electionTicks = 15 + (int)Random.NextBelow(15);
        SetTimer(Tick);
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        _ticks++;
        if (IsLeader)
        {
            if (_ticks % HeartbeatTicks == 0)
            {
                Broadcast(new Heartbeat(_ballot, Applied), includeSelf: false);
            }

            if (_ticks % ResendTicks == 0)
            {
                foreach ((long slot, (Command command, _)) in _inflight)
                {
                    Broadcast(new Accept(_ballot, slot, command), includeSelf: false);
                }
            }
        }
        else if (_ticks - _lastHeard > _electionTicks)
        {
            Campaign();
        }

        SetTimer(Tick);
        Drain();
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        Handle(from, message);
        Drain();
    }

    private void Handle(NodeId from, object message)
    {
        switch (message)
        {
            case Prepare p:
                OnPrepare(from, p);
                break;
            case Promise p:
                OnPromise(from, p);
                break;
            case Accept a:
                OnAccept(from, a);
                break;
            case Accepted a:
                OnAccepted(from, a);
                break;
            case Rejected r:
                SeeBallot(r.Promised, -1);
                break;
            case Decide d:
                Learn(d.Slot, d.Command);
                break;
            case Heartbeat h:
                OnHeartbeat(from, h);
                break;
            case CatchUp c:
                foreach ((long slot, Command command) in _decided.Where(kv => kv.Key >= c.From).Take(64))
                {
                    Send(from, new Decide(slot, command));
                }

                break;
            case ClientRequest r:
                OnClientRequest(from, r);
                break;
        }
    }

    // ---- acceptor ----
    private void OnPrepare(NodeId from, Prepare p)
    {
        if (p.Ballot < _promised)
        {
            SendTo(from, new Rejected(_promised));
            return;
        }

        SetPromise(p.Ballot);
        Persist();
        SeeBallot(p.Ballot, IndexOf(p.Ballot));
        SendTo(from, new Promise(p.Ballot, [.. _accepted.Values.Where(e => e.Slot >= p.From)]));
    }

    private void OnAccept(NodeId from, Accept a)
    {
        if (a.Ballot < _promised)
        {
            SendTo(from, new Rejected(_promised));
            return;
        }

        SetPromise(a.Ballot);
        var entry = new AcceptedEntry(a.Slot, a.Ballot, a.Command);
        _accepted[a.Slot] = entry;
        Storage.PutString(Invariant($"a/{a.Slot:D8}"), JsonSerializer.Serialize(entry));
        Persist();
        SeeBallot(a.Ballot, IndexOf(a.Ballot));
        SendTo(from, new Accepted(a.Ballot, a.Slot));
    }

    private void SetPromise(long ballot)
    {
        if (ballot != _promised)
        {
            _promised = ballot;
            Storage.PutString("promised", ballot.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Makes the acceptor's state durable before it answers — unless the bug is planted.</summary>
    private void Persist()
    {
        if (flush)
        {
            Storage.Flush();
        }
    }

    private int IndexOf(long ballot) => (int)(ballot % BallotStride);
}
