using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;

namespace DistSim.Links;

/// <summary>What kind of packet a link session puts on the wire (it decides the trace event).</summary>
public enum TransmitKind
{
    /// <summary>The first transmission of an application message (traced by its <c>send</c>).</summary>
    First,

    /// <summary>
    /// A data packet sent again (traced as <c>retransmit</c>): no acknowledgement came in time, or the handshake
    /// bound it to the receiver's incarnation.
    /// </summary>
    Retransmit,

    /// <summary>An acknowledgement from the receiver to the sender (traced as <c>ack-sent</c>).</summary>
    Ack,
}

/// <summary>What a link session records about a packet it consumed.</summary>
public enum LinkVerdict
{
    /// <summary>The sender learned that a message was delivered.</summary>
    Acknowledged,

    /// <summary>The receiver had already delivered this message.</summary>
    DuplicateSuppressed,

    /// <summary>The packet's authentication code did not verify, or it named an incarnation no honest end can have sent.</summary>
    Rejected,

    /// <summary>The packet's sequence number lay beyond the receiver's window.</summary>
    OutOfWindow,

    /// <summary>
    /// The sender gave up on the message: at the retransmission limit (its own or another message's of the same
    /// stream), at its own crash, or because the receiver restarted before acknowledging it. It may or may not have
    /// been delivered; never twice.
    /// </summary>
    Abandoned,

    /// <summary>
    /// The packet belonged to an old incarnation of one end (a frame sent before a restart, or a replay of one):
    /// discarded (traced as <c>stale</c> at the end that discarded it).
    /// </summary>
    Stale,

    /// <summary>
    /// The sender learned the receiver's incarnation (first contact, or the receiver restarted): a new stream
    /// starts (traced as <c>handshake</c>).
    /// </summary>
    Handshake,
}

/// <summary>
/// What the simulator offers one link session (one ordered pair <see cref="From"/> → <see cref="To"/>):
/// the lossy network below, the node above, timers, a random stream and a key.
/// </summary>
/// <remarks>Not thread-safe; used only on the simulation's thread. See <c>docs/concepts/links.md</c>.</remarks>
public interface ILinkHost
{
    /// <summary>The sending node of the session.</summary>
    NodeId From { get; }

    /// <summary>The receiving node of the session.</summary>
    NodeId To { get; }

    /// <summary>The pair's name, as in traces and stream names: <c>&lt;from&gt;-&gt;&lt;to&gt;</c>, e.g. <c>A-&gt;B</c>.</summary>
    string Name { get; }

    /// <summary>True virtual time.</summary>
    SimTime Now { get; }

    /// <summary>The session's own stream (<c>linkproto:&lt;from&gt;-&gt;&lt;to&gt;</c>).</summary>
    RandomStream Random { get; }

    /// <summary>
    /// The secret key of this ordered pair, derived from the seed (32 bytes); known to both ends only — within the
    /// simulation. Anyone who has the seed can derive it and forge: a property of simulation, not of security.
    /// </summary>
    ReadOnlySpan<byte> Key { get; }

    /// <summary>
    /// Puts one packet on the fair-loss network: from <see cref="From"/> to <see cref="To"/>, or, when
    /// <paramref name="reverse"/> is true (acknowledgements), from <see cref="To"/> to <see cref="From"/>.
    /// </summary>
    /// <param name="reverse">True for packets from the receiver back to the sender.</param>
    /// <param name="messageId">The application message the packet carries or acknowledges.</param>
    /// <param name="frame">What goes on the wire.</param>
    /// <param name="kind">Decides the trace event.</param>
    void Transmit(bool reverse, long messageId, object frame, TransmitKind kind);

    /// <summary>Hands a message to the receiving node's <c>OnMessage</c> (traced as <c>deliver</c>).</summary>
    /// <param name="packet">The packet that carried it.</param>
    /// <param name="message">The application message.</param>
    void Deliver(in LinkPacket packet, object message);

    /// <summary>Records what the session did with a packet or a message.</summary>
    /// <param name="verdict">What happened.</param>
    /// <param name="messageId">The message concerned.</param>
    /// <param name="packet">The packet concerned (default when none).</param>
    void Record(LinkVerdict verdict, long messageId, in LinkPacket packet);

    /// <summary>Sets a timer for the session; <see cref="ILinkSession.OnTimer"/> gets <paramref name="token"/> back.</summary>
    /// <param name="delay">At least zero.</param>
    /// <param name="token">The session's own meaning, e.g. a sequence number.</param>
    /// <returns>The timer, for <see cref="CancelTimer"/>.</returns>
    TimerId SetTimer(TimeSpan delay, long token);

    /// <summary>
    /// Cancels a timer of this session that has not fired: it leaves the event queue at once (a retransmission timer
    /// of a message just acknowledged costs nothing more). Cancelling one that fired or was cancelled does nothing.
    /// </summary>
    /// <param name="timer">A timer <see cref="SetTimer"/> returned.</param>
    /// <returns>True when the timer was pending.</returns>
    bool CancelTimer(TimerId timer);
}
