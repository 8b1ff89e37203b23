using DistSim.Nodes;
using DistSim.Failures;
using DistSim.Random;
using DistSim.Security;
using DistSim.Storage;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim;

/// <summary>
/// A node's view of the simulation for one incarnation; forwards every action to the scheduler after
/// checking that it comes from this incarnation's own handler, on the simulation's thread.
/// </summary>
internal sealed class NodeContext(Simulation simulation, NodeId id, NodeRecord record, ILogger logger, int incarnation) : INodeContext
{
    public NodeId Id { get; } = id;

    public int NodeIndex { get; } = id.Value;

    public string Name => record.Name;

    public IReadOnlyList<NodeId> Nodes => simulation.Nodes;

    public SimTime LocalNow
    {
        get
        {
            simulation.CheckNodeAction(this, "LocalNow");
            return simulation.LocalNowFor(record);
        }
    }

    public RandomStream Random
    {
        get
        {
            simulation.CheckNodeAction(this, "Random");
            return record.Random;
        }
    }

    public ILogger Logger { get; } = logger;

    public DurableStorage Storage
    {
        get
        {
            simulation.CheckNodeAction(this, "Storage");
            return record.Storage;
        }
    }

    public int Incarnation { get; } = incarnation;

    public long Send(NodeId to, object message)
    {
        simulation.CheckNodeAction(this, "Send");
        return simulation.SendFrom(NodeIndex, to, message);
    }

    /// <summary>A Byzantine node's forgery: a packet on the (claimed → to) path that this node made up.</summary>
    internal void SendForged(NodeId claimed, NodeId to, object message)
    {
        simulation.CheckNodeAction(this, "Send");
        simulation.SendForged(NodeIndex, claimed, to, message);
    }

    public Signature Sign(object message)
    {
        simulation.CheckNodeAction(this, "Sign");
        return simulation.Signatures.Sign(Id, message, NodeIndex);
    }

    public bool Verify(object message, Signature? signature)
    {
        simulation.CheckNodeAction(this, "Verify");
        return simulation.Signatures.Verify(message, signature, NodeIndex);
    }

    public void RecordFault(FaultKinds kind, string description)
    {
        simulation.CheckNodeAction(this, "RecordFault");
        simulation.RecordNodeFault(NodeIndex, kind, description);
    }

    public TimerId SetTimer(TimeSpan delay, object? state = null)
    {
        simulation.CheckNodeAction(this, "SetTimer");
        return simulation.SetTimerFor(NodeIndex, record.DriftPpb == 0 ? delay : TimeSpan.FromTicks(simulation.TrueTicks(record, delay.Ticks)), state);
    }

    public bool CancelTimer(TimerId timer)
    {
        simulation.CheckNodeAction(this, "CancelTimer");
        return simulation.CancelTimerOf(NodeIndex, timer);
    }
}
