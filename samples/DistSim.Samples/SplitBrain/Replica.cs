using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Samples.SplitBrain;

/// <summary>The primary's heartbeat.</summary>
/// <param name="Term">The sender's term.</param>
/// <param name="SentAt">When it was sent (the lease is counted from here).</param>
public sealed record Heartbeat(int Term, SimTime SentAt);

/// <summary>The backup's answer to a heartbeat: it grants the sender a lease until <c>SentAt + lease</c>.</summary>
/// <param name="Term">The term acknowledged.</param>
/// <param name="SentAt">The heartbeat's send time.</param>
public sealed record HeartbeatAck(int Term, SimTime SentAt);

/// <summary>"I am the primary of this term": tells an older primary to step down.</summary>
/// <param name="Term">The new term.</param>
public sealed record Takeover(int Term);

/// <summary>A client's write.</summary>
/// <param name="Id">Its number.</param>
public sealed record Write(int Id);

/// <summary>A replica accepted a write (two of these for one write id, from different replicas, are the split brain in the trace).</summary>
/// <param name="Id">The write.</param>
/// <param name="Term">The accepting replica's term.</param>
public sealed record WriteAck(int Id, int Term);

/// <summary>The timing both replicas use.</summary>
/// <param name="Heartbeat">Heartbeat interval.</param>
/// <param name="Takeover">A backup takes over after this long without a heartbeat.</param>
/// <param name="Lease">A lease lasts this long from the send time of the acknowledged heartbeat; null: no leases.</param>
public sealed record Timing(TimeSpan Heartbeat, TimeSpan Takeover, TimeSpan? Lease);

/// <summary>
/// One of two replicas: the primary heartbeats; the backup takes over, in a higher term, when heartbeats stop
/// for <see cref="Timing.Takeover"/>; a primary steps down when it hears a higher term. Without leases a
/// primary serves writes as long as it believes it is primary; with leases only while its lease — granted
/// by the backup's acknowledgements and shorter than the takeover timeout — runs.
/// </summary>
/// <param name="startsAsPrimary">Node 0 starts as the primary.</param>
/// <param name="peer">The other replica.</param>
/// <param name="timing">The timing.</param>
/// <param name="onAccept">Called when this replica accepts a write (the scenario's observer checks for a second primary).</param>
public sealed class Replica(bool startsAsPrimary, NodeId peer, Timing timing, Action<Replica> onAccept) : Node
{
    private SimTime _lastHeard;
    private SimTime _leaseExpiry;

    /// <summary>True while it believes it is the primary.</summary>
    public bool IsPrimary { get; private set; }

    /// <summary>Its term.</summary>
    public int Term { get; private set; }

    /// <summary>How often it took over as primary.</summary>
    public int Takeovers { get; private set; }

    /// <summary>Writes it accepted.</summary>
    public int Accepted { get; private set; }

    /// <summary>Whether it would accept a write at <paramref name="now"/>.</summary>
    public bool IsServing(SimTime now) => IsPrimary && (timing.Lease is null || now < _leaseExpiry);

    /// <inheritdoc />
    public override void OnStart()
    {
        IsPrimary = startsAsPrimary;
        _lastHeard = LocalNow;
        SetTimer(timing.Heartbeat, "beat");
        SetTimer(TimeSpan.FromMilliseconds(10), "check");
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if ((string?)state == "beat")
        {
            if (IsPrimary)
            {
                Send(peer, new Heartbeat(Term, LocalNow));
            }

            SetTimer(timing.Heartbeat, "beat");
            return;
        }

        if (!IsPrimary && LocalNow - _lastHeard > timing.Takeover)
        {
            IsPrimary = true;
            Term++;
            Takeovers++;
            _leaseExpiry = LocalNow; // a new primary serves only once the other side grants it a lease
            Send(peer, new Takeover(Term));
        }

        SetTimer(TimeSpan.FromMilliseconds(10), "check");
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case Heartbeat h when h.Term >= Term:
                StepDown(h.Term);
                Send(from, new HeartbeatAck(h.Term, h.SentAt));
                break;
            case Heartbeat:
                Send(from, new Takeover(Term)); // an older primary: tell it
                break;
            case HeartbeatAck a when IsPrimary && a.Term == Term && timing.Lease is { } lease:
                if (a.SentAt + lease > _leaseExpiry)
                {
                    _leaseExpiry = a.SentAt + lease;
                }

                break;
            case Takeover t when t.Term > Term:
                StepDown(t.Term);
                break;
            case Write w when IsServing(LocalNow):
                Accepted++;
                onAccept(this);
                Send(from, new WriteAck(w.Id, Term));
                break;
        }
    }

    private void StepDown(int term)
    {
        IsPrimary = false;
        Term = term;
        _lastHeard = LocalNow;
    }
}
