using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>
/// The simulated network: a fair-loss link for every ordered pair of nodes, configured for the whole
/// network by <see cref="SimulationOptions.Network"/> and overridden per pair with <see cref="SetLink"/>.
/// </summary>
/// <remarks>
/// Each ordered pair draws from its own stream (<c>link:A-&gt;B</c>), created when the pair first
/// carries a message, so adding nodes or links never shifts the draws of the others. Not thread-safe.
/// See <c>docs/concepts/network.md</c>.
/// </remarks>
public sealed class SimNetwork
{
    private readonly Simulation _simulation;
    private readonly Dictionary<long, FairLossChannel> _channels = [];
    private readonly Dictionary<long, FairLossLinkOptions> _overrides = [];

    internal SimNetwork(Simulation simulation, FairLossLinkOptions defaults)
    {
        _simulation = simulation;
        Defaults = defaults;
    }

    /// <summary>The link of every pair without an override.</summary>
    public FairLossLinkOptions Defaults { get; }

    /// <summary>Overrides the fair-loss link from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    /// <param name="options">The link's behaviour; validated now.</param>
    public void SetLink(NodeId from, NodeId to, FairLossLinkOptions options)
    {
        _simulation.RequireNode(from, nameof(from));
        _simulation.RequireNode(to, nameof(to));
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        long key = Key(from.Value, to.Value);
        _overrides[key] = options;
        if (_channels.TryGetValue(key, out FairLossChannel? channel))
        {
            channel.Reconfigure(options);
        }
    }

    /// <summary>Overrides the link in both directions between two nodes.</summary>
    /// <param name="a">One node.</param>
    /// <param name="b">The other node.</param>
    /// <param name="options">The links' behaviour.</param>
    public void SetLinks(NodeId a, NodeId b, FairLossLinkOptions options)
    {
        SetLink(a, b, options);
        SetLink(b, a, options);
    }

    /// <summary>The link options in force from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    public FairLossLinkOptions GetLink(NodeId from, NodeId to)
    {
        _simulation.RequireNode(from, nameof(from));
        _simulation.RequireNode(to, nameof(to));
        return _overrides.TryGetValue(Key(from.Value, to.Value), out FairLossLinkOptions? o) ? o : Defaults;
    }

    internal FairLossChannel Channel(int from, int to)
    {
        long key = Key(from, to);
        if (!_channels.TryGetValue(key, out FairLossChannel? channel))
        {
            FairLossLinkOptions options = _overrides.TryGetValue(key, out FairLossLinkOptions? o) ? o : Defaults;
            string name = "link:" + _simulation.NodeName(new NodeId(from)) + "->" + _simulation.NodeName(new NodeId(to));
            channel = new FairLossChannel(StreamSeed.Create(_simulation.Seed, name), options);
            _channels.Add(key, channel);
        }

        return channel;
    }

    private static long Key(int from, int to) => ((long)from << 32) | (uint)to;
}
