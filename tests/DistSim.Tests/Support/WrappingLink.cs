using DistSim.Links;
using DistSim.Nodes;

namespace DistSim.Tests.Support;

/// <summary>
/// A user's link that wraps another (a built-in one, usually) and hands it the host, as a decorator would: its sessions
/// pass everything through, and it keeps every frame they are shown. A built-in link under it gives a session object
/// of its own per pair (the kernel keeps the built-in links' own sessions as rows of a table).
/// </summary>
public sealed class WrappingLink(ILink inner, string? name = null) : ILink
{
    /// <summary>The name given, or the wrapped link's.</summary>
    public string Name => name ?? inner.Name;

    /// <summary>Every frame a session of this link was shown, in order.</summary>
    public List<object> Seen { get; } = [];

    /// <inheritdoc/>
    public ILinkSession CreateSession(ILinkHost host) => new Session(inner.CreateSession(host), Seen);

    private sealed class Session(ILinkSession inner, List<object> seen) : ILinkSession
    {
        public LinkCounters Counters => inner.Counters;

        public int DedupMemory => inner.DedupMemory;

        public void Send(long messageId, object message) => inner.Send(messageId, message);

        public void OnPacket(in LinkPacket packet)
        {
            seen.Add(packet.Frame);
            inner.OnPacket(packet);
        }

        public void OnTimer(long token) => inner.OnTimer(token);

        public void OnCrash(NodeId node) => inner.OnCrash(node);
    }
}
