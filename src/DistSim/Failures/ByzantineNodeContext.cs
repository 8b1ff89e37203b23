using DistSim.Nodes;
using DistSim.Random;
using DistSim.Security;
using DistSim.Storage;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim.Failures;

/// <summary>
/// The context a wrapped honest node sees: everything forwards, except that sends go through the behaviour, each with a
/// <see cref="ByzantineSendContext"/> of its own.
/// </summary>
internal sealed class ByzantineNodeContext(INodeContext real, ByzantineBehavior behavior) : INodeContext
{
    private readonly List<object> _sent = [];
    private int _next;

    public NodeId Id => real.Id;

    public string Name => real.Name;

    public IReadOnlyList<NodeId> Nodes => real.Nodes;

    public SimTime LocalNow => real.LocalNow;

    public RandomStream Random => real.Random;

    public ILogger Logger => real.Logger;

    public DurableStorage Storage => real.Storage;

    public int Incarnation => real.Incarnation;

    public TimeProvider TimeProvider => real.TimeProvider;

    public void Sometimes(string name, bool condition = true) => real.Sometimes(name, condition);

    public void Unreachable(string name, string? detail = null) => real.Unreachable(name, detail);

    /// <inheritdoc />
    public bool Buggify(string site, double? chance = null) => real.Buggify(site, chance);

    /// <summary>The simulation's context this one wraps.</summary>
    internal NodeContext? Kernel => real as NodeContext;

    public Signature Sign(object message) => real.Sign(message);

    public bool Verify(object message, Signature? signature) => real.Verify(message, signature);

    public void RecordFault(FaultKinds kind, string description) => real.RecordFault(kind, description);

    public long Send(NodeId to, object message)
    {
        if (message is null || to.Value >= real.Nodes.Count)
        {
            return real.Send(to, message!); // refused there, as for an honest node (and the run fails even if the node catches it)
        }

        try
        {
            // What an honest send would refuse is refused whatever the behaviour does with it (Silent sends nothing).
            // The send context keeps a pristine snapshot of the honest message that nobody else holds, and the
            // behaviour works on a copy of its own, so that what it does to that copy cannot change what counts as
            // honest. A deeply immutable message is its own snapshot (DeepCopy returns it): nothing can change it.
            // The send context checks that every deviation is recorded, and is dead once the call returns.
            object pristine = Messages.MessageCopier.DeepCopy(message);
            object given = Messages.MessageCopier.DeepCopy(pristine);
            var context = new ByzantineSendContext(this, behavior, to, pristine);
            try
            {
                behavior.Apply(context, to, given);
            }
            finally
            {
                context.Close();
            }

            context.CheckAccounted();
        }
        catch (Exception ex) when (Refused(ex))
        {
            throw;
        }

        return 0; // which (if any) message id carried it is the adversary's secret
    }

    /// <summary>Records a refusal (or an exception of the behaviour) with the simulation, as the node's own context would.</summary>
    private bool Refused(Exception ex) => real switch
    {
        NodeContext context => context.Refused(ex),
        ByzantineNodeContext inner => inner.Refused(ex),
        _ => false,
    };

    public TimerId SetTimer(TimeSpan delay, object? state = null) => real.SetTimer(delay, state);

    public bool CancelTimer(TimerId timer) => real.CancelTimer(timer);

    internal void SendReal(NodeId to, object message) => real.Send(to, message);

    internal void SendForged(NodeId claimed, NodeId to, object message)
    {
        switch (real)
        {
            case NodeContext context:
                context.SendForged(claimed, to, message);
                break;
            case ByzantineNodeContext inner: // a wrapper around a wrapper
                inner.SendForged(claimed, to, message);
                break;
            default:
                throw new InvalidOperationException($"a Byzantine behaviour cannot forge through a context of type {real.GetType().Name}");
        }
    }

    internal void RememberSent(object message)
    {
        message = Messages.MessageCopier.DeepCopy(message); // a replay resends what was sent, not what the honest code changed since
        if (_sent.Count < 32)
        {
            _sent.Add(message);
        }
        else
        {
            _sent[_next] = message;
            _next = (_next + 1) % 32;
        }
    }

    internal object? PickSent() => _sent.Count == 0 ? null : _sent[(int)Random.NextBelow((ulong)_sent.Count)];
}
