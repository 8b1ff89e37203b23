namespace DistSim.Links;

/// <summary>The receiver's half: incarnation checks, duplicate suppression, delivery, acknowledgements.</summary>
internal partial class ReliableProtocol
{
    // The receivers' rings of flags: a row's ring flags (Cumulative, Cumulative + SeenLength] (indexed by sequence
    // number modulo its power-of-two length), taken when a message arrives out of order, grown on need up to the
    // window, and given back when the cumulative point has caught up with every flag.
    private readonly SegmentSlab<bool> _seen = new();

    private void OnData(int row, in LinkPacket packet, long senderIncarnation, long receiverIncarnation, long seq, object message)
    {
        ref ReliableRow r = ref Row(row);
        if (receiverIncarnation != r.ReceiverIncarnation || senderIncarnation <= 0)
        {
            OnUnbound(row, packet, senderIncarnation, receiverIncarnation);
            return;
        }

        if (senderIncarnation < r.StreamFrom)
        {
            Stale(row, packet); // from a sender incarnation that has since restarted
            return;
        }

        if (senderIncarnation > r.StreamFrom)
        {
            // The sender restarted (or this is first contact): its new stream starts at 1.
            r.StreamFrom = senderIncarnation;
            r.Cumulative = 0;
            ForgetSeen(ref r);
        }

        if (seq <= r.Cumulative || (seq <= r.Cumulative + _window && Seen(ref r, seq)))
        {
            r.Counts.DuplicatesSuppressed++;
            Record(row, LinkVerdict.DuplicateSuppressed, packet.MessageId, packet);
            SendAck(row, packet.MessageId, seq);
            return;
        }

        if (seq > r.Cumulative + _window)
        {
            r.Counts.OutOfWindow++;
            Record(row, LinkVerdict.OutOfWindow, packet.MessageId, packet);
            return;
        }

        if (seq == r.Cumulative + 1)
        {
            r.Cumulative++; // in order: nothing to remember
        }
        else
        {
            MarkSeen(ref r, seq);
        }

        while (Seen(ref r, r.Cumulative + 1))
        {
            _seen.Items[r.Seen + (int)((r.Cumulative + 1) & (r.SeenLength - 1))] = false;
            r.SeenCount--;
            r.Cumulative++;
        }

        if (r.SeenCount == 0)
        {
            ForgetSeen(ref r); // caught up: nothing beyond the cumulative point to remember
        }

        SendAck(row, packet.MessageId, seq);
        r.Counts.Delivered++;
        Deliver(row, packet, message);
    }

    /// <summary>
    /// A data frame not bound to this incarnation is never delivered. A probe (bound to "unknown") or a frame bound
    /// to a dead incarnation of this end is answered with a sync, so that a live sender learns the incarnation; the
    /// latter is also stale. A frame of a sender incarnation older than the stream's is stale and unanswered (no one
    /// is left to hear the answer); one naming a later incarnation of this end, or none, cannot be honest.
    /// </summary>
    private void OnUnbound(int row, in LinkPacket packet, long senderIncarnation, long receiverIncarnation)
    {
        ref ReliableRow r = ref Row(row);
        if (receiverIncarnation > r.ReceiverIncarnation || receiverIncarnation < 0 || senderIncarnation <= 0)
        {
            Reject(row, packet);
            return;
        }

        if (senderIncarnation < r.StreamFrom)
        {
            Stale(row, packet);
            return;
        }

        if (receiverIncarnation != 0)
        {
            Stale(row, packet);
        }

        Ack(row, packet.MessageId, senderIncarnation, 0, senderIncarnation == r.StreamFrom ? r.Cumulative : 0); // a sync: it acknowledges nothing new
    }

    /// <summary>Whether <paramref name="seq"/> (beyond the cumulative point) was delivered.</summary>
    private bool Seen(ref ReliableRow r, long seq) =>
        seq - r.Cumulative <= r.SeenLength && r.SeenLength > 0 && _seen.Items[r.Seen + (int)(seq & (r.SeenLength - 1))];

    /// <summary>Remembers <paramref name="seq"/>, at most a window beyond the cumulative point, growing the ring if needed.</summary>
    private void MarkSeen(ref ReliableRow r, long seq)
    {
        long ahead = seq - r.Cumulative;
        if (ahead > r.SeenLength)
        {
            int length = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)ahead);
            int start = _seen.Take(length);
            if (r.SeenLength > 0)
            {
                bool[] flags = _seen.Items;
                for (long s = r.Cumulative + 1; s <= r.Cumulative + r.SeenLength; s++)
                {
                    flags[start + (int)(s & (length - 1))] = flags[r.Seen + (int)(s & (r.SeenLength - 1))];
                }

                _seen.Give(r.Seen, r.SeenLength);
            }

            r.Seen = start;
            r.SeenLength = length;
        }

        _seen.Items[r.Seen + (int)(seq & (r.SeenLength - 1))] = true;
        r.SeenCount++;
    }

    /// <summary>Clears every flag: the row's ring goes back to the slab.</summary>
    private void ForgetSeen(ref ReliableRow r)
    {
        if (r.SeenLength > 0)
        {
            _seen.Give(r.Seen, r.SeenLength);
            r.Seen = 0;
            r.SeenLength = 0;
        }

        r.SeenCount = 0;
    }

    private void SendAck(int row, long messageId, long seq)
    {
        ref ReliableRow r = ref Row(row);
        Ack(row, messageId, r.StreamFrom, seq, r.Cumulative);
    }

    private void Ack(int row, long messageId, long senderIncarnation, long seq, long cumulative)
    {
        ref ReliableRow r = ref Row(row);
        r.Counts.AcksSent++;
        object ack = NewAckFrame(row, senderIncarnation, r.ReceiverIncarnation, seq, cumulative); // held by this call only
        Transmit(row, reverse: true, messageId, ack, TransmitKind.Ack);
        ReleaseFrame(ack);
    }

    /// <summary>
    /// The receiver end crashed and its link state was in memory: it forgets what it delivered and from whom, and
    /// its incarnation goes up (the counter is on its disk), so frames bound to the old one are stale from now on.
    /// </summary>
    private void CrashReceiver(int row)
    {
        ref ReliableRow r = ref Row(row);
        ForgetSeen(ref r);
        r.Cumulative = 0;
        r.StreamFrom = 0;
        r.ReceiverIncarnation++;
    }
}
