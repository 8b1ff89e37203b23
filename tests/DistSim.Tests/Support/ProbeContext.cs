using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Tests.Support;

/// <summary>
/// A node context for reading, not acting: enough for code that only derives something from it (a detector's
/// bound, a node's clock). Sending, timers, signing and faults are refused.
/// </summary>
public sealed class ProbeContext(NodeId id, string name, IReadOnlyList<NodeId> nodes, Func<SimTime> localNow, DistSim.Storage.DurableStorage storage, Func<int> incarnation)
    : INodeContext
{
    /// <summary>A context of no simulation: node 0, no peers, time zero.</summary>
    public ProbeContext()
        : this(default, "probe", [], () => default, new DistSim.Storage.DurableStorage(), () => 1)
    {
    }

    /// <summary>The view of <paramref name="node"/> in <paramref name="sim"/>: its name, clock, storage and incarnation.</summary>
    public static ProbeContext Of(Simulation sim, NodeId node) =>
        new(node, sim.NodeName(node), sim.Nodes, () => sim.LocalNowOf(node), sim.StorageOf(node), () => sim.IncarnationOf(node));

    public NodeId Id => id;

    public string Name => name;

    public IReadOnlyList<NodeId> Nodes => nodes;

    public SimTime LocalNow => localNow();

    public DistSim.Random.RandomStream Random { get; } = new(0);

    public Microsoft.Extensions.Logging.ILogger Logger => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public DistSim.Storage.DurableStorage Storage => storage;

    public int Incarnation => incarnation();

    public TimeProvider TimeProvider => new NodeTimeProvider(this);

    public List<(string Name, bool Condition)> Markers { get; } = [];

    public void Sometimes(string name, bool condition = true) => Markers.Add((name, condition));

    public void Unreachable(string name, string? detail = null) => Markers.Add((name, false));

    public DistSim.Security.Signature Sign(object message) => throw new NotSupportedException();

    public bool Verify(object message, DistSim.Security.Signature? signature) => false;

    public void RecordFault(DistSim.Failures.FaultKinds kind, string description) => throw new NotSupportedException();

    public long Send(NodeId to, object message) => throw new NotSupportedException();

    public TimerId SetTimer(TimeSpan delay, object? state = null) => throw new NotSupportedException();

    public bool CancelTimer(TimerId timer) => false;
}
