namespace DistSim.Samples.Bench;

/// <summary>
/// The bare baseline of ring and all-to-all over the reliable link, and (<paramref name="authenticated"/>) over the
/// authenticated link: what a minimal hand-written reliable link must do when the network loses nothing.
/// </summary>
/// <remarks>
/// <para>Per message: the sender takes the pair's next sequence number and counts it unacknowledged, and pushes a
/// data packet; the receiver pops it, suppresses duplicates with the pair's cumulative sequence number and a 64-bit
/// window of sequence numbers seen above it, pushes an acknowledgement and hands the token to the node (which sends
/// the next message); the sender pops the acknowledgement and counts the message acknowledged. Two pushes and two
/// pops per message. No retransmission timer: the network loses nothing, so a timer would never fire. More than 64
/// unacknowledged messages on one pair, or a sequence number beyond the window, fail the run (they do not occur
/// with these workloads).</para>
/// <para>Per-pair state (<see cref="BarePairTable"/>) is 24 bytes in a flat K × K array for K ≤ 2,048, a dictionary
/// with a mixing hash above.</para>
/// <para>Authenticated: an HMAC-SHA256 (<see cref="BareMac"/>) over (sender, receiver, kind, sequence, hop) on every
/// data packet and every acknowledgement, recomputed and compared in constant time on receipt.</para>
/// </remarks>
/// <param name="allToAll">True for random peers, false for the ring.</param>
/// <param name="authenticated">True for the authenticated link.</param>
/// <param name="nodes">K.</param>
/// <param name="messages">D.</param>
/// <param name="seed">The master seed.</param>
public sealed class BareReliable(bool allToAll, bool authenticated, int nodes, long messages, ulong seed)
    : BareMessageLoop(allToAll, nodes, messages, seed)
{
    /// <summary>The receiver's duplicate-suppression window above its cumulative sequence number (DistSim's default window).</summary>
    public const int Window = 64;

    private const int Start = 0;
    private const int Data = 1;
    private const int Ack = 2;

    private readonly PriorityQueue<Packet, BareKey> _queue = new(nodes);
    private readonly BarePairTable _pairs = new(nodes);
    private readonly BareMac? _mac = authenticated ? new BareMac(nodes, seed) : null;
    private long _now;

    /// <inheritdoc />
    public override void Run()
    {
        for (int i = 0; i < Nodes; i++)
        {
            _queue.Enqueue(new Packet { To = i, Kind = Start }, new BareKey(0, Sequence++));
        }

        Counts.Pushes = Nodes;
        while (Chunk())
        {
        }

        Counts.EndTime = _now;
    }

    private bool Chunk()
    {
        for (int e = 0; e < ChunkSize; e++)
        {
            if (!_queue.TryDequeue(out Packet packet, out BareKey key))
            {
                return false;
            }

            _now = key.Time;
            Counts.Pops++;
            switch (packet.Kind)
            {
                case Start:
                    SendNext(packet.To, 0);
                    break;
                case Data:
                    OnData(in packet);
                    break;
                default:
                    OnAck(in packet);
                    break;
            }
        }

        return true;
    }

    private void SendNext(int from, int hop)
    {
        if (!TryTake())
        {
            return;
        }

        int to = Peer(from);
        ref BarePairTable.State pair = ref _pairs.Get(from, to);
        int seq = ++pair.SendNext;
        if (++pair.Unacknowledged > Window)
        {
            throw new InvalidOperationException(Invariant($"bare reliable link: more than {Window} unacknowledged messages from n{from} to n{to}"));
        }

        int tag = -1;
        if (_mac is { } mac)
        {
            tag = mac.Sign(from, to, Data, seq, hop);
            Counts.MacsComputed++;
        }

        Push(new Packet { To = to, From = from, Kind = Data, Seq = seq, Tag = tag, Token = new Token(hop) }, from);
        Counts.DataPackets++;
    }

    private void OnData(in Packet packet)
    {
        int hop = packet.Token!.Hop;
        Verify(in packet, packet.From, packet.To, hop);
        ref BarePairTable.State pair = ref _pairs.Get(packet.From, packet.To);
        int offset = packet.Seq - pair.Cumulative;
        if (offset > Window)
        {
            throw new InvalidOperationException(Invariant($"bare reliable link: sequence number {packet.Seq} from n{packet.From} to n{packet.To} is beyond the window"));
        }

        bool duplicate = offset <= 0 || (pair.Seen & (1UL << (offset - 1))) != 0;
        if (!duplicate)
        {
            pair.Seen |= 1UL << (offset - 1);
            while ((pair.Seen & 1) != 0)
            {
                pair.Cumulative++;
                pair.Seen >>= 1;
            }
        }

        int tag = -1;
        if (_mac is { } mac)
        {
            tag = mac.Sign(packet.From, packet.To, Ack, packet.Seq, 0);
            Counts.MacsComputed++;
        }

        Push(new Packet { To = packet.From, From = packet.To, Kind = Ack, Seq = packet.Seq, Tag = tag }, packet.To);
        Counts.Acks++;
        if (!duplicate)
        {
            Counts.Deliveries++;
            SendNext(packet.To, hop + 1);
        }
    }

    private void OnAck(in Packet packet)
    {
        // An acknowledgement travels from the data's receiver (packet.From) to its sender (packet.To): the pair is (To, From).
        Verify(in packet, packet.To, packet.From, 0);
        ref BarePairTable.State pair = ref _pairs.Get(packet.To, packet.From);
        if (--pair.Unacknowledged < 0)
        {
            throw new InvalidOperationException(Invariant($"bare reliable link: an acknowledgement from n{packet.From} with nothing unacknowledged"));
        }

        Counts.AcksReceived++;
    }

    private void Verify(in Packet packet, int sender, int receiver, int hop)
    {
        if (_mac is { } mac)
        {
            if (!mac.Verify(packet.Tag, sender, receiver, packet.Kind, packet.Seq, hop))
            {
                throw new InvalidOperationException(Invariant($"bare authenticated link: a packet from n{packet.From} to n{packet.To} failed verification"));
            }

            Counts.MacsVerified++;
        }
    }

    private void Push(Packet packet, int from)
    {
        _queue.Enqueue(packet, Arrival(_now, from));
        Counts.Pushes++;
    }

    /// <summary>One packet on the bare wire: a start entry, a data packet or an acknowledgement (32 bytes).</summary>
    private struct Packet
    {
        public int To;
        public int From;
        public int Kind;
        public int Seq;
        public int Tag;
        public Token? Token;
    }
}
