namespace DistSim.Links;

/// <summary>
/// The reliable (perfect) link, built on the fair-loss network: the sender numbers its messages and
/// retransmits each one, with backoff, until it is acknowledged; the receiver delivers each sequence
/// number once, acknowledges every data packet (duplicates too, in case the first acknowledgement was
/// lost), and suppresses duplicates with a cumulative acknowledgement plus a window of
/// <see cref="ReliableLinkOptions.Window"/> flags, so its memory never grows with the traffic. Each end has an
/// incarnation that a restart raises; frames carry both, so a frame of an old incarnation (sent before a restart,
/// or replayed) is rejected as <c>stale</c>, never delivered (see <c>docs/concepts/links.md</c>).
/// </summary>
/// <remarks>
/// The simulation keeps the sessions of this link as rows of its own table (<see cref="Network.ReliableTable"/>);
/// <see cref="CreateSession"/> is for a user's link that wraps this one.
/// </remarks>
internal sealed class ReliableLink(ReliableLinkOptions options, string name = "reliable") : IBuiltInReliableLink
{
    public ReliableLinkOptions Options { get; } = options;

    public string Name { get; } = name;

    public bool Authenticated => false;

    public ILinkSession CreateSession(ILinkHost host) => new ReliableSession(host, Options, authenticated: false);
}

/// <summary>A built-in link of the reliable family (reliable, authenticated): the kernel keeps its sessions as table rows.</summary>
internal interface IBuiltInReliableLink : ILink
{
    /// <summary>The link's options.</summary>
    ReliableLinkOptions Options { get; }

    /// <summary>Whether every frame carries an HMAC under its pair's key.</summary>
    bool Authenticated { get; }
}
