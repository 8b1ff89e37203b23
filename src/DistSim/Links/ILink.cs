namespace DistSim.Links;

/// <summary>
/// A link protocol: the layer between a node's <c>Send</c> and the fair-loss network. It creates one
/// session per ordered pair of nodes. Built-in links come from <see cref="Links"/>.
/// </summary>
/// <remarks>
/// Links are layers, not flags: the reliable link really retransmits over the lossy network and really
/// suppresses duplicates, so its cost shows in the counts. See <c>docs/concepts/links.md</c>.
/// </remarks>
public interface ILink
{
    /// <summary>The link's name in traces and output, e.g. <c>reliable</c>.</summary>
    string Name { get; }

    /// <summary>Creates the session of one ordered pair.</summary>
    /// <param name="host">What the simulator offers the session.</param>
    /// <returns>A new session, not null. It must not be asked for while it is being created (through
    /// <c>Network.Session</c> or a send on the same pair): the simulator refuses that with an
    /// <see cref="InvalidOperationException"/>.</returns>
    ILinkSession CreateSession(ILinkHost host);
}

/// <summary>
/// The state of one link protocol between one ordered pair (sender → receiver): the sender's half and the
/// receiver's half. Each half must use only what its own end could know.
/// </summary>
public interface ILinkSession
{
    /// <summary>The session's counters.</summary>
    LinkCounters Counters { get; }

    /// <summary>
    /// Entries the receiver keeps now, beyond what a counter summarises, to recognise duplicates (bounded for a real
    /// link: at most the window for the built-in reliable links, which give them back once every message up to the
    /// newest has arrived, so an idle pair keeps none).
    /// </summary>
    int DedupMemory { get; }

    /// <summary>The sending node sent <paramref name="message"/> (its id is <paramref name="messageId"/>).</summary>
    /// <param name="messageId">The id the simulator gave the message.</param>
    /// <param name="message">The application message.</param>
    void Send(long messageId, object message);

    /// <summary>A packet of this session arrived (data at the receiver, or an acknowledgement at the sender).</summary>
    /// <param name="packet">The packet.</param>
    void OnPacket(in LinkPacket packet);

    /// <summary>A timer set through <see cref="ILinkHost.SetTimer"/> fired.</summary>
    /// <param name="token">The token given when it was set.</param>
    void OnTimer(long token);

    /// <summary>
    /// One end of the session crashed (<see cref="ILinkHost.From"/>, <see cref="ILinkHost.To"/>, or both):
    /// the state that end kept in memory is lost, unless the link keeps it in durable storage. What that end
    /// would keep on disk (for the built-in links, its incarnation number) survives; the node's own incarnation
    /// is not visible here, so a link counts its ends' restarts itself.
    /// </summary>
    /// <param name="node">The node that crashed.</param>
    void OnCrash(Nodes.NodeId node);
}
