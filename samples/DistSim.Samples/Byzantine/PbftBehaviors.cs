using DistSim.Failures;
using DistSim.Nodes;

namespace DistSim.Samples.Byzantine;

/// <summary>The Byzantine behaviours of faulty PBFT replicas.</summary>
public enum PbftFault
{
    /// <summary>Conflicting messages, each validly signed: a primary pre-prepares the null request instead of the client's to odd-numbered replicas; a replica prepares and commits a different digest to them, checkpoints a made-up state digest, and sends them a made-up state when they fetch one.</summary>
    Equivocate,

    /// <summary>Sends nothing (the library's <see cref="ByzantineBehavior.Silent"/>).</summary>
    Silent,

    /// <summary>Changes one field of every message after signing it (the library's <see cref="ByzantineBehavior.Tamper"/>): the signature no longer verifies.</summary>
    Tamper,

    /// <summary>Sends every message as if from another node (the library's <see cref="ByzantineBehavior.Forge"/>): the authenticated link rejects it.</summary>
    Forge,

    /// <summary>Also sends old messages again (the library's <see cref="ByzantineBehavior.Replay"/>).</summary>
    Replay,
}

/// <summary>Makes the behaviours.</summary>
public static class PbftBehaviors
{
    /// <summary>Every behaviour, in the order of <see cref="PbftFault"/>.</summary>
    public static IReadOnlyList<PbftFault> All { get; } = Enum.GetValues<PbftFault>();

    /// <summary>The wrapper's behaviour for <paramref name="fault"/>.</summary>
    /// <param name="fault">The behaviour.</param>
    public static ByzantineBehavior Create(PbftFault fault) => fault switch
    {
        PbftFault.Equivocate => new Equivocation(),
        PbftFault.Silent => ByzantineBehavior.Silent(),
        PbftFault.Tamper => ByzantineBehavior.Tamper(),
        PbftFault.Forge => ByzantineBehavior.Forge(),
        PbftFault.Replay => ByzantineBehavior.Replay(0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a PBFT behaviour"),
    };

    /// <summary>The option value of <paramref name="fault"/>: <c>equivocate</c>, <c>silent</c>, ….</summary>
    /// <param name="fault">The behaviour.</param>
    public static string Name(PbftFault fault) => fault.ToString().ToLowerInvariant();

    /// <summary>
    /// Validly signed equivocation: to odd-numbered nodes, a pre-prepare carries the null request instead of the client's,
    /// a prepare or commit a different digest, a checkpoint a made-up state digest, and a state reply a state with one
    /// more key (its proof, others' signatures, left as it was), each signed again with the replica's own key (the only
    /// key it has).
    /// </summary>
    private sealed class Equivocation : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message)
        {
            object? other = to.Value % 2 == 0 ? null : message switch
            {
                PrePrepare { Request: not null } p => Resign(context, p with { Request = null, Sig = null }),
                Prepare p => Resign(context, p with { Digest = "null", Sig = null }),
                Commit c => Resign(context, c with { Digest = "null", Sig = null }),
                Checkpoint c => Resign(context, c with { Digest = new string('f', 64), Sig = null }),
                StateReply r => Resign(context, r with { State = r.State with { Values = [.. r.State.Values, new PbftValue("forged", "by a faulty replica")] }, Sig = null }),
                _ => null,
            };
            if (other is null)
            {
                context.Send(to, message);
                return;
            }

            context.RecordFault(FaultKinds.Equivocate, $"equivocated: told {to} {other} instead of {message}");
            context.Send(to, other);
        }

        private static object Resign(ByzantineSendContext context, IPbftSigned m) => m.WithSig(context.Sign(m.Unsigned()));
    }
}
