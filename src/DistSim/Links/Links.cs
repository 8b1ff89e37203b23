namespace DistSim.Links;

/// <summary>The built-in link protocols. Choose one for the whole network (<see cref="SimulationOptions.Link"/>) or per ordered pair (<see cref="Network.SimNetwork.SetLink"/>).</summary>
public static class Links
{
    /// <summary>The fair-loss link: what the network does, nothing more (the default).</summary>
    public static ILink FairLoss => FairLossLink.Instance;

    /// <summary>
    /// The reliable link: retransmission with backoff, acknowledgements, bounded duplicate suppression, and incarnations
    /// so that no message is delivered twice across restarts.
    /// </summary>
    /// <param name="options">Its options (validated now); the defaults when null.</param>
    public static ILink Reliable(ReliableLinkOptions? options = null)
    {
        options ??= ReliableLinkOptions.Default;
        options.Validate();
        return new ReliableLink(options);
    }

    /// <summary>
    /// The authenticated link: the reliable link plus an HMAC-SHA256 on every frame, keyed per ordered pair
    /// from the seed; tampered, forged and replayed packets never reach the node.
    /// </summary>
    /// <param name="options">The reliability options (validated now); the defaults when null.</param>
    public static ILink Authenticated(ReliableLinkOptions? options = null)
    {
        options ??= ReliableLinkOptions.Default;
        options.Validate();
        return new AuthenticatedLink(options);
    }
}
