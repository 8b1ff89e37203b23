using DistSim.Checking;
using DistSim.Nodes;

namespace DistSim.Samples.Byzantine;

/// <summary>What a PBFT replica needs: its index, the replica count, the clients' timeout scale, the observer and the checkpoint interval.</summary>
/// <param name="Index">The replica's index (its node id).</param>
/// <param name="Replicas">n ≥ 3f + 1 (f = ⌊(n − 1) / 3⌋).</param>
/// <param name="ViewChangeTimeout">How long a backup waits for a pending request to execute before it starts a view change (doubled at each further view change in a row); also how long a lagging replica waits for the state before asking again.</param>
/// <param name="Observer">The checks and counts.</param>
/// <param name="CheckpointInterval">K: a replica takes a checkpoint after executing every multiple of K; the log window is 2K sequence numbers above the stable checkpoint.</param>
public sealed record PbftReplicaArgs(int Index, int Replicas, TimeSpan ViewChangeTimeout, PbftObserver Observer, int CheckpointInterval = PbftOptions.DefaultCheckpointInterval)
{
    /// <summary>f = ⌊(n − 1) / 3⌋.</summary>
    public int F => (Replicas - 1) / 3;

    /// <summary>
    /// The quorum, ⌈(n + f + 1) / 2⌉ (2f + 1 when n = 3f + 1): any two quorums share at least f + 1 replicas, so at least
    /// one honest one. With 2f + 1 and n above 3f + 1 two quorums could share only a faulty replica (at n = 5, f = 1, two
    /// sets of 3 of 5 may meet in one), and an equivocating primary could get two requests committed at one number.
    /// </summary>
    public int Quorum => PbftOptions.QuorumOf(Replicas);

    /// <summary>L = 2K: a replica accepts protocol messages for sequence numbers h &lt; s ≤ h + L, h its stable checkpoint.</summary>
    public int LogWindow => 2 * CheckpointInterval;
}

/// <summary>
/// A PBFT replica (Castro and Liskov 1999) replicating a key-value store. Quorums are ⌈(n + f + 1) / 2⌉ replicas
/// (<see cref="PbftReplicaArgs.Quorum"/>; 2f + 1 when n = 3f + 1). Normal case: the primary of view v (replica v mod n)
/// assigns a sequence number to a client request and sends a signed pre-prepare; each backup that accepts it sends a
/// prepare to all; a replica is prepared with the pre-prepare and quorum − 1 matching prepares from distinct backups,
/// then sends a commit to all; it is committed-local with a quorum of matching commits, and executes requests in
/// sequence-number order, replying to the client. View change (<c>PbftReplica.ViewChange.cs</c>): a backup that waits
/// too long for a request it knows about moves to view v + 1 with a signed view-change carrying its stable checkpoint
/// and prepared certificates; the new primary, with a quorum of them, sends a new-view re-proposing every prepared
/// request above the highest stable checkpoint (null requests in the gaps). Every message is signed
/// (<see cref="INodeContext.Sign"/>) and checked on arrival: a message whose signature does not verify, or whose
/// signer is not who it must be, is rejected and counted. Checkpoints (<c>PbftReplica.Checkpoints.cs</c>): every K
/// executions a replica signs its state's digest; a quorum of matching ones makes the checkpoint stable, the log below
/// it goes, and the replica accepts only sequence numbers in its window above it; a replica left behind fetches the
/// state at a stable checkpoint, with its proof.
/// </summary>
/// <param name="args">Index, size, timeout, observer.</param>
public sealed partial class PbftReplica(PbftReplicaArgs args) : Node
{
    private const int FutureMax = 100_000;
    private readonly SortedDictionary<int, int> _futureBySender = [];
    private readonly SortedDictionary<(long View, long Seq), SlotState> _slots = [];
    private readonly SortedDictionary<long, PreparedCertificate> _certificates = [];
    private readonly SortedDictionary<long, (PbftRequest? Request, string Digest)> _committed = [];
    private readonly SortedDictionary<string, PbftRequest> _pending = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, PbftRequest> _assigned = new(StringComparer.Ordinal); // requests given a number in this view, until executed
    private readonly SortedDictionary<int, (long Timestamp, string Result)> _lastReply = [];
    private readonly SortedDictionary<string, string> _kv = new(StringComparer.Ordinal);
    private readonly List<(NodeId From, object Message)> _future = [];
    private long _nextSeq;

    private int N => args.Replicas;

    private int F => args.F;

    private int Quorum => args.Quorum;

    private PbftObserver Observer => args.Observer;

    /// <summary>The replica's index.</summary>
    public int Index => args.Index;

    /// <summary>The current view (during a view change: the view it is moving to).</summary>
    public long View { get; private set; }

    /// <summary>Whether it is between a view-change and the new-view.</summary>
    public bool ChangingView { get; private set; }

    /// <summary>The highest sequence number executed.</summary>
    public long LastExecuted { get; private set; }

    /// <summary>The state machine.</summary>
    public IReadOnlyDictionary<string, string> Values => _kv;

    /// <summary>The primary of view <paramref name="view"/>: replica view mod n.</summary>
    /// <param name="view">The view.</param>
    public int PrimaryOf(long view) => (int)(view % N);

    private bool IsPrimary => PrimaryOf(View) == Index;

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is not IPbftSigned signed)
        {
            return;
        }

        // The signature must verify and be the one the message names; a replica's own message must come from it.
        bool fromSigner = message is PbftRequest || from.Value == signed.Signer;
        if (!fromSigner || signed.Sig is not { } sig || sig.Signer.Value != signed.Signer || !Context.Verify(signed.Unsigned(), sig))
        {
            Observer.Reject(Index, message.GetType().Name);
            return;
        }

        if (!WellFormed(message))
        {
            Observer.Reject(Index, message.GetType().Name + "(malformed)"); // a faulty replica signed nulls into it
            return;
        }

        switch (message)
        {
            case PbftRequest r when r.Client >= N:
                OnRequest(r, fromClient: from.Value == r.Client);
                break;
            case Checkpoint c:
                OnCheckpoint(c);
                break;
            case FetchState f:
                OnFetchState(f);
                break;
            case StateReply r:
                OnStateReply(r);
                break;
            case PrePrepare p:
                OnPrePrepare(from, p);
                break;
            case Prepare p:
                OnPrepare(from, p);
                break;
            case Commit c:
                OnCommit(from, c);
                break;
            case ViewChange v:
                OnViewChange(v);
                break;
            case NewView v:
                OnNewView(v);
                break;
        }

        ReplayIfWindowMoved();
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (state is FetchTimer)
        {
            OnFetchTimer(timer);
        }
        else
        {
            OnViewChangeTimer(timer);
        }

        ReplayIfWindowMoved();
    }

    private void OnRequest(PbftRequest r, bool fromClient)
    {
        if (_lastReply.TryGetValue(r.Client, out (long Timestamp, string Result) last) && last.Timestamp >= r.Timestamp)
        {
            if (last.Timestamp == r.Timestamp)
            {
                SendSigned(new NodeId(r.Client), new PbftReply(View, r.Timestamp, r.Client, Index, last.Result)); // executed: answer again
            }

            return;
        }

        _pending[r.Key] = r;
        if (IsPrimary && !ChangingView)
        {
            Propose(r);
        }
        else if (fromClient)
        {
            if (!ChangingView)
            {
                Send(new NodeId(PrimaryOf(View)), r); // relay to the primary (the client's signature travels with it)
                Observer.Sending(nameof(PbftRequest));
            }

            StartTimer();
        }
    }

    private void Propose(PbftRequest r)
    {
        if (_nextSeq + 1 > _low + args.LogWindow || !_assigned.TryAdd(r.Key, r))
        {
            return; // beyond the window: it waits in the pending requests until the next stable checkpoint
        }

        PrePrepare pp = Signed(new PrePrepare(View, ++_nextSeq, r, Index));
        Slot(View, pp.Seq).PrePrepare = pp;
        Broadcast(pp);
    }

    private void OnPrePrepare(NodeId from, PrePrepare pp)
    {
        if (Buffered(from, pp, pp.View) || OutsideWindow(from, pp, pp.Seq))
        {
            return;
        }

        if (pp.Replica != PrimaryOf(pp.View) || (pp.Request is { } r && !ValidRequest(r)))
        {
            Observer.Reject(Index, nameof(PrePrepare));
            return;
        }

        Accept(pp);
    }

    /// <summary>Accepts a pre-prepare of the current view (from the primary, or from a new-view) and prepares it.</summary>
    private void Accept(PrePrepare pp)
    {
        if (pp.Seq <= _low)
        {
            return; // below the stable checkpoint (a new-view re-proposing what this replica's checkpoint covers)
        }

        SlotState slot = Slot(pp.View, pp.Seq);
        if (slot.PrePrepare is { } had)
        {
            if (!string.Equals(had.Digest, pp.Digest, StringComparison.Ordinal))
            {
                Observer.Reject(Index, "PrePrepare(conflicting)"); // the primary equivocated: keep the first
            }

            return;
        }

        slot.PrePrepare = pp;
        if (pp.Request is { } r)
        {
            _assigned.TryAdd(r.Key, r);
        }

        if (!IsPrimary)
        {
            Prepare p = Signed(new Prepare(pp.View, pp.Seq, pp.Digest, Index));
            slot.Prepares[Index] = p;
            Broadcast(p);
        }

        CheckPrepared(pp.View, pp.Seq);
    }

    private void OnPrepare(NodeId from, Prepare p)
    {
        if (Buffered(from, p, p.View) || p.Replica == PrimaryOf(p.View) || OutsideWindow(from, p, p.Seq))
        {
            return;
        }

        Slot(p.View, p.Seq).Prepares.TryAdd(p.Replica, p);
        CheckPrepared(p.View, p.Seq);
    }

    private void CheckPrepared(long view, long seq)
    {
        SlotState slot = Slot(view, seq);
        if (slot.Prepared || slot.PrePrepare is not { } pp)
        {
            return;
        }

        Prepare[] matching = [.. slot.Prepares.Values.Where(p => string.Equals(p.Digest, pp.Digest, StringComparison.Ordinal))];
        if (matching.Length < Quorum - 1)
        {
            return;
        }

        slot.Prepared = true;
        _certificates[seq] = new PreparedCertificate(pp, matching);
        Commit c = Signed(new Commit(view, seq, pp.Digest, Index));
        slot.Commits[Index] = c;
        Broadcast(c);
        CheckCommitted(view, seq);
    }

    private void OnCommit(NodeId from, Commit c)
    {
        if (Buffered(from, c, c.View) || OutsideWindow(from, c, c.Seq))
        {
            return;
        }

        Slot(c.View, c.Seq).Commits.TryAdd(c.Replica, c);
        CheckCommitted(c.View, c.Seq);
    }

    private void CheckCommitted(long view, long seq)
    {
        if (seq <= _low)
        {
            return;
        }

        SlotState slot = Slot(view, seq);
        if (!slot.Prepared || slot.Committed || slot.PrePrepare is not { } pp
            || slot.Commits.Values.Count(c => string.Equals(c.Digest, pp.Digest, StringComparison.Ordinal)) < Quorum)
        {
            return;
        }

        slot.Committed = true;
        Observer.Committed(Index, seq, pp.Digest);
        if (_committed.TryGetValue(seq, out (PbftRequest? Request, string Digest) had))
        {
            if (!string.Equals(had.Digest, pp.Digest, StringComparison.Ordinal))
            {
                Observer.Broken(Index, Invariant($"r{Index} committed {pp.Digest} at seq {seq} in view {view} after committing {had.Digest} there"));
            }

            return;
        }

        _committed[seq] = (pp.Request, pp.Digest);
        Execute();
    }

    private void Execute()
    {
        while (_committed.TryGetValue(LastExecuted + 1, out (PbftRequest? Request, string Digest) next))
        {
            LastExecuted++;
            Observer.Execute(Index, LastExecuted, next.Digest, View);
            if (next.Request is { } r)
            {
                Apply(r);
            }

            if (LastExecuted % args.CheckpointInterval == 0)
            {
                TakeCheckpoint();
            }
        }

        SettleFetch();

        if (_pending.Count == 0)
        {
            StopTimer();
        }
        else if (!ChangingView)
        {
            RestartTimer(); // still waiting for another request
        }
    }

    /// <summary>Executes a committed request once: a request executed before (re-proposed after a view change) is only taken off the pending ones.</summary>
    private void Apply(PbftRequest r)
    {
        _pending.Remove(r.Key);
        if (_lastReply.TryGetValue(r.Client, out (long Timestamp, string Result) last) && last.Timestamp >= r.Timestamp)
        {
            return; // executed before at another number (re-proposed after a view change): once only
        }

        string result = string.Empty;
        if (r.Operation.Kind == KvOperation.Get)
        {
            result = _kv.GetValueOrDefault(r.Operation.Key, string.Empty);
        }
        else
        {
            _kv[r.Operation.Key] = r.Operation.Value;
        }

        _lastReply[r.Client] = (r.Timestamp, result);
        SendSigned(new NodeId(r.Client), new PbftReply(View, r.Timestamp, r.Client, Index, result));
    }

    /// <summary>
    /// A message of the next view, or of the view it is moving to, waits for the new-view; one of an earlier view, or of
    /// a view further ahead, is dropped (a replica that far behind catches up by a view change and its checkpoints).
    /// </summary>
    private bool Buffered(NodeId from, object message, long view)
    {
        if (view > View + 1)
        {
            return true;
        }

        if (view > View || (view == View && ChangingView))
        {
            Hold(from, message);
            return true;
        }

        return view < View;
    }

    /// <summary>
    /// Keeps a message until the view or the window moves, up to a share per sender: three messages for each number of
    /// two windows in two views, so an honest replica's traffic fits and a faulty one cannot crowd it out.
    /// </summary>
    private void Hold(NodeId from, object message)
    {
        int held = _futureBySender.GetValueOrDefault(from.Value);
        if (held < 12 * args.LogWindow && _future.Count < FutureMax)
        {
            _future.Add((from, message));
            _futureBySender[from.Value] = held + 1;
        }
        else
        {
            Observer.HoldRefused(Index, from.Value);
        }
    }

    private bool ValidRequest(PbftRequest r) => r.Client >= N && Verifies(r);

    /// <summary>
    /// Whether a replica's message has every array and nested message its handlers read (a faulty replica can sign a
    /// null into any field). Requests need no check: only their clients, which are honest, can sign them, and a replica
    /// takes a request only with its client's signature.
    /// </summary>
    private static bool WellFormed(object message) => message switch
    {
        ViewChange v => v.StableProof is { } proof && proof.All(c => c is not null)
            && v.Prepared is { } certificates && certificates.All(c => c is { PrePrepare: not null, Prepares: { } ps } && ps.All(p => p is not null)),
        NewView nv => nv.ViewChanges is { } vcs && vcs.All(v => v is not null && WellFormed(v)) && nv.PrePrepares is { } pps && pps.All(p => p is not null),
        StateReply r => r.State is { Values: { } values, Replies: { } replies } && values.All(v => v is { Key: not null, Value: not null })
            && replies.All(l => l is { Result: not null }) && r.Proof is { } proof && proof.All(c => c is not null),
        _ => true,
    };

    private SlotState Slot(long view, long seq)
    {
        if (!_slots.TryGetValue((view, seq), out SlotState? slot))
        {
            _slots[(view, seq)] = slot = new SlotState();
            Observer.LogSize(Index, _slots.Count);
        }

        return slot;
    }

    private T Signed<T>(T message)
        where T : IPbftSigned => (T)Sign(message);

    private IPbftSigned Sign(IPbftSigned message) => message.WithSig(Context.Sign(message.Unsigned()));

    private void SendSigned(NodeId to, IPbftSigned message)
    {
        Send(to, Sign(message));
        Observer.Sending(message.GetType().Name);
    }

    private void Broadcast(object message)
    {
        for (int i = 0; i < N; i++)
        {
            if (i != Index)
            {
                Send(new NodeId(i), message);
                Observer.Sending(message.GetType().Name);
            }
        }
    }

    /// <summary>What a replica holds for one (view, sequence number).</summary>
    private sealed class SlotState
    {
        public PrePrepare? PrePrepare { get; set; }

        public SortedDictionary<int, Prepare> Prepares { get; } = [];

        public SortedDictionary<int, Commit> Commits { get; } = [];

        public bool Prepared { get; set; }

        public bool Committed { get; set; }
    }
}
