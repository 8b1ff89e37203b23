using System.Globalization;
using DistSim.Messages;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Security;
using DistSim.Time;

namespace DistSim.Failures;

/// <summary>
/// What a <see cref="ByzantineBehavior"/> may do with one message the honest code sends: pass it on, send something
/// else or to someone else, forge a sender, or send nothing — with every deviation recorded in the trace first.
/// </summary>
/// <remarks>
/// <para><b>Every deviation is traced, by construction.</b> The one honest action is <see cref="Send"/> of the honest
/// message to its receiver, once. The honest message is what the honest code sent, kept by this context where the
/// behaviour cannot reach it; the behaviour is given its own deep copy, so changing that copy and sending it is a
/// changed message. A message counts as the honest one when its canonical encoding (<see cref="MessageCodec"/>: every
/// field at any depth) equals the honest message's — when the receiver cannot tell them apart; the message type's own
/// <c>Equals</c> plays no part. A deeply immutable message (<see cref="MessageCopier.IsDeeplyImmutable"/>) is not
/// copied, and sending the very object is honest without encoding it. Anything else — a changed message, another
/// receiver, a second copy, a forgery (<see cref="SendForged"/>), or returning without sending the honest message — is
/// refused unless
/// <see cref="RecordFault"/> was called earlier in the same call; the refusal throws an
/// <see cref="InvalidOperationException"/> and fails the run (even if the honest code catches it). A recorded fault must
/// be allowed by the node's failure model (<see cref="FailureModels.Byzantine"/> allows all).</para>
/// <para><b>Only the node's own powers.</b> The context signs with the node's own key only (<see cref="Sign"/>): a
/// behaviour cannot make another node's signature, and a forged sender is rejected by the authenticated link. Its
/// randomness is the node's own stream (<see cref="Random"/>), so a behaviour is deterministic per seed.</para>
/// <para>Valid only during the <see cref="ByzantineBehavior.OnSend"/> call it was given to; any use afterwards throws.
/// Not thread-safe: it runs inside the node's handler, on the simulation's thread.
/// See <c>docs/guides/custom-models.md</c>.</para>
/// </remarks>
public sealed class ByzantineSendContext
{
    private readonly ByzantineNodeContext _node;
    private readonly ByzantineBehavior _behavior;
    private readonly NodeId _to;
    private bool _open = true;
    private bool _honestSent;
    private int _faults;
    private byte[]? _honestEncoding;

    internal ByzantineSendContext(ByzantineNodeContext node, ByzantineBehavior behavior, NodeId to, object honestMessage)
    {
        _node = node;
        _behavior = behavior;
        _to = to;
        HonestMessage = honestMessage;
    }

    /// <summary>The Byzantine node's id.</summary>
    public NodeId Id => Open()._node.Id;

    /// <summary>The Byzantine node's name.</summary>
    public string Name => Open()._node.Name;

    /// <summary>Ids of every node in the simulation, in id order.</summary>
    public IReadOnlyList<NodeId> Nodes => Open()._node.Nodes;

    /// <summary>The Byzantine node's local clock.</summary>
    public SimTime LocalNow => Open()._node.LocalNow;

    /// <summary>Which incarnation of the node this is (1, 2, … after restarts).</summary>
    public int Incarnation => Open()._node.Incarnation;

    /// <summary>The node's own random stream (<c>node:&lt;name&gt;</c>): the only randomness a behaviour may use.</summary>
    public RandomStream Random => Open()._node.Random;

    /// <summary>Whether a fault was recorded in this call, so that deviations are allowed.</summary>
    public bool HasRecordedFault => Open()._faults > 0;

    /// <summary>
    /// The honest message: a pristine snapshot that only this context holds (or the message itself when it is deeply
    /// immutable), never the copy the behaviour was given.
    /// </summary>
    internal object HonestMessage { get; }

    /// <summary>
    /// Records in the trace (kind <c>byzantine</c>) that the node deviates from its protocol, and allows the deviating
    /// actions of this call. The node's failure model must allow <paramref name="kind"/>.
    /// </summary>
    /// <param name="kind">The behaviour, e.g. <see cref="FaultKinds.Lie"/>.</param>
    /// <param name="description">What the node does, for the trace.</param>
    /// <exception cref="InvalidOperationException">The node's failure model does not allow <paramref name="kind"/> (the run fails).</exception>
    public void RecordFault(FaultKinds kind, string description)
    {
        Open();
        ArgumentNullException.ThrowIfNull(description);
        _node.RecordFault(kind, description);
        _faults++;
    }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> as this node. The honest message to its receiver, once,
    /// is the honest action; any other send is a deviation and needs <see cref="RecordFault"/> first.
    /// </summary>
    /// <param name="to">The receiver.</param>
    /// <param name="message">What to send; never null.</param>
    /// <exception cref="InvalidOperationException">A deviation without a recorded fault (the run fails).</exception>
    public void Send(NodeId to, object message)
    {
        Open();
        ArgumentNullException.ThrowIfNull(message);
        if (_faults == 0) // once a fault is recorded every send is allowed: no need to tell honest from not
        {
            string? unknown = null;
            bool same = to == _to && IsHonestMessage(message, out unknown);
            if (same && !_honestSent)
            {
                _honestSent = true;
            }
            else
            {
                throw Unrecorded(string.Create(
                    CultureInfo.InvariantCulture,
                    $"sent {message} to {to}{(same ? " a second time" : string.Empty)} where the honest code sent {HonestMessage} to {_to}{(unknown is null ? string.Empty : $" (it cannot be compared with the honest message: {unknown})")}"));
            }
        }

        _node.SendReal(to, message);
    }

    /// <summary>
    /// Whether a receiver could tell <paramref name="message"/> from the honest one: the pristine snapshot itself (which
    /// nobody can change: it is deeply immutable or held only here), or a graph with the same canonical encoding — never
    /// the message type's own <c>Equals</c>, which may overlook fields, and never a reference to the copy the behaviour
    /// was given, which it may have changed. <paramref name="unknown"/> says why a graph could not be encoded (then not honest).
    /// </summary>
    private bool IsHonestMessage(object message, out string? unknown)
    {
        unknown = null;
        if (ReferenceEquals(message, HonestMessage))
        {
            return true;
        }

        try
        {
            _honestEncoding ??= MessageCodec.Encode(HonestMessage);
            return MessageCodec.Encode(message).AsSpan().SequenceEqual(_honestEncoding);
        }
        catch (MessageEncodingException e)
        {
            unknown = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> claiming <paramref name="claimedSender"/> sent it,
    /// framed as that pair's link would frame it but without its key: accepted on links without authentication, rejected
    /// by the authenticated link. Always a deviation: record <see cref="FaultKinds.Forge"/> first.
    /// </summary>
    /// <param name="claimedSender">The node the packet claims to come from.</param>
    /// <param name="to">The receiver.</param>
    /// <param name="message">What to send; never null.</param>
    /// <exception cref="InvalidOperationException">No fault was recorded in this call (the run fails).</exception>
    public void SendForged(NodeId claimedSender, NodeId to, object message)
    {
        Open();
        ArgumentNullException.ThrowIfNull(message);
        if (_faults == 0)
        {
            throw Unrecorded($"forged {message} to {to} as if from {claimedSender}");
        }

        _node.SendForged(claimedSender, to, message);
    }

    /// <summary>Signs <paramref name="message"/> with this node's own key (the only key a behaviour has).</summary>
    /// <param name="message">Any message.</param>
    public Signature Sign(object message) => Open()._node.Sign(message);

    /// <summary>Whether <paramref name="signature"/> is its signer's signature of <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="signature">The signature (null is never valid).</param>
    public bool Verify(object message, Signature? signature) => Open()._node.Verify(message, signature);

    /// <summary>Remembers a message for the built-in replay (the last 32, per incarnation).</summary>
    internal void RememberSent(object message) => Open()._node.RememberSent(message);

    /// <summary>One of the remembered messages, drawn from the node's stream; null when none.</summary>
    internal object? PickSent() => Open()._node.PickSent();

    /// <summary>Ends the call: the context refuses any further use.</summary>
    internal void Close() => _open = false;

    /// <summary>After the call: the honest message went out, or a deviation was recorded.</summary>
    internal void CheckAccounted()
    {
        if (!_honestSent && _faults == 0)
        {
            throw Unrecorded($"did not send {HonestMessage} to {_to}");
        }
    }

    private ByzantineSendContext Open() => _open
        ? this
        : throw new InvalidOperationException(
            $"a ByzantineSendContext of behaviour {_behavior.GetType().Name} was used after the OnSend call it was given to had returned: " +
            "it is valid only during that call (do not keep it).");

    private InvalidOperationException Unrecorded(string what) => new(
        $"Byzantine behaviour {_behavior.GetType().Name} on node {_node.Name} {what} without recording the deviation: " +
        "call context.RecordFault(kind, description) first, so that every deviation is in the trace.");
}
