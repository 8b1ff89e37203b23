namespace DistSim.Samples.Byzantine;

/// <summary>
/// Sees what PBFT replicas and clients do and checks agreement: no two honest replicas commit or execute different
/// requests at one sequence number. Reports of Byzantine replicas (their honest code runs under a wrapper) are ignored
/// for the checks. Counts messages by type, rejections, view changes. Not thread-safe: one simulation.
/// </summary>
/// <param name="simulation">The simulation (for the time of a violation).</param>
/// <param name="faulty">Which replica indexes are Byzantine.</param>
public sealed class PbftObserver(Simulation simulation, IReadOnlySet<int> faulty)
{
    private readonly SortedDictionary<long, (string Digest, int Replica)> _executed = [];
    private readonly SortedDictionary<long, (string Digest, int Replica)> _committed = [];
    private readonly SortedDictionary<string, long> _sent = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly SortedSet<long> _viewsInstalled = [];
    private readonly SortedDictionary<long, (string Digest, int Replica)> _checkpoints = [];
    private readonly List<(int Replica, long Seq)> _transfers = [];
    private readonly SortedDictionary<int, int> _executionsBy = [];

    /// <summary>The Byzantine replicas.</summary>
    public IReadOnlySet<int> Faulty => faulty;

    /// <summary>Agreement violations.</summary>
    public int Violations { get; private set; }

    /// <summary>The first violation in words; null if none.</summary>
    public string? FirstViolation { get; private set; }

    /// <summary>Sequence numbers executed by some honest replica.</summary>
    public int Executed => _executed.Count;

    /// <summary>Executions by honest replicas in a view above 0 (after a view change).</summary>
    public int ExecutedAfterViewChange { get; private set; }

    /// <summary>View-change messages honest replicas sent.</summary>
    public int ViewChangesSent { get; private set; }

    /// <summary>New-view messages honest primaries sent.</summary>
    public int NewViewsSent { get; private set; }

    /// <summary>Views entered by some honest replica through a valid new-view.</summary>
    public IReadOnlyCollection<long> ViewsInstalled => _viewsInstalled;

    /// <summary>The highest view an honest replica entered.</summary>
    public long HighestView => _viewsInstalled.Count == 0 ? 0 : _viewsInstalled.Max;

    /// <summary>Messages sent by the protocol code of every node (Byzantine ones included, before their wrapper acts), by type.</summary>
    public IReadOnlyDictionary<string, long> Sent => _sent;

    /// <summary>Messages honest nodes rejected (bad or missing signature, wrong signer, invalid certificate), by type.</summary>
    public IReadOnlyDictionary<string, long> Rejected => _rejected;

    /// <summary>Every rejection.</summary>
    public long Rejections => _rejected.Values.Sum();

    /// <summary>Every message sent by protocol code.</summary>
    public long MessagesSent => _sent.Values.Sum();

    /// <summary>Checkpoints that became stable at an honest replica (one per replica and number).</summary>
    public int StableCheckpoints { get; private set; }

    /// <summary>The highest stable checkpoint of an honest replica.</summary>
    public long HighestStable { get; private set; }

    /// <summary>States honest replicas installed from another replica (a stable checkpoint's state, its proof checked).</summary>
    public int StateTransfers { get; private set; }

    /// <summary>The states honest replicas installed from others, in order: which replica, at which checkpoint.</summary>
    public IReadOnlyList<(int Replica, long Seq)> Transfers => _transfers;

    /// <summary>The highest checkpoint a new view started from (min-s of a new-view an honest replica entered): above 0 when a view change came after the log was discarded.</summary>
    public long HighestNewViewStart { get; private set; }

    /// <summary>Messages from honest replicas that an honest replica could not keep for a later view or window (its buffer's share for the sender was full).</summary>
    public int HonestMessagesRefused { get; private set; }

    /// <summary>Executions by replica (every replica, faulty ones' honest code included), by index.</summary>
    public IReadOnlyDictionary<int, int> ExecutionsBy => _executionsBy;

    /// <summary>Times an honest replica started fetching a state (it learnt of a stable checkpoint it could not reach by executing).</summary>
    public int Fetches { get; private set; }

    /// <summary>The most (view, sequence number) slots an honest replica held at once: bounded by the log window when checkpoints discard the log.</summary>
    public int MaxLogSlots { get; private set; }

    /// <summary>Whether replica <paramref name="replica"/> is honest.</summary>
    /// <param name="replica">The replica's index.</param>
    public bool IsHonest(int replica) => !faulty.Contains(replica);

    /// <summary>A node sent a message of type <paramref name="type"/>.</summary>
    /// <param name="type">The type name.</param>
    public void Sending(string type) => _sent[type] = _sent.GetValueOrDefault(type) + 1;

    /// <summary>An honest node (replica index, or -1 for a client) rejected a message.</summary>
    /// <param name="node">The replica's index, or -1 for a client.</param>
    /// <param name="type">The message type.</param>
    public void Reject(int node, string type)
    {
        if (node < 0 || IsHonest(node))
        {
            _rejected[type] = _rejected.GetValueOrDefault(type) + 1;
        }
    }

    /// <summary>Replica <paramref name="replica"/> committed <paramref name="digest"/> at <paramref name="seq"/> (committed-local).</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="seq">The sequence number.</param>
    /// <param name="digest">The request's digest.</param>
    public void Committed(int replica, long seq, string digest) => Check(_committed, "committed", replica, seq, digest);

    /// <summary>Replica <paramref name="replica"/> executed <paramref name="digest"/> at <paramref name="seq"/> in view <paramref name="view"/>.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="seq">The sequence number.</param>
    /// <param name="digest">The request's digest.</param>
    /// <param name="view">The replica's view.</param>
    public void Execute(int replica, long seq, string digest, long view)
    {
        if (IsHonest(replica) && view > 0)
        {
            ExecutedAfterViewChange++;
        }

        _executionsBy[replica] = _executionsBy.GetValueOrDefault(replica) + 1;

        Check(_executed, "executed", replica, seq, digest);
    }

    /// <summary>Replica <paramref name="replica"/> took a checkpoint at <paramref name="seq"/>: honest replicas must agree on its digest (the state after the same requests).</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="seq">The sequence number executed.</param>
    /// <param name="digest">The state's digest.</param>
    public void Checkpointed(int replica, long seq, string digest) => Check(_checkpoints, "reached a state with digest", replica, seq, digest);

    /// <summary>Replica <paramref name="replica"/>'s stable checkpoint moved to <paramref name="seq"/>.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="seq">The checkpoint's sequence number.</param>
    public void Stable(int replica, long seq)
    {
        if (IsHonest(replica))
        {
            StableCheckpoints++;
            HighestStable = Math.Max(HighestStable, seq);
        }
    }

    /// <summary>Replica <paramref name="replica"/> could not keep a message from <paramref name="sender"/> for later.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="sender">The sender's node id value.</param>
    public void HoldRefused(int replica, int sender) => HonestMessagesRefused += IsHonest(replica) && IsHonest(sender) ? 1 : 0;

    /// <summary>Replica <paramref name="replica"/> started fetching a state.</summary>
    /// <param name="replica">The replica.</param>
    public void FetchStarted(int replica) => Fetches += IsHonest(replica) ? 1 : 0;

    /// <summary>Replica <paramref name="replica"/> installed the state at <paramref name="seq"/> from another replica: its digest must be the one honest replicas reached there.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="seq">The checkpoint's sequence number.</param>
    /// <param name="digest">The installed state's digest.</param>
    public void StateTransferred(int replica, long seq, string digest)
    {
        if (IsHonest(replica))
        {
            StateTransfers++;
            _transfers.Add((replica, seq));
        }

        Check(_checkpoints, "installed a state with digest", replica, seq, digest);
    }

    /// <summary>Replica <paramref name="replica"/> holds <paramref name="slots"/> (view, sequence number) slots.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="slots">How many.</param>
    public void LogSize(int replica, int slots)
    {
        if (IsHonest(replica))
        {
            MaxLogSlots = Math.Max(MaxLogSlots, slots);
        }
    }

    /// <summary>An honest replica sent a view-change.</summary>
    /// <param name="replica">The replica.</param>
    public void ViewChangeSent(int replica) => ViewChangesSent += IsHonest(replica) ? 1 : 0;

    /// <summary>A replica sent a new-view.</summary>
    /// <param name="replica">The replica.</param>
    public void NewViewSent(int replica) => NewViewsSent += IsHonest(replica) ? 1 : 0;

    /// <summary>A replica entered <paramref name="view"/> through a valid new-view that starts from checkpoint <paramref name="start"/> (min-s).</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="view">The view.</param>
    /// <param name="start">The highest stable checkpoint among the new-view's view-changes.</param>
    public void EnteredView(int replica, long view, long start)
    {
        if (IsHonest(replica))
        {
            _viewsInstalled.Add(view);
            HighestNewViewStart = Math.Max(HighestNewViewStart, start);
        }
    }

    /// <summary>A replica saw something only a bug can produce (an honest replica committing two digests at one number, say).</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="text">What.</param>
    public void Broken(int replica, string text)
    {
        if (IsHonest(replica))
        {
            Violate(text);
        }
    }

    private void Check(SortedDictionary<long, (string Digest, int Replica)> table, string what, int replica, long seq, string digest)
    {
        if (!IsHonest(replica))
        {
            return;
        }

        if (!table.TryGetValue(seq, out (string Digest, int Replica) first))
        {
            table[seq] = (digest, replica);
        }
        else if (!string.Equals(first.Digest, digest, StringComparison.Ordinal))
        {
            Violate(Invariant($"seq {seq}: r{replica} {what} {digest} at {simulation.Now}, but r{first.Replica} {what} {first.Digest} there"));
        }
    }

    private void Violate(string text)
    {
        Violations++;
        FirstViolation ??= text;
    }
}
