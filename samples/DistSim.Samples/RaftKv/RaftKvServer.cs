using DistSim.Time;
using System.Globalization;
using System.Text.Json;
using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.RaftKv;

/// <summary>A Raft server's role.</summary>
public enum RaftRole
{
    /// <summary>Follows a leader (or waits for one).</summary>
    Follower,

    /// <summary>Runs a pre-vote round (thesis §9.6): asks whether it could win, without bumping its term.</summary>
    PreCandidate,

    /// <summary>Campaigns in its term.</summary>
    Candidate,

    /// <summary>Leads its term.</summary>
    Leader,
}

/// <summary>
/// A Raft server (Ongaro and Ousterhout 2014) replicating a key-value store: randomized election timeouts, RequestVote
/// with the up-to-date log check, AppendEntries with the previous index/term consistency check and truncation of a
/// conflicting suffix, commit by majority match index of entries of the leader's own term only (Figure 8), and
/// followers applying up to the leader's commit index. Term, vote and log live in durable storage and are flushed
/// before the server answers or acts on them; a restart rebuilds the server from storage alone. Options: PreVote and
/// CheckQuorum (with leader stickiness), and two bugs (<see cref="RaftKvOptions.Persist"/> false,
/// <see cref="RaftKvOptions.UnsafeCommit"/>). Reads and writes both go through the log; the state machine keeps each
/// client's last request number and answer, so a retried request is applied once.
/// </summary>
/// <remarks>
/// Not sealed: an adversarial server (a later <c>byzantine</c> scenario) derives from it and overrides the
/// <c>protected virtual</c> handlers (<see cref="OnVoteRequest"/>, <see cref="OnAppendRequest"/>, <see cref="Campaign"/>, …).
/// </remarks>
/// <param name="args">Index, peers, observer and options.</param>
public partial class RaftKvServer(RaftKvServerArgs args) : Node
{
    private static readonly object ElectionTag = new(), HeartbeatTag = new(), QuorumTag = new();
    private readonly List<RaftEntry> _log = [];
    private readonly SortedDictionary<string, string> _kv = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, (long Seq, string? Output)> _lastByClient = [];
    private TimerId _election;

    /// <summary>Index, peers, observer and options.</summary>
    protected RaftKvServerArgs Args { get; } = args ?? throw new ArgumentNullException(nameof(args));

    /// <summary>The observer (checks and counts).</summary>
    protected RaftKvObserver Observer => Args.Observer;

    /// <summary>The cluster's options.</summary>
    protected RaftKvOptions Options => Args.Options;

    /// <summary>The server's index.</summary>
    public int Index => Args.Index;

    /// <summary>The current term (durable).</summary>
    public long Term { get; protected set; }

    /// <summary>The server voted for in <see cref="Term"/>; -1: none (durable).</summary>
    public int VotedFor { get; protected set; } = -1;

    /// <summary>The role.</summary>
    public RaftRole Role { get; protected set; }

    /// <summary>The index of the highest entry known committed.</summary>
    public long CommitIndex { get; protected set; }

    /// <summary>The index of the highest entry applied to the state machine.</summary>
    public long LastApplied { get; protected set; }

    /// <summary>The server it believes leads; -1: none known.</summary>
    public int LeaderHint { get; protected set; } = -1;

    /// <summary>The log (index i at position i - 1).</summary>
    public IReadOnlyList<RaftEntry> Log => _log;

    /// <summary>The index of the last entry (0: empty).</summary>
    public long LastIndex => _log.Count;

    /// <summary>The term of the last entry (0: empty).</summary>
    public long LastTerm => _log.Count == 0 ? 0 : _log[^1].Term;

    /// <summary>The state machine: the value of each key.</summary>
    public IReadOnlyDictionary<string, string> Values => _kv;

    /// <summary>A majority of the servers.</summary>
    protected int Majority => (Args.Servers.Count / 2) + 1;

    /// <summary>The last time (local clock) it heard from a leader of its term; null: never in this incarnation.</summary>
    protected SimTime? LastLeaderContact { get; set; }

    /// <summary>The term of the entry at <paramref name="index"/> (0 for index 0 or past the end).</summary>
    /// <param name="index">The index.</param>
    public long TermAt(long index) => index >= 1 && index <= _log.Count ? _log[(int)index - 1].Term : 0;

    /// <inheritdoc />
    public override void OnStart()
    {
        Persist(); // an empty state is durable too
        ResetElectionTimer();
    }

    /// <inheritdoc />
    public override void OnRecover()
    {
        Observer.Restarted(Index);
        if (Storage.GetString("term") is { } t)
        {
            Term = long.Parse(t, CultureInfo.InvariantCulture);
        }

        if (Storage.GetString("vote") is { } v)
        {
            VotedFor = int.Parse(v, CultureInfo.InvariantCulture);
        }

        // The log is one key per index; a crash may have kept any prefix of unflushed writes, so take the contiguous run from 1.
        while (Storage.GetString(LogKey(_log.Count + 1)) is { } text)
        {
            _log.Add(JsonSerializer.Deserialize<RaftEntry>(text)!);
        }

        Observer.Recovered(Index, Term, VotedFor, _log.Count);
        ResetElectionTimer();
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (ReferenceEquals(state, ElectionTag) && timer == _election && Role != RaftRole.Leader)
        {
            OnElectionTimeout();
        }
        else if (ReferenceEquals(state, HeartbeatTag) && Role == RaftRole.Leader)
        {
            Observer.Leading(Index);
            foreach (int peer in Peers())
            {
                SendAppend(peer);
            }

            SetTimer(Heartbeat, HeartbeatTag);
        }
        else if (ReferenceEquals(state, QuorumTag) && Role == RaftRole.Leader)
        {
            CheckQuorum();
        }
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int peer = IndexOf(from);
        switch (message)
        {
            case VoteRequest r when peer >= 0:
                OnVoteRequest(peer, r);
                break;
            case VoteReply r when peer >= 0:
                OnVoteReply(peer, r);
                break;
            case AppendRequest a when peer >= 0:
                OnAppendRequest(peer, a);
                break;
            case AppendReply a when peer >= 0:
                OnAppendReply(peer, a);
                break;
            case KvRequest r:
                OnKvRequest(from, r);
                break;
        }
    }

    /// <summary>The leader's heartbeat interval: E / 5.</summary>
    protected TimeSpan Heartbeat => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Options.Election.Ticks / 5));

    /// <summary>Sends <paramref name="message"/> to server <paramref name="peer"/>.</summary>
    /// <param name="peer">The server's index.</param>
    /// <param name="message">The message.</param>
    protected void SendTo(int peer, object message) => Send(Args.Servers[peer], message);

    /// <summary>Every other server's index, in order.</summary>
    protected IEnumerable<int> Peers() => Enumerable.Range(0, Args.Servers.Count).Where(i => i != Index);

    /// <summary>Draws a new election timeout in [E, 2E] and arms it.</summary>
    protected void ResetElectionTimer()
    {
        CancelTimer(_election);
        long e = Options.Election.Ticks;
        _election = SetTimer(TimeSpan.FromTicks(e + (long)Random.NextBelow((ulong)e + 1)), ElectionTag);
    }

    /// <summary>Writes term and vote, and flushes every write so far (unless the bug is planted); tells the observer what is durable.</summary>
    protected void Persist()
    {
        Storage.PutString("term", Term.ToString(CultureInfo.InvariantCulture));
        Storage.PutString("vote", VotedFor.ToString(CultureInfo.InvariantCulture));
        if (Options.Persist)
        {
            Storage.Flush();
            Observer.Flushed(Index, Term, VotedFor, _log.Count);
        }
    }

    /// <summary>Appends <paramref name="entry"/> to the log (in storage too; durable at the next <see cref="Persist"/>).</summary>
    /// <param name="entry">The entry.</param>
    protected void AppendToLog(RaftEntry entry)
    {
        _log.Add(entry);
        Storage.PutString(LogKey(_log.Count), JsonSerializer.Serialize(entry));
    }

    /// <summary>Removes the entries from <paramref name="from"/> on (in storage too).</summary>
    /// <param name="from">The first index removed.</param>
    protected void TruncateLog(long from)
    {
        // Highest key first: a crash that keeps a prefix of these deletes never leaves a gap below a kept entry.
        for (long i = _log.Count; i >= from; i--)
        {
            Storage.Delete(LogKey(i));
        }

        Observer.Truncated(Index, from, _log.Count - from + 1);
        _log.RemoveRange((int)from - 1, _log.Count - (int)from + 1);
    }

    /// <summary>Applies committed entries in order; the leader answers the clients.</summary>
    protected void ApplyCommitted()
    {
        while (LastApplied < CommitIndex)
        {
            LastApplied++;
            RaftEntry entry = _log[(int)LastApplied - 1];
            Observer.Committed(Index, LastApplied, entry);
            if (entry.Command.Input is not { } input)
            {
                continue;
            }

            int client = entry.Command.Client;
            if (!_lastByClient.TryGetValue(client, out (long Seq, string? Output) last) || last.Seq < entry.Command.Seq)
            {
                string? output = null;
                if (input.Kind == KvOperation.Get)
                {
                    output = _kv.GetValueOrDefault(input.Key, string.Empty);
                }
                else
                {
                    _kv[input.Key] = input.Value;
                }

                last = (entry.Command.Seq, output);
                _lastByClient[client] = last; // a retry committed at a second index is applied once
            }

            if (Role == RaftRole.Leader && last.Seq == entry.Command.Seq)
            {
                Send(new NodeId(client), new KvReply(last.Seq, last.Output));
            }
        }
    }

    /// <summary>A client's request: the leader appends it (once) and answers when it applies it; others redirect.</summary>
    /// <param name="from">The client.</param>
    /// <param name="r">The request.</param>
    protected virtual void OnKvRequest(NodeId from, KvRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (Role != RaftRole.Leader)
        {
            Send(from, new KvRedirect(r.Seq, LeaderHint == Index ? -1 : LeaderHint));
            return;
        }

        if (_lastByClient.TryGetValue(from.Value, out (long Seq, string? Output) last) && last.Seq >= r.Seq)
        {
            if (last.Seq == r.Seq)
            {
                Send(from, new KvReply(r.Seq, last.Output)); // applied already: answer again
            }

            return;
        }

        for (long i = LastApplied + 1; i <= LastIndex; i++)
        {
            if (_log[(int)i - 1].Command is { } c && c.Client == from.Value && c.Seq == r.Seq)
            {
                return; // in the log, not yet applied: the answer comes when it is
            }
        }

        AppendToLog(new RaftEntry(Term, new RaftCommand(from.Value, r.Seq, r.Input)));
        Persist();
        LeaderAppended();
    }

    private int IndexOf(NodeId node)
    {
        for (int i = 0; i < Args.Servers.Count; i++)
        {
            if (Args.Servers[i] == node)
            {
                return i;
            }
        }

        return -1;
    }

    private static string LogKey(long index) => Invariant($"log/{index:D8}");
}
