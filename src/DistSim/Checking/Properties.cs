using System.Globalization;
using DistSim.Time;

namespace DistSim.Checking;

/// <summary>What a property registered on a <see cref="Simulation"/> (or marked from node code) claims.</summary>
public enum PropertyKind
{
    /// <summary>A safety property: the predicate holds after every event (<see cref="Simulation.Always"/>).</summary>
    Always,

    /// <summary>A bounded liveness property: the predicate holds at some instant of a window (<see cref="Simulation.Eventually"/>).</summary>
    Eventually,

    /// <summary>A coverage goal: the predicate or marker held at least once (<see cref="Simulation.Sometimes"/>, <see cref="Nodes.INodeContext.Sometimes"/>).</summary>
    Sometimes,

    /// <summary>A marker that must never be reached (<see cref="Nodes.INodeContext.Unreachable"/>).</summary>
    Unreachable,
}

/// <summary>Where the window of an <see cref="Simulation.Eventually"/> property opens.</summary>
public enum EventuallyFrom
{
    /// <summary>At registration (time 0 when registered before the run): sound only when nothing delays the system indefinitely.</summary>
    Start,

    /// <summary>
    /// At the global stabilisation time of a partially synchronous timing model (<see cref="Simulation.Gst"/>); at 0 under
    /// the synchronous model. Refused under models that bound no delay (<see cref="Timing.TimingModel.DelayBound"/> null:
    /// asynchronous, unbounded): there, no bound on "eventually" counted from GST is sound.
    /// </summary>
    Gst,

    /// <summary>
    /// At the first instant, at or after <see cref="Simulation.FaultsEnd"/>, at which no node is paused, no crashed node
    /// waits for a scheduled restart, and the network has no partition or cut. Crash-stopped nodes (no restart pending)
    /// do not hold the window shut: liveness is owed by the correct nodes.
    /// </summary>
    FaultsEnd,

    /// <summary>The later of <see cref="Gst"/> and <see cref="FaultsEnd"/>: partial synchrony with faults.</summary>
    GstAndFaultsEnd,
}

/// <summary>Where a property stands.</summary>
public enum PropertyStatus
{
    /// <summary>An <see cref="PropertyKind.Always"/> property held after every event so far; an <see cref="PropertyKind.Unreachable"/> marker was not reached.</summary>
    Holding,

    /// <summary>An <see cref="PropertyKind.Eventually"/> or <see cref="PropertyKind.Sometimes"/> property held at <see cref="PropertyState.Time"/>.</summary>
    Satisfied,

    /// <summary>Not decided yet: an <see cref="PropertyKind.Eventually"/> window not closed (or not yet open), a <see cref="PropertyKind.Sometimes"/> never true so far.</summary>
    Pending,

    /// <summary>The run showed the property false: the run stopped there (<see cref="RunOutcome.PropertyViolated"/>).</summary>
    Violated,
}

/// <summary>One property of a simulation and where it stands.</summary>
/// <param name="Name">The name it was registered (or marked) with.</param>
/// <param name="Kind">What it claims.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Time">When it was satisfied or violated (the deadline for a missed <see cref="PropertyKind.Eventually"/>); null otherwise.</param>
/// <param name="WindowOpened">For <see cref="PropertyKind.Eventually"/>: when its window opened; null while shut.</param>
/// <param name="Hits">For markers: how many times node code reached it (for <see cref="PropertyKind.Sometimes"/>, with its condition true or not).</param>
public sealed record PropertyState(string Name, PropertyKind Kind, PropertyStatus Status, SimTime? Time, SimTime? WindowOpened, long Hits)
{
    /// <inheritdoc />
    public override string ToString()
    {
        string kind = Kind.ToString().ToLowerInvariant();
        string at = Time is { } t ? string.Create(CultureInfo.InvariantCulture, $" at {t}") : string.Empty;
        return $"{kind} \"{Name}\": {Status.ToString().ToLowerInvariant()}{at}";
    }
}

/// <summary>
/// A property registered on a simulation was found false: an <see cref="Simulation.Always"/> predicate after an event,
/// an <see cref="Simulation.Eventually"/> window that closed, or an <see cref="Nodes.INodeContext.Unreachable"/> marker
/// reached. Carried as the inner exception of the run's <see cref="Diagnostics.SimulationFailureException"/>; its message
/// lists the last events of the trace before the violation.
/// </summary>
public sealed class PropertyViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="property">The property's name.</param>
    /// <param name="kind">What it claimed.</param>
    /// <param name="message">What was seen, with the last events.</param>
    /// <param name="lastEvents">The last events of the trace before the violation, oldest first (empty when the trace is not kept).</param>
    public PropertyViolationException(string property, PropertyKind kind, string message, IReadOnlyList<string> lastEvents)
        : base(message)
    {
        Property = property;
        Kind = kind;
        LastEvents = lastEvents;
    }

    /// <summary>The property's name.</summary>
    public string Property { get; }

    /// <summary>What it claimed.</summary>
    public PropertyKind Kind { get; }

    /// <summary>The last events of the trace before the violation, oldest first, one line each (empty when the trace is not kept).</summary>
    public IReadOnlyList<string> LastEvents { get; }
}
