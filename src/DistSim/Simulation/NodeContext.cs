using DistSim.Nodes;
using DistSim.Failures;
using DistSim.Random;
using DistSim.Security;
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

    public SimTime LocalNow => simulation.LocalNowFor(record);

    public RandomStream Random => record.Random;

    public ILogger Logger { get; } = logger;

    public DurableStorage Storage => record.Storage;

    public int Incarnation => record.Incarnation;

    public long Send(NodeId to, object message) => simulation.SendFrom(Id.Value, to, message);

    /// <summary>A Byzantine node's forgery: a packet on the (claimed → to) path that this node made up.</summary>
    internal void SendForged(NodeId claimed, NodeId to, object message) => simulation.SendForged(Id.Value, claimed, to, message);

    public Signature Sign(object message) => simulation.Signatures.Sign(Id, message);

    public bool Verify(object message, Signature? signature) => simulation.Signatures.Verify(message, signature);

    public void RecordFault(FaultKinds kind, string description) => simulation.RecordNodeFault(Id.Value, kind, description);

    public TimerId SetTimer(TimeSpan delay, object? state = null) =>
        simulation.SetTimerFor(Id.Value, record.DriftPpb == 0 ? delay : TimeSpan.FromTicks(simulation.TrueTicks(record, delay.Ticks)), state);

    public bool CancelTimer(TimerId timer) => simulation.CancelTimerOf(Id.Value, timer);
}
