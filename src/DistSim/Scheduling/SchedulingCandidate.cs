using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Scheduling;

/// <summary>An event that may run at this step, as <see cref="SchedulerRun.Choose"/> sees it.</summary>
public readonly struct SchedulingCandidate
{
    internal SchedulingCandidate(SchedulingEventKind kind, NodeId? node, NodeId? sender, SimTime due)
    {
        Kind = kind;
        Node = node;
        Sender = sender;
        Due = due;
    }

    /// <summary>What the event does.</summary>
    public SchedulingEventKind Kind { get; }

    /// <summary>The node that handles the event (a packet's receiver); null for a scripted action of the simulation.</summary>
    public NodeId? Node { get; }

    /// <summary>A packet's sender; null for any other event.</summary>
    public NodeId? Sender { get; }

    /// <summary>
    /// The node whose step this is, for strategies that schedule nodes as threads: a packet's sender (its delivery is
    /// the network acting for the sender), the handling node for every other event; null for a scripted action of the
    /// simulation.
    /// </summary>
    public NodeId? Owner => Sender ?? Node;

    /// <summary>When the event is due: the instant it runs at if picked now (a postponed packet is due at the instant it was postponed to).</summary>
    public SimTime Due { get; }

    /// <summary>For diagnostics: kind, node and time.</summary>
    public override string ToString() => Sender is { } s ? $"{Kind} {s}->{Node} at {Due}" : $"{Kind} {Node?.ToString() ?? "simulation"} at {Due}";
}
