using DistSim.Nodes;

namespace DistSim.Samples.Byzantine;

/// <content>
/// View change: timers, view-change messages with the stable checkpoint's proof and the prepared certificates above it,
/// the new-view (which starts from the highest stable checkpoint among its view-changes, min-s) and its check.
/// </content>
public sealed partial class PbftReplica
{
    private readonly SortedDictionary<long, SortedDictionary<int, ViewChange>> _viewChanges = [];
    private readonly SortedSet<long> _newViewsSent = [];
    private TimerId _timer;
    private bool _timerRunning;
    private int _attempts;

    private void StartTimer()
    {
        if (!_timerRunning)
        {
            RestartTimer();
        }
    }

    private void RestartTimer()
    {
        StopTimer();
        _timer = SetTimer(TimeSpan.FromTicks(args.ViewChangeTimeout.Ticks << Math.Min(_attempts, 10)));
        _timerRunning = true;
    }

    private void StopTimer()
    {
        if (_timerRunning)
        {
            CancelTimer(_timer);
            _timerRunning = false;
        }
    }

    private void OnViewChangeTimer(TimerId timer)
    {
        if (!_timerRunning || timer != _timer)
        {
            return;
        }

        _timerRunning = false;
        if (ChangingView || _pending.Count > 0)
        {
            StartViewChange(View + 1); // a request waited too long, or the new-view did not come: the next view
        }
    }

    private void StartViewChange(long view)
    {
        View = view;
        ChangingView = true;
        _attempts++;
        Checkpoint[] proof = _low == 0 ? [] : _proofs[_low];
        ViewChange vc = Signed(new ViewChange(view, _low, proof, [.. _certificates.Where(kv => kv.Key > _low).Select(kv => kv.Value)], Index));
        RemoveWhere(_viewChanges, v => v < view);
        AddViewChange(vc);
        Observer.ViewChangeSent(Index);
        Broadcast(vc);
        RestartTimer();
        TrySendNewView(view);
    }

    /// <summary>
    /// Keeps a replica's view-change for a view at or above this one: only its highest (an honest replica asks for
    /// views in increasing order, and one that asked for a higher view takes no part in a lower one), so the table holds
    /// at most n view-changes whatever a faulty replica sends. False when it is not kept (one of a lower or the same view
    /// is there already).
    /// </summary>
    private bool AddViewChange(ViewChange vc)
    {
        long[] mine = [.. _viewChanges.Where(kv => kv.Value.ContainsKey(vc.Replica)).Select(kv => kv.Key)];
        if (mine.Any(v => v >= vc.View))
        {
            return false;
        }

        foreach (long v in mine)
        {
            SortedDictionary<int, ViewChange> older = _viewChanges[v];
            older.Remove(vc.Replica);
            if (older.Count == 0)
            {
                _viewChanges.Remove(v);
            }
        }

        if (!_viewChanges.TryGetValue(vc.View, out SortedDictionary<int, ViewChange>? set))
        {
            _viewChanges[vc.View] = set = [];
        }

        set[vc.Replica] = vc;
        return true;
    }

    private void OnViewChange(ViewChange vc)
    {
        if (!ValidViewChange(vc, out string? digest))
        {
            Observer.Reject(Index, nameof(ViewChange));
            return;
        }

        if (vc.Stable > 0)
        {
            OnStable(vc.Stable, digest!, vc.StableProof, fromNewView: false); // a proof is a proof, whoever carries it
        }

        if (vc.View < View || (vc.View == View && !ChangingView))
        {
            return; // an old view
        }

        if (!AddViewChange(vc))
        {
            return;
        }

        // f + 1 replicas ask for views above this one: at least one honest replica does, so join the least of them.
        int[] ahead = [.. _viewChanges.Where(kv => kv.Key > View).SelectMany(kv => kv.Value.Keys).Distinct()];
        if (ahead.Length >= F + 1)
        {
            StartViewChange(_viewChanges.Keys.First(v => v > View));
            return;
        }

        TrySendNewView(vc.View);
    }

    private void TrySendNewView(long view)
    {
        if (PrimaryOf(view) != Index || view != View || !ChangingView || _newViewsSent.Contains(view)
            || !_viewChanges.TryGetValue(view, out SortedDictionary<int, ViewChange>? set) || set.Count < Quorum)
        {
            return;
        }

        _newViewsSent.Add(view);
        ViewChange[] proof = [.. set.Values.Take(Quorum)];
        PrePrepare[] o = [.. Reproposals(view, proof).Select(p => Signed(p))];
        NewView nv = Signed(new NewView(view, proof, o, Index));
        Observer.NewViewSent(Index);
        Broadcast(nv);
        EnterView(view, proof, o);
    }

    /// <summary>The view-change among <paramref name="proof"/> with the highest stable checkpoint (min-s): the first of them, by replica.</summary>
    private static ViewChange HighestStable(ViewChange[] proof) => proof.OrderByDescending(v => v.Stable).ThenBy(v => v.Replica).First();

    /// <summary>
    /// The pre-prepares of the new view that a quorum of view-changes imply (unsigned): for each sequence number above min-s
    /// (the highest stable checkpoint among them) up to the highest in a prepared certificate (max-s), the request of
    /// the certificate of the highest view, or the null request.
    /// </summary>
    private IEnumerable<PrePrepare> Reproposals(long view, ViewChange[] proof)
    {
        long min = HighestStable(proof).Stable;
        PreparedCertificate[] all = [.. proof.SelectMany(v => v.Prepared).Where(c => c.PrePrepare.Seq > min)];
        long max = all.Length == 0 ? min : all.Max(c => c.PrePrepare.Seq);
        for (long s = min + 1; s <= max; s++)
        {
            PreparedCertificate? best = all.Where(c => c.PrePrepare.Seq == s).OrderByDescending(c => c.PrePrepare.View).FirstOrDefault();
            yield return new PrePrepare(view, s, best?.PrePrepare.Request, PrimaryOf(view));
        }
    }

    private void OnNewView(NewView nv)
    {
        if (nv.View < View || (nv.View == View && !ChangingView))
        {
            return;
        }

        bool valid = nv.Replica == PrimaryOf(nv.View)
            && nv.ViewChanges.Length >= Quorum
            && nv.ViewChanges.Select(v => v.Replica).Distinct().Count() == nv.ViewChanges.Length
            && nv.ViewChanges.All(v => v.View == nv.View && Verifies(v) && ValidViewChange(v, out _))
            && nv.PrePrepares.All(p => p.View == nv.View && p.Replica == nv.Replica && Verifies(p))
            && nv.PrePrepares.Select(p => (p.Seq, p.Digest)).SequenceEqual(Reproposals(nv.View, nv.ViewChanges).Select(p => (p.Seq, p.Digest)));
        if (!valid)
        {
            Observer.Reject(Index, nameof(NewView));
            return;
        }

        EnterView(nv.View, nv.ViewChanges, nv.PrePrepares);
    }

    /// <summary>
    /// Enters <paramref name="view"/>: the new-view's starting checkpoint (min-s) becomes stable here too — fetching its
    /// state if this replica has not executed that far — and its pre-prepares are accepted.
    /// </summary>
    private void EnterView(long view, ViewChange[] proof, PrePrepare[] o)
    {
        View = view;
        ChangingView = false;
        _attempts = 0;
        ViewChange start = HighestStable(proof);
        Observer.EnteredView(Index, view, start.Stable);
        RemoveWhere(_viewChanges, v => v <= view);
        _newViewsSent.RemoveWhere(v => v < view);
        foreach ((long v, long s) in _slots.Keys.Where(k => k.View < view).ToList())
        {
            _slots.Remove((v, s));
        }

        if (start.Stable > 0 && ValidProof(start.Stable, start.StableProof, out string? digest))
        {
            OnStable(start.Stable, digest!, start.StableProof, fromNewView: true);
        }

        _assigned.Clear();
        _nextSeq = Math.Max(o.Length == 0 ? start.Stable : o[^1].Seq, LastExecuted); // o runs from min-s + 1 to max-s
        foreach (PrePrepare pp in o)
        {
            Accept(pp);
        }

        ReplayFuture();

        if (IsPrimary)
        {
            foreach (PbftRequest r in _pending.Values.ToList())
            {
                Propose(r);
            }
        }

        if (_pending.Count > 0)
        {
            RestartTimer();
        }
        else
        {
            StopTimer();
        }
    }

    /// <summary>The messages waiting for a later view or a moved window are handled again: checked again, an old one dropped, one still ahead kept.</summary>
    private void ReplayFuture()
    {
        (NodeId From, object Message)[] waiting = [.. _future];
        _future.Clear();
        _futureBySender.Clear();
        foreach ((NodeId from, object message) in waiting)
        {
            OnMessage(from, message);
        }
    }

    /// <summary>
    /// A view-change's stable checkpoint is proved (its digest returned; null for 0) and each prepared certificate is
    /// valid, for a number above that checkpoint and within the window above it.
    /// </summary>
    private bool ValidViewChange(ViewChange vc, out string? digest) =>
        ValidProof(vc.Stable, vc.StableProof, out digest)
        && vc.Prepared.All(c => c.PrePrepare.Seq > vc.Stable && c.PrePrepare.Seq <= vc.Stable + args.LogWindow && ValidCertificate(c));

    private bool Verifies(IPbftSigned m) => m.Sig is { } sig && sig.Signer.Value == m.Signer && Context.Verify(m.Unsigned(), sig);

    private bool ValidCertificate(PreparedCertificate c)
    {
        PrePrepare pp = c.PrePrepare;
        int primary = PrimaryOf(pp.View);
        return pp.Replica == primary && Verifies(pp) && (pp.Request is not { } r || ValidRequest(r))
            && c.Prepares.Select(p => p.Replica).Distinct().Count() == c.Prepares.Length
            && c.Prepares.Length >= Quorum - 1
            && c.Prepares.All(p => p.View == pp.View && p.Seq == pp.Seq && string.Equals(p.Digest, pp.Digest, StringComparison.Ordinal) && p.Replica != primary && Verifies(p));
    }
}
