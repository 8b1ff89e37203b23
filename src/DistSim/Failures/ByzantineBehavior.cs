using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Failures;

/// <summary>
/// A Byzantine behaviour, applied by <see cref="Byzantine.Wrap(Func{Node}, ByzantineBehavior)"/> to every message an
/// honest node's code sends. Each deviation is traced (<c>byzantine</c>) and requires the node's failure model to allow
/// it (use <see cref="FailureModels.Byzantine"/>). Draws come from the node's own stream. The built-in behaviours are
/// made by the static methods; write your own by deriving from this class and overriding <see cref="OnSend"/>.
/// </summary>
/// <remarks>
/// <para>A behaviour acts only through the <see cref="ByzantineSendContext"/> it is given, which refuses any deviation
/// not recorded first (<see cref="ByzantineSendContext.RecordFault"/>) and offers only the node's own key and random
/// stream. A behaviour object given to <see cref="Byzantine.Wrap(Func{Node}, ByzantineBehavior)"/> is shared by every
/// incarnation (and, in a sweep, by runs on other threads): keep it immutable, or give
/// <see cref="Byzantine.Wrap(Func{Node}, Func{ByzantineBehavior})"/> a factory so that each incarnation gets its own.</para>
/// <para>Test a behaviour with <c>ByzantineBehaviorContract</c> from DistSim.Testing. See
/// <c>docs/concepts/failures.md</c> and <c>docs/guides/custom-models.md</c>.</para>
/// </remarks>
public abstract class ByzantineBehavior
{
    /// <summary>Creates the behaviour.</summary>
    protected ByzantineBehavior()
    {
    }

    /// <summary>Mutates every outgoing message with <paramref name="mutate"/> (null result: send it unchanged).</summary>
    /// <param name="mutate">The mutation; default <see cref="MessageTampering.ChangeOneField"/>.</param>
    public static ByzantineBehavior Tamper(Func<object, RandomStream, object?>? mutate = null) => new TamperBehavior(mutate ?? MessageTampering.ChangeOneField);

    /// <summary>
    /// Sends different messages to different peers: peers with an odd id get the message mutated by
    /// <paramref name="mutate"/>, the others the original.
    /// </summary>
    /// <param name="mutate">The mutation; default <see cref="MessageTampering.ChangeOneField"/>.</param>
    public static ByzantineBehavior Equivocate(Func<object, RandomStream, object?>? mutate = null) => new EquivocateBehavior(mutate ?? MessageTampering.ChangeOneField);

    /// <summary>With <paramref name="probability"/> per send, also sends again one of its last 32 messages.</summary>
    /// <param name="probability">In [0, 1].</param>
    public static ByzantineBehavior Replay(double probability = 0.5) => new ReplayBehavior(new Chance(probability));

    /// <summary>
    /// Sends every message as if it came from another node (the lowest id that is neither the forger nor
    /// the receiver): accepted on links without authentication, rejected by the authenticated link.
    /// </summary>
    public static ByzantineBehavior Forge() => new ForgeBehavior();

    /// <summary>Sends nothing while it keeps running.</summary>
    public static ByzantineBehavior Silent() => new SilentBehavior();

    /// <summary>For each send, one of honest, tamper, equivocate, replay, silence, drawn uniformly from the node's stream.</summary>
    public static ByzantineBehavior RandomMix() => new MixBehavior();

    /// <summary>
    /// Called for every message the honest code sends, in its handler: do with it what the behaviour does, through
    /// <paramref name="context"/> only. Pass it on with <see cref="ByzantineSendContext.Send"/>; record any deviation with
    /// <see cref="ByzantineSendContext.RecordFault"/> before making it. Do not keep the context, and do not use any
    /// randomness but <see cref="ByzantineSendContext.Random"/>. An exception thrown here fails the run.
    /// </summary>
    /// <param name="context">What the behaviour may do, for this message only.</param>
    /// <param name="to">The receiver the honest code chose.</param>
    /// <param name="message">
    /// The honest message, as the behaviour's own deep copy (a deeply immutable message as is): changing it changes nothing
    /// the honest code sees, and sending it changed is a deviation like any other.
    /// </param>
    protected abstract void OnSend(ByzantineSendContext context, NodeId to, object message);

    /// <summary>The wrapper's call of <see cref="OnSend"/> (and a built-in's call of the behaviour it delegates to).</summary>
    internal void Apply(ByzantineSendContext context, NodeId to, object message) => OnSend(context, to, message);

    private sealed class TamperBehavior(Func<object, RandomStream, object?> mutate) : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext c, NodeId to, object message)
        {
            object? changed = mutate(message, c.Random);
            if (changed is not null)
            {
                c.RecordFault(FaultKinds.Tamper, $"tampered with a message to {to}: {message} -> {changed}");
            }

            c.Send(to, changed ?? message);
        }
    }

    private sealed class EquivocateBehavior(Func<object, RandomStream, object?> mutate) : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext c, NodeId to, object message)
        {
            if (to.Value % 2 == 1 && mutate(message, c.Random) is { } other)
            {
                c.RecordFault(FaultKinds.Equivocate, $"told {to} {other} instead of {message}");
                c.Send(to, other);
                return;
            }

            c.Send(to, message);
        }
    }

    private sealed class ReplayBehavior(Chance chance) : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext c, NodeId to, object message)
        {
            c.Send(to, message);
            if (chance.Happens(c.Random) && c.PickSent() is { } old)
            {
                c.RecordFault(FaultKinds.Replay, $"replayed {old} to {to}");
                c.Send(to, old);
            }

            c.RememberSent(message);
        }
    }

    private sealed class ForgeBehavior : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext c, NodeId to, object message)
        {
            NodeId claimed = c.Nodes.FirstOrDefault(n => n != c.Id && n != to, to); // anyone but itself
            c.RecordFault(FaultKinds.Forge, $"sent {message} to {to} claiming to be {claimed}");
            c.SendForged(claimed, to, message);
        }
    }

    private sealed class SilentBehavior : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext c, NodeId to, object message) =>
            c.RecordFault(FaultKinds.Silence, $"did not send {message} to {to}");
    }

    private sealed class MixBehavior : ByzantineBehavior
    {
        private static readonly ByzantineBehavior[] Choices =
            [new HonestBehavior(), Tamper(), Equivocate(), Replay(1), Silent()];

        protected override void OnSend(ByzantineSendContext c, NodeId to, object message) =>
            Choices[(int)c.Random.NextBelow((ulong)Choices.Length)].Apply(c, to, message);
    }

    private sealed class HonestBehavior : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext c, NodeId to, object message)
        {
            c.Send(to, message);
            c.RememberSent(message);
        }
    }
}
