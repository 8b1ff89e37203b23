using DistSim.Nodes;

namespace DistSim.Samples.Byzantine;

/// <content>
/// Checkpoints, the log window and state transfer (Castro and Liskov 1999, section 4.3). After executing a multiple of K
/// a replica keeps a snapshot of its state and signs a checkpoint of its digest to all. When a quorum of replicas sign one
/// digest for one sequence number, that checkpoint is stable: at least f + 1 honest replicas have that state, so the
/// log up to it (slots, certificates, committed entries, older snapshots and checkpoints) is discarded, and the low
/// watermark h moves to it. Protocol messages are accepted for h &lt; s ≤ h + L only (L = 2K): one below is stale, one
/// above waits in the buffer, and a primary proposes nothing above. A replica that learns of a stable checkpoint it
/// cannot reach by executing — one more than L above what it executed, or one a new-view starts from — moves h there
/// and asks every replica for the state; it installs the first reply whose proof holds and whose state has the proved
/// digest, so a faulty replica can delay it but not mislead it.
/// </content>
public sealed partial class PbftReplica
{
    private readonly SortedDictionary<long, (PbftSnapshot State, string Digest)> _snapshots = [];
    private readonly SortedDictionary<long, SortedDictionary<int, Checkpoint>> _votes = [];
    private readonly SortedDictionary<long, Checkpoint[]> _proofs = [];
    private long _low;
    private long _fetchTarget;
    private TimerId _fetchTimer;
    private bool _fetchTimerRunning;
    private bool _fetchAsked;
    private readonly SortedDictionary<int, long> _stateSent = []; // to each replica: the checkpoint whose state it was last sent
    private bool _windowMoved;

    /// <summary>The stable checkpoint (the low watermark h): the log up to it is discarded.</summary>
    public long StableCheckpoint => _low;

    /// <summary>The (view, sequence number) slots the replica holds: at most L above its stable checkpoint in its current view.</summary>
    public int LogSlots => _slots.Count;

    /// <summary>
    /// How many entries each of the replica's tables holds, by name (<c>slots</c>, <c>certificates</c>, <c>committed</c>,
    /// <c>snapshots</c>, <c>checkpointVotes</c>, <c>proofs</c>, <c>viewChanges</c>, <c>assigned</c>, <c>pending</c>,
    /// <c>buffered</c>, <c>bufferedFromOneSender</c>: the most from one sender): what the tests bound, whatever a faulty replica sends.
    /// </summary>
    public IReadOnlyDictionary<string, int> TableSizes() => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        ["slots"] = _slots.Count,
        ["certificates"] = _certificates.Count,
        ["committed"] = _committed.Count,
        ["snapshots"] = _snapshots.Count,
        ["checkpointVotes"] = _votes.Values.Sum(v => v.Count),
        ["proofs"] = _proofs.Count,
        ["viewChanges"] = _viewChanges.Values.Sum(v => v.Count),
        ["assigned"] = _assigned.Count,
        ["pending"] = _pending.Count,
        ["buffered"] = _future.Count,
        ["bufferedFromOneSender"] = _futureBySender.Values.DefaultIfEmpty().Max(),
    };

    /// <summary>The highest stable checkpoint above what the replica executed (it is catching up, by executing or by fetching the state); 0 when none.</summary>
    public long Fetching => _fetchTarget > LastExecuted ? _fetchTarget : 0;

    /// <summary>The state after the last execution, as a snapshot (sorted, as its digest is computed).</summary>
    public PbftSnapshot Snapshot() =>
        new([.. _kv.Select(kv => new PbftValue(kv.Key, kv.Value))], [.. _lastReply.Select(kv => new PbftLastReply(kv.Key, kv.Value.Timestamp, kv.Value.Result))]);

    /// <summary>After executing a multiple of K: keep the state and sign its digest to all.</summary>
    private void TakeCheckpoint()
    {
        PbftSnapshot state = Snapshot();
        string digest = state.Digest();
        _snapshots[LastExecuted] = (state, digest);
        Observer.Checkpointed(Index, LastExecuted, digest);
        Checkpoint c = Signed(new Checkpoint(LastExecuted, digest, Index));
        Broadcast(c);
        OnCheckpoint(c);
        if (LastExecuted > _low && _proofs.TryGetValue(LastExecuted, out Checkpoint[]? known))
        {
            OnStable(LastExecuted, known[0].Digest, known, fromNewView: false); // proved already (by a view-change's proof, say): the window moves now
        }
    }

    private void OnCheckpoint(Checkpoint c)
    {
        if (c.Seq <= _low || c.Seq % args.CheckpointInterval != 0 || c.Replica < 0 || c.Replica >= N)
        {
            return;
        }

        if (!_votes.TryGetValue(c.Seq, out SortedDictionary<int, Checkpoint>? votes))
        {
            _votes[c.Seq] = votes = [];
        }

        if (!votes.TryAdd(c.Replica, c))
        {
            return; // one checkpoint per replica and number: the first
        }

        // A replica's checkpoints above h are kept up to the window's worth and two more, its lowest going first: a faulty
        // replica cannot fill the table with checkpoints of numbers no one will reach.
        long[] mine = [.. _votes.Where(kv => kv.Value.ContainsKey(c.Replica)).Select(kv => kv.Key)];
        if (mine.Length > (args.LogWindow / args.CheckpointInterval) + 2)
        {
            RemoveVote(mine[0], c.Replica);
            if (mine[0] == c.Seq)
            {
                return;
            }
        }

        Checkpoint[] matching = [.. votes.Values.Where(v => string.Equals(v.Digest, c.Digest, StringComparison.Ordinal))];
        if (matching.Length >= Quorum)
        {
            OnStable(c.Seq, c.Digest, [.. matching.Take(Quorum)], fromNewView: false);
        }
    }

    private void RemoveVote(long seq, int replica)
    {
        SortedDictionary<int, Checkpoint> votes = _votes[seq];
        votes.Remove(replica);
        if (votes.Count == 0)
        {
            _votes.Remove(seq);
        }
    }

    /// <summary>
    /// Checkpoint <paramref name="seq"/> with <paramref name="digest"/> is proved stable. The replica moves its window
    /// there if it has executed that far; if it cannot get there by executing (more than L behind, or a new-view starts
    /// above it) it moves the window anyway and fetches the state; otherwise it waits to execute up to it.
    /// </summary>
    private void OnStable(long seq, string digest, Checkpoint[] proof, bool fromNewView)
    {
        if (seq <= _low)
        {
            return;
        }

        _proofs[seq] = proof;
        if (LastExecuted >= seq)
        {
            if (_snapshots.TryGetValue(seq, out (PbftSnapshot State, string Digest) mine) && !string.Equals(mine.Digest, digest, StringComparison.Ordinal))
            {
                Observer.Broken(Index, Invariant($"r{Index}'s state at seq {seq} has digest {mine.Digest[..12]}, but a quorum signed {digest[..12]}"));
            }

            MoveWindow(seq);
        }
        else if (fromNewView || seq > LastExecuted + args.LogWindow)
        {
            MoveWindow(seq);
            _fetchTarget = Math.Max(_fetchTarget, seq);
            AskForState();
        }
        else
        {
            // Within reach: it should get there by executing. If it has not within a timeout (the messages it needs may
            // have been dropped, as a view it was not in, or beyond what it buffers), it fetches the state then.
            _fetchTarget = Math.Max(_fetchTarget, seq);
            if (!_fetchTimerRunning)
            {
                RestartFetchTimer();
            }
        }
    }

    /// <summary>The low watermark moves to <paramref name="seq"/>: everything at or below it is discarded; messages waiting above the old window are looked at again.</summary>
    private void MoveWindow(long seq)
    {
        _low = seq;
        Observer.Stable(Index, seq);
        RemoveWhere(_slots, k => k.Seq <= seq);
        RemoveWhere(_certificates, s => s <= seq);
        RemoveWhere(_committed, s => s <= seq);
        RemoveWhere(_snapshots, s => s < seq);
        RemoveWhere(_votes, s => s <= seq);
        RemoveWhere(_proofs, s => s < seq);
        foreach (PbftRequest done in _assigned.Values.Where(Executed).ToList())
        {
            _assigned.Remove(done.Key); // executed: a copy of it is answered from the last replies, never proposed again
        }

        _windowMoved = true;
    }

    /// <summary>Removes the entries whose key matches (every one: slots are sorted by view first, so a prefix would not do).</summary>
    private static void RemoveWhere<TKey, TValue>(SortedDictionary<TKey, TValue> table, Func<TKey, bool> match)
        where TKey : notnull
    {
        foreach (TKey key in table.Keys.Where(match).ToList())
        {
            table.Remove(key);
        }
    }

    /// <summary>After a message or timer that moved the window: messages buffered above it are handled again, and a primary proposes what waited for room.</summary>
    private void ReplayIfWindowMoved()
    {
        if (!_windowMoved)
        {
            return;
        }

        _windowMoved = false;
        ReplayFuture();
        if (IsPrimary && !ChangingView)
        {
            foreach (PbftRequest r in _pending.Values.ToList())
            {
                Propose(r);
            }
        }
    }

    /// <summary>A protocol message outside the window: at or below h it is stale (dropped); above h + L it waits in the buffer.</summary>
    private bool OutsideWindow(NodeId from, object message, long seq)
    {
        if (seq <= _low)
        {
            return true;
        }

        if (seq > _low + args.LogWindow)
        {
            Hold(from, message);
            return true;
        }

        return false;
    }

    /// <summary>Asks every replica for the state above what this one executed, and again after a timeout until it has it.</summary>
    private void AskForState()
    {
        if (!_fetchAsked)
        {
            _fetchAsked = true;
            Observer.FetchStarted(Index);
        }

        Broadcast(Signed(new FetchState(LastExecuted, Index)));
        RestartFetchTimer();
    }

    /// <summary>After executing or installing a state: once at the highest stable checkpoint known, the fetch timer stops.</summary>
    private void SettleFetch()
    {
        if (LastExecuted < _fetchTarget)
        {
            return;
        }

        _fetchAsked = false;
        if (_fetchTimerRunning)
        {
            CancelTimer(_fetchTimer);
            _fetchTimerRunning = false;
        }
    }

    private void RestartFetchTimer()
    {
        if (_fetchTimerRunning)
        {
            CancelTimer(_fetchTimer);
        }

        _fetchTimer = SetTimer(args.ViewChangeTimeout, FetchTimer.Instance);
        _fetchTimerRunning = true;
    }

    private void OnFetchTimer(TimerId timer)
    {
        if (!_fetchTimerRunning || timer != _fetchTimer)
        {
            return;
        }

        _fetchTimerRunning = false;
        if (LastExecuted < _fetchTarget)
        {
            AskForState(); // no valid state yet, or it did not get there by executing: ask (again)
        }
    }

    /// <summary>
    /// A replica asks for state above what it executed: answer with the state at this replica's stable checkpoint, if
    /// that is above, with its proof — once per checkpoint and asking replica (the link delivers it; a replica asking
    /// again and again gets nothing more until the checkpoint moves).
    /// </summary>
    private void OnFetchState(FetchState f)
    {
        if (f.Replica < 0 || f.Replica >= N || f.Replica == Index || _low <= f.Have || LastExecuted < _low
            || _stateSent.GetValueOrDefault(f.Replica) == _low
            || !_snapshots.TryGetValue(_low, out (PbftSnapshot State, string Digest) stable) || !_proofs.TryGetValue(_low, out Checkpoint[]? proof))
        {
            return;
        }

        _stateSent[f.Replica] = _low;
        SendSigned(new NodeId(f.Replica), new StateReply(_low, stable.State, proof, Index));
    }

    private void OnStateReply(StateReply r)
    {
        if (r.Seq <= LastExecuted)
        {
            return; // it has that state already (another reply came first)
        }

        string digest = r.State.Digest();
        if (!ValidProof(r.Seq, r.Proof, out string? proved) || !string.Equals(proved, digest, StringComparison.Ordinal))
        {
            Observer.Reject(Index, nameof(StateReply));
            return;
        }

        _kv.Clear();
        foreach (PbftValue v in r.State.Values)
        {
            _kv[v.Key] = v.Value;
        }

        _lastReply.Clear();
        foreach (PbftLastReply l in r.State.Replies)
        {
            _lastReply[l.Client] = (l.Timestamp, l.Result);
        }

        foreach (PbftRequest done in _pending.Values.Where(Executed).ToList())
        {
            _pending.Remove(done.Key);
        }

        LastExecuted = r.Seq;
        _snapshots[r.Seq] = (r.State, digest);
        Observer.StateTransferred(Index, r.Seq, digest);
        if (r.Seq > _low)
        {
            _proofs[r.Seq] = r.Proof;
            MoveWindow(r.Seq);
        }

        Execute(); // committed entries above the state, if any (and the fetch settles)
    }

    /// <summary>Whether <paramref name="r"/> (or a later request of its client) was executed.</summary>
    private bool Executed(PbftRequest r) => _lastReply.TryGetValue(r.Client, out (long Timestamp, string Result) last) && last.Timestamp >= r.Timestamp;

    /// <summary>
    /// Whether <paramref name="proof"/> proves checkpoint <paramref name="seq"/> stable: 0 with no messages (the initial
    /// state), or a quorum of checkpoints of <paramref name="seq"/> from distinct replicas, each validly signed by its
    /// replica, all with one digest (returned).
    /// </summary>
    private bool ValidProof(long seq, Checkpoint[] proof, out string? digest)
    {
        digest = null;
        if (seq == 0)
        {
            return proof.Length == 0;
        }

        if (seq < 0 || seq % args.CheckpointInterval != 0 || proof.Length < Quorum
            || proof.Select(c => c.Replica).Distinct().Count() != proof.Length
            || !proof.All(c => c.Seq == seq && c.Replica >= 0 && c.Replica < N && string.Equals(c.Digest, proof[0].Digest, StringComparison.Ordinal) && Verifies(c)))
        {
            return false;
        }

        digest = proof[0].Digest;
        return true;
    }

    /// <summary>The state of the fetch timer (the view-change timer has none).</summary>
    private sealed class FetchTimer
    {
        public static readonly FetchTimer Instance = new();
    }
}
