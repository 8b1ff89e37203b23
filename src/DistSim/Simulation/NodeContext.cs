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
/// <remarks>
/// Every action runs behind one exception filter (<see cref="Simulation.Refused"/>): whatever it refuses — a call
/// from outside the handler, a dead incarnation, an unknown receiver, an unencodable message, a full backlog, a
/// fault outside the model — reaches the node unchanged and also fails the run after the current event, so a node
/// that catches it cannot make the refusal silent. The filter costs nothing unless something is thrown.
/// </remarks>
internal sealed class NodeContext(Simulation simulation, NodeId id, NodeRecord record, int incarnation) : INodeContext
{
    public NodeId Id => new(NodeIndex);

    public int NodeIndex { get; } = id.Value;

    public string Name => record.Name;

    public IReadOnlyList<NodeId> Nodes => simulation.Nodes;

    public SimTime LocalNow
    {
        get
        {
            try
            {
                simulation.CheckNodeAction(this, "LocalNow");
                return simulation.LocalNowFor(record);
            }
            catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
            {
                throw;
            }
        }
    }

    public RandomStream Random
    {
        get
        {
            try
            {
                simulation.CheckNodeAction(this, "Random");
                return record.Random;
            }
            catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
            {
                throw;
            }
        }
    }

    public ILogger Logger => record.Logger;

    public DurableStorage Storage
    {
        get
        {
            try
            {
                simulation.CheckNodeAction(this, "Storage");
                return record.Storage;
            }
            catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
            {
                throw;
            }
        }
    }

    public int Incarnation { get; } = incarnation;

    /// <summary>The refusal filter, for a wrapper of this context (a Byzantine behaviour's exceptions are this node's).</summary>
    internal bool Refused(Exception ex) => simulation.Refused(NodeIndex, ex);

    public long Send(NodeId to, object message)
    {
        try
        {
            simulation.CheckNodeAction(this, "Send");
            return simulation.SendFrom(NodeIndex, to, message);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    /// <summary>A Byzantine node's forgery: a packet on the (claimed → to) path that this node made up.</summary>
    internal void SendForged(NodeId claimed, NodeId to, object message)
    {
        try
        {
            simulation.CheckNodeAction(this, "Send");
            simulation.SendForged(NodeIndex, claimed, to, message);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public Signature Sign(object message)
    {
        try
        {
            simulation.CheckNodeAction(this, "Sign");
            ArgumentNullException.ThrowIfNull(message);
            return simulation.Signatures.Sign(Id, message);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public bool Verify(object message, Signature? signature)
    {
        try
        {
            simulation.CheckNodeAction(this, "Verify");
            return simulation.Signatures.Verify(message, signature);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public void RecordFault(FaultKinds kind, string description)
    {
        try
        {
            simulation.CheckNodeAction(this, "RecordFault");
            simulation.RecordNodeFault(NodeIndex, kind, description);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public TimerId SetTimer(TimeSpan delay, object? state = null)
    {
        try
        {
            simulation.CheckNodeAction(this, "SetTimer");
            return simulation.SetTimerFor(NodeIndex, record.DriftPpb == 0 ? delay : TimeSpan.FromTicks(simulation.TrueTicks(record, delay.Ticks)), state);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public bool CancelTimer(TimerId timer)
    {
        try
        {
            simulation.CheckNodeAction(this, "CancelTimer");
            return simulation.CancelTimerOf(NodeIndex, timer);
        }
        catch (Exception ex) when (simulation.Refused(NodeIndex, ex))
        {
            throw;
        }
    }
}
