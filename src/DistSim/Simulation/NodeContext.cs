using DistSim.Nodes;
using DistSim.Random;
using DistSim.Storage;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim;

/// <summary>A node's view of the simulation; forwards every action to the scheduler.</summary>
internal sealed class NodeContext(Simulation simulation, NodeId id, NodeRecord record, ILogger logger) : INodeContext
{
    public NodeId Id { get; } = id;

    public string Name => record.Name;

    public IReadOnlyList<NodeId> Nodes => simulation.Nodes;

    public SimTime LocalNow => simulation.Now;

    public RandomStream Random => record.Random;

    public ILogger Logger { get; } = logger;

    public DurableStorage Storage => record.Storage;

    public int Incarnation => record.Incarnation;

    public long Send(NodeId to, object message) => simulation.SendFrom(Id.Value, to, message);

    public TimerId SetTimer(TimeSpan delay, object? state = null) => simulation.SetTimerFor(Id.Value, delay, state);

    public bool CancelTimer(TimerId timer) => simulation.CancelTimerOf(Id.Value, timer);
}
