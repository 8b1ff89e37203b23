namespace DistSim.Scheduling;

/// <summary>What a <see cref="SchedulingCandidate"/> does when it runs.</summary>
public enum SchedulingEventKind
{
    /// <summary>A node starts (or recovers).</summary>
    Start,

    /// <summary>A packet arrives at its receiver (the only kind the kernel postpones past another instant).</summary>
    Packet,

    /// <summary>A node's timer fires.</summary>
    Timer,

    /// <summary>A link session's timer (retransmission) fires.</summary>
    LinkTimer,

    /// <summary>A scripted action of <see cref="Simulation.At(Time.SimTime, Action)"/> runs; it belongs to no node.</summary>
    Action,

    /// <summary>A scripted action runs inside a node (<see cref="Simulation.At{TNode}"/>).</summary>
    NodeAction,

    /// <summary>Node code resumes after an await.</summary>
    Continuation,
}
