using DistSim.Nodes;

namespace DistSim.Samples.Byzantine;

/// <content>View change: timers, view-change messages with prepared certificates, the new-view and its check.</content>
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
        ViewChange vc = Signed(new ViewChange(view, [.. _certificates.Values], Index));
        ViewChanges(view)[Index] = vc;
        Observer.ViewChangeSent(Index);
        Broadcast(vc);
        RestartTimer();
        TrySendNewView(view);
    }

    private SortedDictionary<int, ViewChange> ViewChanges(long view)
    {
        if (!_viewChanges.TryGetValue(view, out SortedDictionary<int, ViewChange>? set))
        {
            _viewChanges[view] = set = [];
        }

        return set;
    }

    private void OnViewChange(ViewChange vc)
    {
        if (!vc.Prepared.All(ValidCertificate))
        {
            Observer.Reject(Index, nameof(ViewChange));
            return;
        }

        if (vc.View < View || (vc.View == View && !ChangingView))
        {
            return; // an old view
        }

        ViewChanges(vc.View).TryAdd(vc.Replica, vc);

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
            || !_viewChanges.TryGetValue(view, out SortedDictionary<int, ViewChange>? set) || set.Count < (2 * F) + 1)
        {
            return;
        }

        _newViewsSent.Add(view);
        ViewChange[] proof = [.. set.Values.Take((2 * F) + 1)];
        PrePrepare[] o = [.. Reproposals(view, proof).Select(p => Signed(p))];
        NewView nv = Signed(new NewView(view, proof, o, Index));
        Observer.NewViewSent(Index);
        Broadcast(nv);
        EnterView(view, o);
    }

    /// <summary>
    /// The pre-prepares of the new view that 2f + 1 view-changes imply (unsigned): for each sequence number up to the
    /// highest in a prepared certificate, the request of the certificate of the highest view, or the null request.
    /// </summary>
    private IEnumerable<PrePrepare> Reproposals(long view, ViewChange[] proof)
    {
        PreparedCertificate[] all = [.. proof.SelectMany(v => v.Prepared)];
        long max = all.Length == 0 ? 0 : all.Max(c => c.PrePrepare.Seq);
        for (long s = 1; s <= max; s++)
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
            && nv.ViewChanges.Length >= (2 * F) + 1
            && nv.ViewChanges.Select(v => v.Replica).Distinct().Count() == nv.ViewChanges.Length
            && nv.ViewChanges.All(v => v.View == nv.View && Verifies(v) && v.Prepared.All(ValidCertificate))
            && nv.PrePrepares.All(p => p.View == nv.View && p.Replica == nv.Replica && Verifies(p))
            && nv.PrePrepares.Select(p => (p.Seq, p.Digest)).SequenceEqual(Reproposals(nv.View, nv.ViewChanges).Select(p => (p.Seq, p.Digest)));
        if (!valid)
        {
            Observer.Reject(Index, nameof(NewView));
            return;
        }

        EnterView(nv.View, nv.PrePrepares);
    }

    private void EnterView(long view, PrePrepare[] o)
    {
        View = view;
        ChangingView = false;
        _attempts = 0;
        Observer.EnteredView(Index, view);
        foreach ((long v, long s) in _slots.Keys.Where(k => k.View < view).ToList())
        {
            _slots.Remove((v, s));
        }

        _assigned.Clear();
        _nextSeq = Math.Max(o.Length, LastExecuted);
        foreach (PrePrepare pp in o)
        {
            Accept(pp);
        }

        (NodeId From, object Message)[] waiting = [.. _future];
        _future.Clear();
        foreach ((NodeId from, object message) in waiting)
        {
            OnMessage(from, message); // checked again; an earlier view's message is dropped, a later one waits again
        }

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

    private bool Verifies(IPbftSigned m) => m.Sig is { } sig && sig.Signer.Value == m.Signer && Context.Verify(m.Unsigned(), sig);

    private bool ValidCertificate(PreparedCertificate c)
    {
        PrePrepare pp = c.PrePrepare;
        int primary = PrimaryOf(pp.View);
        return pp.Replica == primary && Verifies(pp) && (pp.Request is not { } r || ValidRequest(r))
            && c.Prepares.Select(p => p.Replica).Distinct().Count() == c.Prepares.Length
            && c.Prepares.Length >= 2 * F
            && c.Prepares.All(p => p.View == pp.View && p.Seq == pp.Seq && string.Equals(p.Digest, pp.Digest, StringComparison.Ordinal) && p.Replica != primary && Verifies(p));
    }
}
