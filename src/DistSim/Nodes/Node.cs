using DistSim.Random;
using DistSim.Storage;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim.Nodes;

/// <summary>
/// Base class of user-written node actors. Override the handlers; act through the protected helpers,
/// which forward to <see cref="Context"/>.
/// </summary>
/// <remarks>
/// A node is created by its factory when the simulation starts it. It runs only inside its handlers,
/// one at a time, on the simulation's thread. An exception from a handler stops the run with a
/// <see cref="Diagnostics.SimulationFailureException"/>. See <c>docs/concepts/nodes.md</c>.
/// </remarks>
public abstract class Node
{
    private INodeContext? _context;

    /// <summary>The node's context; available from <see cref="OnStart"/> on.</summary>
    /// <exception cref="InvalidOperationException">Read before the simulation attached the node.</exception>
    protected INodeContext Context => _context ?? throw new InvalidOperationException(
        "The node is not attached to a simulation yet; use Context from OnStart on, not in the constructor.");

    /// <summary>This node's id.</summary>
    protected NodeId Id => Context.Id;

    /// <summary>The node's local clock.</summary>
    protected SimTime LocalNow => Context.LocalNow;

    /// <summary>This node's random stream.</summary>
    protected RandomStream Random => Context.Random;

    /// <summary>This node's logger.</summary>
    protected ILogger Logger => Context.Logger;

    /// <summary>This node's durable storage.</summary>
    protected DurableStorage Storage => Context.Storage;

    /// <summary>Called once when the node starts (at time zero for nodes added before the run).</summary>
    public virtual void OnStart()
    {
    }

    /// <summary>
    /// Called instead of <see cref="OnStart"/> when the node starts again after a crash, on a new object
    /// (every field of the old one is gone; <see cref="Storage"/> holds what was flushed). By default it
    /// calls <see cref="OnStart"/>.
    /// </summary>
    public virtual void OnRecover() => OnStart();

    /// <summary>Called when a message from <paramref name="from"/> is delivered.</summary>
    /// <param name="from">The sender the network says the message came from.</param>
    /// <param name="message">The payload.</param>
    public virtual void OnMessage(NodeId from, object message)
    {
    }

    /// <summary>Called when a timer set by this node fires.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="state">The state passed to <see cref="SetTimer"/>.</param>
    public virtual void OnTimer(TimerId timer, object? state)
    {
    }

    /// <summary>Sends a message; see <see cref="INodeContext.Send"/>.</summary>
    /// <param name="to">The receiver.</param>
    /// <param name="message">The payload.</param>
    protected long Send(NodeId to, object message) => Context.Send(to, message);

    /// <summary>Sets a timer; see <see cref="INodeContext.SetTimer"/>.</summary>
    /// <param name="delay">Local time until it fires.</param>
    /// <param name="state">Handed back to <see cref="OnTimer"/>.</param>
    protected TimerId SetTimer(TimeSpan delay, object? state = null) => Context.SetTimer(delay, state);

    /// <summary>Cancels a timer; see <see cref="INodeContext.CancelTimer"/>.</summary>
    /// <param name="timer">The timer.</param>
    protected bool CancelTimer(TimerId timer) => Context.CancelTimer(timer);

    /// <summary>The simulation's own context behind <see cref="Context"/> (null for a context of the user's making).</summary>
    internal NodeContext? KernelContext => _context switch
    {
        NodeContext kernel => kernel,
        Failures.ByzantineNodeContext wrapped => wrapped.Kernel,
        _ => null,
    };

    internal void Attach(INodeContext context) => _context = context;
}
