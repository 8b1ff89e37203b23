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

        Check(_executed, "executed", replica, seq, digest);
    }

    /// <summary>An honest replica sent a view-change.</summary>
    /// <param name="replica">The replica.</param>
    public void ViewChangeSent(int replica) => ViewChangesSent += IsHonest(replica) ? 1 : 0;

    /// <summary>A replica sent a new-view.</summary>
    /// <param name="replica">The replica.</param>
    public void NewViewSent(int replica) => NewViewsSent += IsHonest(replica) ? 1 : 0;

    /// <summary>A replica entered <paramref name="view"/> through a valid new-view.</summary>
    /// <param name="replica">The replica.</param>
    /// <param name="view">The view.</param>
    public void EnteredView(int replica, long view)
    {
        if (IsHonest(replica))
        {
            _viewsInstalled.Add(view);
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
