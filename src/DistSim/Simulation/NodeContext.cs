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
/// <para>The context is also the incarnation's <see cref="SynchronizationContext"/>: it is
/// <see cref="SynchronizationContext.Current"/> while the node's handlers run, so an <c>await</c> in node code resumes
/// through <see cref="Post"/>, as an event of this node (<see cref="Tracing.TraceEventKind.Continued"/>) on the
/// simulation's thread — never on the thread pool, and never in a later incarnation.</para>
/// </remarks>
internal sealed class NodeContext(NodeRecord record, int incarnation) : SynchronizationContext, INodeContext
{
    public NodeId Id => new(NodeIndex);

    public int NodeIndex { get; } = record.Index; // free: the object is 32 bytes with or without it

    /// <summary>The simulation (through the record: a context is 32 bytes, one per incarnation of every node).</summary>
    private Simulation Sim => record.Simulation;

    public string Name => record.Name;

    public IReadOnlyList<NodeId> Nodes => Sim.Nodes;

    public SimTime LocalNow
    {
        get
        {
            try
            {
                Sim.CheckNodeAction(this, "LocalNow");
                return Sim.LocalNowFor(record);
            }
            catch (ForeignThreadRefusal)
        {
            return default; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
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
                Sim.CheckNodeAction(this, "Random");
                return record.Random;
            }
            catch (ForeignThreadRefusal)
        {
            return new RandomStream(0); // refused on a raw thread (reported; the run fails): a throwaway stream, since an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
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
                Sim.CheckNodeAction(this, "Storage");
                return record.Storage;
            }
            catch (ForeignThreadRefusal)
        {
            return new DurableStorage(); // refused on a raw thread (reported; the run fails): a throwaway store, since an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
            {
                throw;
            }
        }
    }

    public int Incarnation { get; } = incarnation;

    /// <summary>The run's call counters.</summary>
    internal RpcCounters Rpc => Sim.RpcCounters;

    /// <summary>What the simulation keeps about the node.</summary>
    internal NodeRecord Record => record;

    public TimeProvider TimeProvider => record.TimeProviderFor(this);

    public void Sometimes(string name, bool condition = true) => Act("Sometimes", (name, condition), static (c, a) => c.Sim.ReachSometimes(a.name, a.condition));

    public bool Buggify(string site, double? chance = null)
    {
        try
        {
            Sim.CheckNodeAction(this, "Buggify");
            return Sim.ReachBuggify(site, chance);
        }
        catch (ForeignThreadRefusal)
        {
            return false; // reported: the run fails
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public void Unreachable(string name, string? detail = null) => Act("Unreachable", (name, detail), static (c, a) => c.Sim.ReachUnreachable(c.NodeIndex, a.name, a.detail));

    /// <summary>Queues the continuation of an await in this incarnation's code as an event of the node (see <see cref="Simulation.PostContinuation"/>).</summary>
    public override void Post(SendOrPostCallback d, object? state) => Sim.PostContinuation(this, d, state);

    /// <summary>Runs <paramref name="d"/> at once when called from this incarnation's own handler; anything else is refused (it would block the simulation).</summary>
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        try
        {
            Sim.CheckNodeAction(this, "SynchronizationContext.Send");
        }
        catch (ForeignThreadRefusal)
        {
            return; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }

        d(state);
    }

    /// <summary>The context itself: it stands for one incarnation of one node, and copies would have to be the same.</summary>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>The refusal filter, for a wrapper of this context (a Byzantine behaviour's exceptions are this node's).</summary>
    internal bool Refused(Exception ex) => Sim.Refused(NodeIndex, ex);

    public long Send(NodeId to, object message)
    {
        try
        {
            Sim.CheckNodeAction(this, "Send");
            return Sim.Pipeline.Send(NodeIndex, to, message);
        }
        catch (ForeignThreadRefusal)
        {
            return -1; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    /// <summary>A Byzantine node's forgery: a packet on the (claimed → to) path that this node made up.</summary>
    internal void SendForged(NodeId claimed, NodeId to, object message)
    {
        try
        {
            Sim.CheckNodeAction(this, "Send");
            Sim.Pipeline.SendForged(NodeIndex, claimed, to, message);
        }
        catch (ForeignThreadRefusal)
        {
            return; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public Signature Sign(object message)
    {
        try
        {
            Sim.CheckNodeAction(this, "Sign");
            ArgumentNullException.ThrowIfNull(message);
            return Sim.Signatures.Sign(Id, message);
        }
        catch (ForeignThreadRefusal)
        {
            return new Signature(Id, []); // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public bool Verify(object message, Signature? signature)
    {
        try
        {
            Sim.CheckNodeAction(this, "Verify");
            return Sim.Signatures.Verify(message, signature);
        }
        catch (ForeignThreadRefusal)
        {
            return false; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public void RecordFault(FaultKinds kind, string description) =>
        Act("RecordFault", (kind, description), static (c, a) => c.Sim.RecordNodeFault(c.NodeIndex, a.kind, a.description));

    /// <summary>
    /// An action with no result, guarded like every other (only from this incarnation's handlers, on the simulation's
    /// thread); refused on a raw thread without throwing (reported; the run fails): an exception there would end the process.
    /// </summary>
    private void Act<TArgs>(string member, TArgs args, Action<NodeContext, TArgs> action)
    {
        try
        {
            Sim.CheckNodeAction(this, member);
            action(this, args);
        }
        catch (ForeignThreadRefusal)
        {
            return;
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    public TimerId SetTimer(TimeSpan delay, object? state = null)
    {
        try
        {
            Sim.CheckNodeAction(this, "SetTimer");
            return Sim.SetTimerFor(NodeIndex, record.DriftPpb == 0 ? delay : TimeSpan.FromTicks(Sim.TrueTicks(record, delay.Ticks)), state);
        }
        catch (ForeignThreadRefusal)
        {
            return default; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }

    /// <summary>Cancels <paramref name="timer"/> when called from this incarnation's handler on the simulation's thread; otherwise does nothing (never throws, never fails the run).</summary>
    internal bool CancelTimerIfInHandler(TimerId timer) => Sim.IsInHandlerOf(this) && Sim.CancelTimerOf(NodeIndex, timer);

    public bool CancelTimer(TimerId timer)
    {
        try
        {
            Sim.CheckNodeAction(this, "CancelTimer");
            return Sim.CancelTimerOf(NodeIndex, timer);
        }
        catch (ForeignThreadRefusal)
        {
            return false; // refused on a raw thread (reported; the run fails): an exception there would end the process
        }
        catch (Exception ex) when (Sim.Refused(NodeIndex, ex))
        {
            throw;
        }
    }
}
