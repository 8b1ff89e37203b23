using DistSim.Time;

namespace DistSim.Samples.RaftKv;

/// <summary>A span of virtual time in which one server led one term.</summary>
/// <param name="Server">The leader's index.</param>
/// <param name="Term">Its term.</param>
/// <param name="Start">When it was elected.</param>
/// <param name="End">The last time it acted as leader (a heartbeat round, or its step-down).</param>
public sealed record LeadershipInterval(int Server, long Term, SimTime Start, SimTime End);

/// <summary>What a restarted server found in its durable storage, next to what it had last flushed there.</summary>
/// <param name="Server">The server's index.</param>
/// <param name="At">When it restarted.</param>
/// <param name="Term">The term recovered.</param>
/// <param name="VotedFor">The vote recovered (-1: none).</param>
/// <param name="Entries">Log entries recovered.</param>
/// <param name="MatchesFlushed">Whether term, vote and log length equal what the server had last flushed.</param>
public sealed record RaftRecovery(int Server, SimTime At, long Term, int VotedFor, long Entries, bool MatchesFlushed);

/// <summary>
/// Sees Raft from outside the servers (it survives their crashes) and checks its safety properties: at most one leader
/// per term (election safety), every committed entry the same at every server and at every later time (state machine
/// safety: a commit is recorded by index when a server applies it, and compared with the first commit of that index),
/// and every new leader's log holding every entry committed before (leader completeness). Also counts what happened
/// (elections, pre-vote rounds, check-quorum step-downs, truncations, recoveries) and keeps leadership intervals and
/// commit times. One per run; not thread-safe (a run is single-threaded).
/// </summary>
/// <param name="simulation">The run (for virtual time).</param>
public sealed class RaftKvObserver(Simulation simulation)
{
    private readonly SortedDictionary<long, (RaftEntry Entry, SimTime At)> _committed = [];
    private readonly SortedDictionary<long, SortedSet<int>> _leaders = [];
    private readonly SortedDictionary<long, List<RaftEntry>> _valuesPerIndex = [];
    private readonly List<LeadershipInterval> _intervals = [];
    private readonly List<RaftRecovery> _recoveries = [];
    private readonly SortedDictionary<int, (long Term, int Vote, long Entries)> _flushed = [];
    private readonly SortedDictionary<int, int> _open = [];
    private readonly List<(int Server, long From, long Removed, SimTime At)> _truncations = [];
    private readonly List<(int Server, SimTime At, bool CheckQuorum)> _stepDowns = [];
    private readonly List<(int Server, long Term, SimTime At)> _campaigns = [];

    /// <summary>Violations of any kind (election safety, state machine safety, leader completeness).</summary>
    public int Violations { get; private set; }

    /// <summary>The first violation in words; null if none.</summary>
    public string? FirstViolation { get; private set; }

    /// <summary>Commits that differ from the first commit of their index.</summary>
    public int ConflictingCommits { get; private set; }

    /// <summary>Elections of a new leader whose log lacked (or changed) an entry committed before.</summary>
    public int LostCommits { get; private set; }

    /// <summary>Elections of a second leader in a term.</summary>
    public int DoubleLeaders { get; private set; }

    /// <summary>The most distinct servers elected leader in one term (1 when election safety holds).</summary>
    public int LeadersPerTermMax => _leaders.Count == 0 ? 0 : _leaders.Values.Max(l => l.Count);

    /// <summary>The most distinct entries committed at one index (1 when state machine safety holds).</summary>
    public int ValuesPerIndexMax => _valuesPerIndex.Count == 0 ? 0 : _valuesPerIndex.Values.Max(v => v.Count);

    /// <summary>Leaders elected (over all terms).</summary>
    public int LeadersElected => _intervals.Count;

    /// <summary>The highest term any server campaigned in.</summary>
    public long HighestTerm { get; private set; }

    /// <summary>Elections started (a server became a candidate and bumped its term).</summary>
    public int Campaigns { get; private set; }

    /// <summary>Pre-vote rounds started.</summary>
    public int PreVoteRounds { get; private set; }

    /// <summary>Pre-vote rounds that ended without an election (the term was not bumped).</summary>
    public int PreVoteRoundsFailed { get; private set; }

    /// <summary>Leaders that stepped down because they had not heard from a majority within an election timeout.</summary>
    public int CheckQuorumStepDowns { get; private set; }

    /// <summary>Vote requests ignored because the receiver had heard from a live leader (leader stickiness).</summary>
    public int VotesIgnoredForLiveLeader { get; private set; }

    /// <summary>Times a follower cut a conflicting suffix off its log.</summary>
    public int Truncations { get; private set; }

    /// <summary>Entries removed by those truncations.</summary>
    public long EntriesTruncated { get; private set; }

    /// <summary>Log indexes committed (by at least one server).</summary>
    public int Commits => _committed.Count;

    /// <summary>Every leadership, in the order of election.</summary>
    public IReadOnlyList<LeadershipInterval> LeadershipIntervals => _intervals;

    /// <summary>Every truncation of a conflicting suffix, in order: the follower, the first index removed, how many, when.</summary>
    public IReadOnlyList<(int Server, long From, long Removed, SimTime At)> TruncationLog => _truncations;

    /// <summary>Every step-down of a leader (to a higher term, or by check-quorum), in order.</summary>
    public IReadOnlyList<(int Server, SimTime At, bool CheckQuorum)> StepDowns => _stepDowns;

    /// <summary>Every election started (a server became a candidate and bumped its term), in order: the server, the term, when.</summary>
    public IReadOnlyList<(int Server, long Term, SimTime At)> CampaignLog => _campaigns;

    /// <summary>Every restart, in order.</summary>
    public IReadOnlyList<RaftRecovery> Recoveries => _recoveries;

    /// <summary>When each index was first committed, by index.</summary>
    public IReadOnlyList<(long Index, SimTime At)> CommitTimes => [.. _committed.Select(kv => (kv.Key, kv.Value.At))];

    /// <summary>The first committed entry of each index, by index.</summary>
    public IReadOnlyList<(long Index, RaftEntry Entry)> CommittedEntries => [.. _committed.Select(kv => (kv.Key, kv.Value.Entry))];

    /// <summary>Server <paramref name="server"/> became a candidate for <paramref name="term"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="term">The term.</param>
    public void Campaigned(int server, long term)
    {
        Campaigns++;
        _campaigns.Add((server, term, simulation.Now));
        HighestTerm = Math.Max(HighestTerm, term);
    }

    /// <summary>A pre-vote round started (<paramref name="failed"/> false) or ended without an election (true).</summary>
    /// <param name="failed">Whether this reports the end of a round that did not lead to an election.</param>
    public void PreVote(bool failed)
    {
        if (failed)
        {
            PreVoteRoundsFailed++;
        }
        else
        {
            PreVoteRounds++;
        }
    }

    /// <summary>A vote request was ignored: the receiver heard from a live leader.</summary>
    public void IgnoredVote() => VotesIgnoredForLiveLeader++;

    /// <summary>A follower removed <paramref name="removed"/> conflicting entries from <paramref name="from"/> on.</summary>
    /// <param name="server">The follower.</param>
    /// <param name="from">The first index removed.</param>
    /// <param name="removed">How many entries.</param>
    public void Truncated(int server, long from, long removed)
    {
        Truncations++;
        EntriesTruncated += removed;
        _truncations.Add((server, from, removed, simulation.Now));
    }

    /// <summary>Server <paramref name="server"/> flushed term, vote and a log of <paramref name="entries"/> entries.</summary>
    /// <param name="server">The server.</param>
    /// <param name="term">Its term.</param>
    /// <param name="vote">Its vote (-1: none).</param>
    /// <param name="entries">Its log length.</param>
    public void Flushed(int server, long term, int vote, long entries) => _flushed[server] = (term, vote, entries);

    /// <summary>Server <paramref name="server"/> restarted and read its state back from storage.</summary>
    /// <param name="server">The server.</param>
    /// <param name="term">The term found.</param>
    /// <param name="vote">The vote found.</param>
    /// <param name="entries">The log entries found.</param>
    public void Recovered(int server, long term, int vote, long entries)
    {
        bool matches = _flushed.TryGetValue(server, out (long Term, int Vote, long Entries) f) ? f == (term, vote, entries) : term == 0 && entries == 0;
        _recoveries.Add(new RaftRecovery(server, simulation.Now, term, vote, entries, matches));
    }

    /// <summary>Server <paramref name="server"/> won <paramref name="term"/> with <paramref name="log"/> (index i at position i - 1).</summary>
    /// <param name="server">The server.</param>
    /// <param name="term">The term.</param>
    /// <param name="log">Its log when elected.</param>
    public void Elected(int server, long term, IReadOnlyList<RaftEntry> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!_leaders.TryGetValue(term, out SortedSet<int>? set))
        {
            _leaders[term] = set = [];
        }

        if (set.Add(server) && set.Count == 2)
        {
            DoubleLeaders++;
            Violate(Invariant($"term {term}: s{server} elected at {simulation.Now}, but s{set.First(s => s != server)} was elected in that term before"));
        }

        foreach ((long index, (RaftEntry entry, _)) in _committed)
        {
            if (index > log.Count || log[(int)index - 1] != entry)
            {
                LostCommits++;
                Violate(Invariant($"index {index}: s{server} elected for term {term} at {simulation.Now} without the committed entry {entry}"));
                break;
            }
        }

        _open[server] = _intervals.Count;
        _intervals.Add(new LeadershipInterval(server, term, simulation.Now, simulation.Now));
    }

    /// <summary>Leader <paramref name="server"/> is still acting as leader (a heartbeat round).</summary>
    /// <param name="server">The server.</param>
    public void Leading(int server)
    {
        if (_open.TryGetValue(server, out int i))
        {
            _intervals[i] = _intervals[i] with { End = simulation.Now };
        }
    }

    /// <summary>Leader <paramref name="server"/> stopped leading; <paramref name="checkQuorum"/>: because it lost touch with a majority.</summary>
    /// <param name="server">The server.</param>
    /// <param name="checkQuorum">Whether check-quorum made it step down.</param>
    public void SteppedDown(int server, bool checkQuorum)
    {
        Leading(server);
        _open.Remove(server);
        _stepDowns.Add((server, simulation.Now, checkQuorum));
        CheckQuorumStepDowns += checkQuorum ? 1 : 0;
    }

    /// <summary>Server <paramref name="server"/> applied <paramref name="entry"/> at <paramref name="index"/>: it is committed.</summary>
    /// <param name="server">The server.</param>
    /// <param name="index">The log index.</param>
    /// <param name="entry">The entry.</param>
    public void Committed(int server, long index, RaftEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!_committed.TryGetValue(index, out (RaftEntry Entry, SimTime At) first))
        {
            _committed[index] = (entry, simulation.Now);
            _valuesPerIndex[index] = [entry];
        }
        else if (first.Entry != entry)
        {
            ConflictingCommits++;
            if (!_valuesPerIndex[index].Contains(entry))
            {
                _valuesPerIndex[index].Add(entry);
            }

            Violate(Invariant($"index {index}: s{server} committed {entry} at {simulation.Now}, but {first.Entry} was committed there at {first.At}"));
        }
    }

    /// <summary>Server <paramref name="server"/> crashed or restarted: an open leadership of it is over.</summary>
    /// <param name="server">The server.</param>
    public void Restarted(int server) => _open.Remove(server);

    private void Violate(string text)
    {
        Violations++;
        FirstViolation ??= text;
    }
}
