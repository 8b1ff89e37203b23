using System.Security.Cryptography;

namespace DistSim.Links;

/// <summary>
/// The authenticated link: the reliable link, with every frame carrying an HMAC-SHA256 under the key of
/// its ordered pair (derived from the seed, known to the two ends only). The receiver verifies the MAC
/// in constant time before anything else; a tampered, forged or mis-addressed packet is rejected and
/// traced; a replayed one (valid MAC) is suppressed as a duplicate (old sequence number) or rejected as
/// <c>stale</c> (old incarnation of either end: the MAC covers the incarnations, so they cannot be rewritten).
/// </summary>
internal sealed class AuthenticatedLink(ReliableLinkOptions options) : ILink
{
    public string Name => "authenticated";

    public ILinkSession CreateSession(ILinkHost host) => new Session(host, options);

    private sealed class Session(ILinkHost host, ReliableLinkOptions options) : ReliableSession(host, options)
    {
        protected override object Wrap(object frame) => new AuthenticatedFrame(frame, Mac(frame));

        protected override object? Unwrap(in LinkPacket packet)
        {
            if (packet.Frame is not AuthenticatedFrame { Frame: DataFrame or AckFrame } authenticated || authenticated.Mac is null)
            {
                return null;
            }

            Span<byte> expected = stackalloc byte[CanonicalEncoding.MacSize]; // verifying allocates nothing
            try
            {
                CanonicalEncoding.Mac(Host.Key, Host.From.Value, Host.To.Value, authenticated.Frame, expected);
            }
            catch (Messages.MessageEncodingException)
            {
                return null; // no sender could have sealed it: a made-up frame
            }

            return CryptographicOperations.FixedTimeEquals(expected, authenticated.Mac) ? authenticated.Frame : null;
        }

        private byte[] Mac(object frame) => CanonicalEncoding.Mac(Host.Key, Host.From.Value, Host.To.Value, frame);
    }
}
