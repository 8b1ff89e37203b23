namespace DistSim.Samples.Paxos;

/// <summary>
/// Sees every decision a learner makes and every leader a Phase 1 elects, outside the nodes (so it survives their
/// crashes), and checks agreement: no two learners ever decide different commands for one slot. One per run; not
/// thread-safe (a run is single-threaded).
/// </summary>
/// <param name="simulation">The run (for the virtual time in messages).</param>
public sealed class PaxosObserver(Simulation simulation)
{
    private readonly Dictionary<long, Command> _first = [];
    private readonly Dictionary<long, HashSet<Command>> _values = [];
    private readonly Dictionary<long, SortedSet<int>> _leaders = [];

    /// <summary>Slots decided by at least one learner.</summary>
    public int SlotsDecided => _first.Count;

    /// <summary>Decisions that differ from the first decision of their slot (agreement violations).</summary>
    public int Violations { get; private set; }

    /// <summary>The first violation in words; null if none.</summary>
    public string? FirstViolation { get; private set; }

    /// <summary>The most distinct commands decided for one slot (1 when agreement holds).</summary>
    public int ValuesPerSlotMax => _values.Count == 0 ? 0 : _values.Values.Max(v => v.Count);

    /// <summary>Ballots in which a proposer completed Phase 1 (leaders elected).</summary>
    public int LeadersElected => _leaders.Count;

    /// <summary>The most distinct replicas that completed Phase 1 with one ballot (1 when ballots are unique).</summary>
    public int LeadersPerBallotMax => _leaders.Count == 0 ? 0 : _leaders.Values.Max(l => l.Count);

    /// <summary>Restarts of a replica (each rebuilds its acceptor from durable storage).</summary>
    public int Recoveries { get; private set; }

    /// <summary>Restarts that found a promise or accepted entries in durable storage.</summary>
    public int RecoveriesWithState { get; private set; }

    /// <summary>A replica restarted and found <paramref name="promise"/> (-1: none) and <paramref name="entries"/> accepted entries in storage.</summary>
    /// <param name="promise">The recovered promise.</param>
    /// <param name="entries">The recovered accepted entries.</param>
    public void Recovered(long promise, int entries)
    {
        Recoveries++;
        RecoveriesWithState += promise >= 0 || entries > 0 ? 1 : 0;
    }

    /// <summary>Replica <paramref name="replica"/> completed Phase 1 with <paramref name="ballot"/>.</summary>
    /// <param name="ballot">The ballot.</param>
    /// <param name="replica">The replica's index.</param>
    public void Elected(long ballot, int replica)
    {
        if (!_leaders.TryGetValue(ballot, out SortedSet<int>? set))
        {
            _leaders[ballot] = set = [];
        }

        set.Add(replica);
    }

    /// <summary>Replica <paramref name="replica"/> decided <paramref name="command"/> for <paramref name="slot"/>.</summary>
    /// <param name="replica">The replica's index.</param>
    /// <param name="slot">The slot.</param>
    /// <param name="command">The command.</param>
    public void Decided(int replica, long slot, Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_values.TryGetValue(slot, out HashSet<Command>? set))
        {
            _values[slot] = set = [];
        }

        set.Add(command);
        if (!_first.TryGetValue(slot, out Command? first))
        {
            _first[slot] = command;
        }
        else if (first != command)
        {
            Violations++;
            FirstViolation ??= Invariant($"slot {slot}: r{replica} decided {command} at {simulation.Now}, but {first} was decided before");
        }
    }
}
