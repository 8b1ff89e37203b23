namespace DistSim.Links;

/// <summary>A frame of the authenticated link: a reliable-link frame and its HMAC-SHA256.</summary>
/// <param name="Frame">The inner <see cref="DataFrame"/> or <see cref="AckFrame"/>.</param>
/// <param name="Mac">HMAC-SHA256 over the canonical encoding of the session's ends and the inner frame (32 bytes).</param>
public sealed record AuthenticatedFrame(object Frame, byte[] Mac)
{
    /// <summary>Shows the frame and the first bytes of its MAC.</summary>
    public override string ToString() => $"AuthenticatedFrame {{ Frame = {Frame}, Mac = {Convert.ToHexString(Mac, 0, Math.Min(4, Mac.Length))}… }}";
}
