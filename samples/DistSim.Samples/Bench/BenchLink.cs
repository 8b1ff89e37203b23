namespace DistSim.Samples.Bench;

/// <summary>The link of the message workloads (<c>--link</c>).</summary>
public enum BenchLink
{
    /// <summary><see cref="Links.Links.FairLoss"/>; baseline: one queue entry per message.</summary>
    FairLoss,

    /// <summary><see cref="Links.Links.Reliable"/> with default options; baseline: data and ack packets, per-pair sequence numbers and dedup.</summary>
    Reliable,

    /// <summary><see cref="Links.Links.Authenticated"/> with default options; baseline: the reliable one plus an HMAC-SHA256 per packet.</summary>
    Authenticated,
}

/// <summary>Names of <see cref="BenchLink"/> values as on the command line.</summary>
public static class BenchLinks
{
    /// <summary>Every link, in the order of <see cref="BenchLink"/>.</summary>
    public static IReadOnlyList<BenchLink> All { get; } = [BenchLink.FairLoss, BenchLink.Reliable, BenchLink.Authenticated];

    /// <summary>The command-line name: <c>fair-loss</c>, <c>reliable</c>, <c>authenticated</c>.</summary>
    /// <param name="link">The link.</param>
    public static string Name(BenchLink link) => link switch
    {
        BenchLink.FairLoss => "fair-loss",
        BenchLink.Reliable => "reliable",
        BenchLink.Authenticated => "authenticated",
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "is not a bench link"),
    };

    /// <summary>The link of a command-line name.</summary>
    /// <param name="name">One of the names of <see cref="Name"/>.</param>
    public static BenchLink Parse(string name)
    {
        foreach (BenchLink link in All)
        {
            if (Name(link) == name)
            {
                return link;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(name), name, "is not one of fair-loss, reliable, authenticated");
    }

    /// <summary>The DistSim link for <paramref name="link"/>, with default options.</summary>
    /// <param name="link">The link.</param>
    public static Links.ILink Create(BenchLink link) => link switch
    {
        BenchLink.FairLoss => Links.Links.FairLoss,
        BenchLink.Reliable => Links.Links.Reliable(),
        BenchLink.Authenticated => Links.Links.Authenticated(),
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "is not a bench link"),
    };
}
