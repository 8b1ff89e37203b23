using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Failures;

/// <summary>
/// A built-in Byzantine behaviour, applied by <see cref="Byzantine.Wrap"/> to every message an honest
/// node's code sends. Each deviation is traced (<c>byzantine</c>) and requires the node's failure model
/// to allow it (use <see cref="FailureModels.Byzantine"/>). Draws come from the node's own stream.
/// </summary>
public abstract class ByzantineBehavior
{
    private protected ByzantineBehavior()
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

    internal abstract void OnSend(ByzantineContext context, NodeId to, object message);

    private sealed class TamperBehavior(Func<object, RandomStream, object?> mutate) : ByzantineBehavior
    {
        internal override void OnSend(ByzantineContext c, NodeId to, object message)
        {
            object? changed = mutate(message, c.Random);
            if (changed is not null)
            {
                c.RecordFault(FaultKinds.Tamper, $"tampered with a message to {to}: {message} -> {changed}");
            }

            c.SendReal(to, changed ?? message);
        }
    }

    private sealed class EquivocateBehavior(Func<object, RandomStream, object?> mutate) : ByzantineBehavior
    {
        internal override void OnSend(ByzantineContext c, NodeId to, object message)
        {
            if (to.Value % 2 == 1 && mutate(message, c.Random) is { } other)
            {
                c.RecordFault(FaultKinds.Equivocate, $"told {to} {other} instead of {message}");
                c.SendReal(to, other);
                return;
            }

            c.SendReal(to, message);
        }
    }

    private sealed class ReplayBehavior(Chance chance) : ByzantineBehavior
    {
        internal override void OnSend(ByzantineContext c, NodeId to, object message)
        {
            c.SendReal(to, message);
            if (chance.Happens(c.Random) && c.PickSent() is { } old)
            {
                c.RecordFault(FaultKinds.Replay, $"replayed {old} to {to}");
                c.SendReal(to, old);
            }

            c.RememberSent(message);
        }
    }

    private sealed class ForgeBehavior : ByzantineBehavior
    {
        internal override void OnSend(ByzantineContext c, NodeId to, object message)
        {
            NodeId claimed = c.Nodes.FirstOrDefault(n => n != c.Id && n != to, to); // anyone but itself
            c.RecordFault(FaultKinds.Forge, $"sent {message} to {to} claiming to be {claimed}");
            c.SendForged(claimed, to, message);
        }
    }

    private sealed class SilentBehavior : ByzantineBehavior
    {
        internal override void OnSend(ByzantineContext c, NodeId to, object message) =>
            c.RecordFault(FaultKinds.Silence, $"did not send {message} to {to}");
    }

    private sealed class MixBehavior : ByzantineBehavior
    {
        private static readonly ByzantineBehavior[] Choices =
            [new HonestBehavior(), Tamper(), Equivocate(), Replay(1), Silent()];

        internal override void OnSend(ByzantineContext c, NodeId to, object message) =>
            Choices[(int)c.Random.NextBelow((ulong)Choices.Length)].OnSend(c, to, message);
    }

    private sealed class HonestBehavior : ByzantineBehavior
    {
        internal override void OnSend(ByzantineContext c, NodeId to, object message)
        {
            c.SendReal(to, message);
            c.RememberSent(message);
        }
    }
}
