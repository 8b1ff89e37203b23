using System.Globalization;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Diagnostics;

/// <summary>
/// Node code (or a scripted <see cref="Simulation.At(Time.SimTime, Action)"/> action) threw during a run, or misused the
/// simulation. Carries everything needed to reproduce it: the seed, the virtual time, the node (none
/// for a scripted action), the event that triggered the handler, and the trace so far.
/// </summary>
/// <remarks>The message starts with the seed and says how to replay (as madsim and TigerBeetle do).</remarks>
public sealed class SimulationFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="seed">The master seed of the run.</param>
    /// <param name="time">Virtual time of the failing event.</param>
    /// <param name="node">The node whose code threw; null for a scripted action.</param>
    /// <param name="nodeName">That node's name (<c>simulation</c> for a scripted action).</param>
    /// <param name="eventIndex">The trace index of the triggering event (its position in the run).</param>
    /// <param name="eventDescription">The triggering event in words.</param>
    /// <param name="trace">The trace so far.</param>
    /// <param name="innerException">What the node threw.</param>
    public SimulationFailureException(
        ulong seed, SimTime time, NodeId? node, string nodeName, long eventIndex, string eventDescription, Trace trace, Exception innerException)
        : base(Describe(seed, time, nodeName, eventDescription, innerException), innerException)
    {
        Seed = seed;
        Time = time;
        Node = node;
        NodeName = nodeName;
        EventIndex = eventIndex;
        EventDescription = eventDescription;
        Trace = trace;
    }

    /// <summary>The master seed: replay with the same seed to reproduce.</summary>
    public ulong Seed { get; }

    /// <summary>Virtual time of the failing event.</summary>
    public SimTime Time { get; }

    /// <summary>The node whose code threw; null when a scripted <see cref="Simulation.At(Time.SimTime, Action)"/> action threw.</summary>
    public NodeId? Node { get; }

    /// <summary>The name of that node.</summary>
    public string NodeName { get; }

    /// <summary>Trace index of the event whose handler threw.</summary>
    public long EventIndex { get; }

    /// <summary>The event whose handler threw, e.g. <c>deliver message 3 from A1</c>.</summary>
    public string EventDescription { get; }

    /// <summary>The trace up to and including the fault.</summary>
    public Trace Trace { get; }

    private static string Describe(ulong seed, SimTime time, string nodeName, string eventDescription, Exception inner) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"seed={seed} time={time} node={nodeName} event=\"{eventDescription}\": {inner.GetType().Name}: {inner.Message} " +
            $"(reproduce with seed={seed})");
}
