namespace DistSim.Links;

/// <summary>
/// The fair-loss link: no protocol of its own. A message goes on the wire once and whatever arrives is
/// delivered, duplicates included. Its loss, duplication and delay are the network's
/// (<see cref="FairLossLinkOptions"/>).
/// </summary>
internal sealed class FairLossLink : ILink
{
    public static readonly FairLossLink Instance = new();

    public string Name => "fair-loss";

    public ILinkSession CreateSession(ILinkHost host) => new Session(host);

    private sealed class Session(ILinkHost host) : ILinkSession
    {
        public LinkCounters Counters { get; } = new();

        public int DedupMemory => 0;

        public void Send(long messageId, object message)
        {
            Counters.Sent++;
            host.Transmit(reverse: false, messageId, message, TransmitKind.First);
        }

        public void OnPacket(in LinkPacket packet)
        {
            Counters.Delivered++;
            host.Deliver(packet, packet.Frame);
        }

        public void OnTimer(long token)
        {
        }

        public void OnCrash(Nodes.NodeId node)
        {
            // no state to lose
        }
    }
}
