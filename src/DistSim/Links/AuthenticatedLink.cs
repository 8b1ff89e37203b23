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
        protected override object NewDataFrame(long senderIncarnation, long receiverIncarnation, long seq, object message) =>
            Seal(senderIncarnation, receiverIncarnation, seq, message, 0);

        protected override object NewAckFrame(long senderIncarnation, long receiverIncarnation, long seq, long cumulative) =>
            Seal(senderIncarnation, receiverIncarnation, seq, null, cumulative);

        protected override object? Unwrap(in LinkPacket packet)
        {
            Span<byte> expected = stackalloc byte[CanonicalEncoding.MacSize]; // verifying allocates nothing
            if (packet.Frame is AuthenticatedCarrier carrier)
            {
                // This link's own frame, its fields and MAC inline: verified as a record would be (it cannot have been
                // tampered with: carriers travel only where there is no in-transit adversary).
                try
                {
                    CanonicalEncoding.Mac(Host.Key, Host.From.Value, Host.To.Value, carrier.SenderIncarnation, carrier.ReceiverIncarnation, carrier.Seq,
                        carrier.Message, carrier.Cumulative, expected);
                }
                catch (Messages.MessageEncodingException)
                {
                    return null;
                }

                return CryptographicOperations.FixedTimeEquals(expected, carrier.Mac) ? carrier : null;
            }

            if (packet.Frame is not AuthenticatedFrame { Frame: DataFrame or AckFrame } authenticated || authenticated.Mac is null)
            {
                return null;
            }

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

        /// <summary>A frame with its MAC: a data frame when <paramref name="message"/> is not null, else an acknowledgement of <paramref name="cumulative"/>.</summary>
        private object Seal(long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative)
        {
            if (Pool is { } pool)
            {
                AuthenticatedCarrier carrier = pool.Authenticated(senderIncarnation, receiverIncarnation, seq, message, cumulative);
                CanonicalEncoding.Mac(Host.Key, Host.From.Value, Host.To.Value, senderIncarnation, receiverIncarnation, seq, message, cumulative, carrier.Mac);
                return carrier;
            }

            object frame = message is not null
                ? new DataFrame(senderIncarnation, receiverIncarnation, seq, message)
                : new AckFrame(senderIncarnation, receiverIncarnation, seq, cumulative);
            return new AuthenticatedFrame(frame, CanonicalEncoding.Mac(Host.Key, Host.From.Value, Host.To.Value, frame));
        }
    }
}
