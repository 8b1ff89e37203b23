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
internal sealed class ReliableLink(ReliableLinkOptions options, string name = "reliable") : ILink
{
    public ReliableLinkOptions Options { get; } = options;

    public string Name { get; } = name;

    public ILinkSession CreateSession(ILinkHost host) => new ReliableSession(host, Options);
}
