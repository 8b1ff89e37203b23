using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Samples.LongDelays;

/// <summary>The active's heartbeat to the passive.</summary>
/// <param name="Epoch">The sender's epoch.</param>
/// <param name="SentAt">When it was sent (the trace shows how long the freeze held it).</param>
public sealed record Beat(int Epoch, SimTime SentAt);

/// <summary>"I am the active of this epoch": tells an older active to step down.</summary>
/// <param name="Epoch">The new epoch.</param>
public sealed record Promote(int Epoch);

/// <summary>A client's write to whichever node is active.</summary>
/// <param name="Id">Its number.</param>
public sealed record ClientWrite(int Id);

/// <summary>An active node's write to the shared disk, with its epoch (the fencing token).</summary>
/// <param name="Id">The client's write.</param>
/// <param name="Epoch">The writer's epoch.</param>
public sealed record DiskWrite(int Id, int Epoch);

/// <summary>The disk stored a write.</summary>
/// <param name="Id">The write.</param>
/// <param name="Epoch">The writer's epoch.</param>
public sealed record Stored(int Id, int Epoch);

/// <summary>The disk refused a write: its epoch is older than the disk's fence.</summary>
/// <param name="Id">The write.</param>
/// <param name="Epoch">The writer's (stale) epoch.</param>
/// <param name="Fence">The disk's fence.</param>
public sealed record Refused(int Id, int Epoch, int Fence);

/// <summary>STONITH by token: a new active tells the disk to refuse every epoch below <paramref name="Epoch"/>.</summary>
/// <param name="Epoch">The new active's epoch.</param>
public sealed record Fence(int Epoch);

/// <summary>The disk raised its fence.</summary>
/// <param name="Epoch">The fence now in force.</param>
public sealed record Fenced(int Epoch);

/// <summary>
/// One node of a heartbeat-based active/passive pair (Pacemaker-style): the active heartbeats every
/// <paramref name="heartbeat"/>; the passive promotes itself, in a higher epoch, after <paramref name="takeover"/> without
/// one and tells the other; an active steps down when it hears a higher epoch. An active serves clients' writes by
/// writing them to the shared disk with its epoch. With <paramref name="fencing"/> a new active first fences the old one
/// at the disk (the disk then refuses older epochs) and serves only once the disk confirms.
/// </summary>
/// <param name="startsActive">Node 0 starts as the active.</param>
/// <param name="peer">The other node of the pair.</param>
/// <param name="disk">The shared disk.</param>
/// <param name="heartbeat">The heartbeat interval.</param>
/// <param name="takeover">The passive takes over after this long without a heartbeat.</param>
/// <param name="fencing">Whether a new active fences the old one before serving.</param>
public sealed class PairNode(bool startsActive, NodeId peer, NodeId disk, TimeSpan heartbeat, TimeSpan takeover, bool fencing) : Node
{
    private SimTime _lastHeard;
    private bool _fenced;

    /// <summary>True while it believes it is the active.</summary>
    public bool IsActive { get; private set; }

    /// <summary>True while it is active and allowed to serve (with fencing: once the disk confirmed its fence).</summary>
    public bool IsServing { get; private set; }

    /// <summary>Its epoch.</summary>
    public int Epoch { get; private set; }

    /// <summary>How often it promoted itself.</summary>
    public int Takeovers { get; private set; }

    /// <summary>True once the disk refused it, until it hears the new active's heartbeat (STONITH: shot, rebooted, waiting to rejoin).</summary>
    public bool IsFenced => _fenced;

    /// <summary>Writes of its own the disk refused.</summary>
    public int RefusedWrites { get; private set; }

    /// <inheritdoc />
    public override void OnStart()
    {
        IsActive = IsServing = startsActive;
        _lastHeard = LocalNow;
        SetTimer(heartbeat, "beat");
        SetTimer(TimeSpan.FromMilliseconds(100), "check");
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if ((string?)state == "beat")
        {
            if (IsActive)
            {
                Send(peer, new Beat(Epoch, LocalNow));
            }

            SetTimer(heartbeat, "beat");
            return;
        }

        if (!IsActive && !_fenced && LocalNow - _lastHeard > takeover)
        {
            IsActive = true;
            Epoch++;
            Takeovers++;
            Send(peer, new Promote(Epoch));
            if (fencing)
            {
                Send(disk, new Fence(Epoch)); // shoot the other node first; serve once the disk confirms
            }
            else
            {
                IsServing = true;
            }
        }

        SetTimer(TimeSpan.FromMilliseconds(100), "check");
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case Beat b when b.Epoch >= Epoch:
                StepDown(b.Epoch);
                _fenced = false; // back in the cluster, as the passive
                break;
            case Beat:
                Send(from, new Promote(Epoch)); // an older active: tell it
                break;
            case Promote p when p.Epoch > Epoch:
                StepDown(p.Epoch);
                break;
            case Fenced f when IsActive && f.Epoch == Epoch:
                IsServing = true;
                break;
            case ClientWrite w when IsServing:
                Send(disk, new DiskWrite(w.Id, Epoch));
                break;
            case Refused r when r.Epoch == Epoch:
                RefusedWrites++;
                StepDown(r.Fence); // the disk says someone newer holds the fence: this node has been shot
                _fenced = true;
                break;
        }
    }

    private void StepDown(int epoch)
    {
        IsActive = IsServing = false;
        Epoch = Math.Max(Epoch, epoch);
        _lastHeard = LocalNow;
    }
}

/// <summary>
/// The shared disk: stores every write; with fencing it keeps the highest epoch it was fenced at and refuses writes of
/// older epochs.
/// </summary>
/// <param name="onStored">Called for every stored write (the scenario's observer).</param>
public sealed class SharedDisk(Action<NodeId, DiskWrite> onStored) : Node
{
    /// <summary>The fence in force: writes of older epochs are refused.</summary>
    public int FenceEpoch { get; private set; }

    /// <summary>How many writes it refused.</summary>
    public int Refusals { get; private set; }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case Fence f:
                FenceEpoch = Math.Max(FenceEpoch, f.Epoch);
                Send(from, new Fenced(FenceEpoch));
                break;
            case DiskWrite w when w.Epoch < FenceEpoch:
                Refusals++;
                Send(from, new Refused(w.Id, w.Epoch, FenceEpoch));
                break;
            case DiskWrite w:
                onStored(from, w);
                Send(from, new Stored(w.Id, w.Epoch));
                break;
        }
    }
}
