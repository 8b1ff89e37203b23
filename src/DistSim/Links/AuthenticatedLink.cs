namespace DistSim.Links;

/// <summary>
/// The authenticated link: the reliable link, with every frame carrying an HMAC-SHA256 under the key of
/// its ordered pair (derived from the seed, known to the two ends only). The receiver verifies the MAC
/// in constant time before anything else; a tampered, forged or mis-addressed packet is rejected and
/// traced; a replayed one (valid MAC) is suppressed as a duplicate (old sequence number) or rejected as
/// <c>stale</c> (old incarnation of either end: the MAC covers the incarnations, so they cannot be rewritten).
/// The protocol is <see cref="ReliableProtocol"/>'s, with authentication on.
/// </summary>
internal sealed class AuthenticatedLink(ReliableLinkOptions options) : IBuiltInReliableLink
{
    public string Name => "authenticated";

    public ReliableLinkOptions Options { get; } = options;

    public bool Authenticated => true;

    public ILinkSession CreateSession(ILinkHost host) => new ReliableSession(host, Options, authenticated: true);
}
