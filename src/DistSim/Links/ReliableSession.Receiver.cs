namespace DistSim.Links;

/// <summary>The receiver's half: incarnation checks, duplicate suppression, delivery, acknowledgements.</summary>
internal partial class ReliableSession
{
    // Every sequence number <= _cumulative of the stream (_streamFrom, _receiverIncarnation) was delivered;
    // _seen flags (cumulative, cumulative + _seen.Length] (a ring whose length is a power of two, grown on need up to
    // the window). _receiverIncarnation is the receiver end's boot counter (it survives its crashes); _streamFrom is the
    // newest sender incarnation it has taken a stream from (0: none yet).
    private bool[] _seen = [];
    private long _cumulative;
    private long _receiverIncarnation = 1;
    private long _streamFrom;

    private void OnData(in LinkPacket packet, long senderIncarnation, long receiverIncarnation, long seq, object message)
    {
        if (receiverIncarnation != _receiverIncarnation || senderIncarnation <= 0)
        {
            OnUnbound(packet, senderIncarnation, receiverIncarnation);
            return;
        }

        if (senderIncarnation < _streamFrom)
        {
            Stale(packet); // from a sender incarnation that has since restarted
            return;
        }

        if (senderIncarnation > _streamFrom)
        {
            // The sender restarted (or this is first contact): its new stream starts at 1.
            _streamFrom = senderIncarnation;
            _cumulative = 0;
            Array.Clear(_seen);
        }

        if (seq <= _cumulative || (seq <= _cumulative + _window && Seen(seq)))
        {
            Counters.DuplicatesSuppressed++;
            _host.Record(LinkVerdict.DuplicateSuppressed, packet.MessageId, packet);
            SendAck(packet.MessageId, seq);
            return;
        }

        if (seq > _cumulative + _window)
        {
            Counters.OutOfWindow++;
            _host.Record(LinkVerdict.OutOfWindow, packet.MessageId, packet);
            return;
        }

        if (seq == _cumulative + 1)
        {
            _cumulative++; // in order: nothing to remember
        }
        else
        {
            MarkSeen(seq);
        }

        while (Seen(_cumulative + 1))
        {
            _seen[(_cumulative + 1) & (_seen.Length - 1)] = false;
            _cumulative++;
        }

        SendAck(packet.MessageId, seq);
        Counters.Delivered++;
        _host.Deliver(packet, message);
    }

    /// <summary>
    /// A data frame not bound to this incarnation is never delivered. A probe (bound to "unknown") or a frame bound
    /// to a dead incarnation of this end is answered with a sync, so that a live sender learns the incarnation; the
    /// latter is also stale. A frame of a sender incarnation older than the stream's is stale and unanswered (no one
    /// is left to hear the answer); one naming a later incarnation of this end, or none, cannot be honest.
    /// </summary>
    private void OnUnbound(in LinkPacket packet, long senderIncarnation, long receiverIncarnation)
    {
        if (receiverIncarnation > _receiverIncarnation || receiverIncarnation < 0 || senderIncarnation <= 0)
        {
            Reject(packet);
            return;
        }

        if (senderIncarnation < _streamFrom)
        {
            Stale(packet);
            return;
        }

        if (receiverIncarnation != 0)
        {
            Stale(packet);
        }

        Ack(packet.MessageId, senderIncarnation, 0, senderIncarnation == _streamFrom ? _cumulative : 0); // a sync: it acknowledges nothing new
    }

    /// <summary>Whether <paramref name="seq"/> (beyond the cumulative point) was delivered.</summary>
    private bool Seen(long seq) => seq - _cumulative <= _seen.Length && _seen.Length > 0 && _seen[seq & (_seen.Length - 1)];

    /// <summary>Remembers <paramref name="seq"/>, at most a window beyond the cumulative point, growing the ring if needed.</summary>
    private void MarkSeen(long seq)
    {
        long ahead = seq - _cumulative;
        if (ahead > _seen.Length)
        {
            var ring = new bool[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)ahead)];
            for (long s = _cumulative + 1; s <= _cumulative + _seen.Length; s++)
            {
                ring[s & (ring.Length - 1)] = _seen[s & (_seen.Length - 1)];
            }

            _seen = ring;
        }

        _seen[seq & (_seen.Length - 1)] = true;
    }

    private void SendAck(long messageId, long seq) => Ack(messageId, _streamFrom, seq, _cumulative);

    private void Ack(long messageId, long senderIncarnation, long seq, long cumulative)
    {
        Counters.AcksSent++;
        object ack = NewAckFrame(senderIncarnation, _receiverIncarnation, seq, cumulative); // held by this call only
        _host.Transmit(reverse: true, messageId, ack, TransmitKind.Ack);
        ReleaseFrame(ack);
    }

    /// <summary>
    /// The receiver end crashed and its link state was in memory: it forgets what it delivered and from whom, and
    /// its incarnation goes up (the counter is on its disk), so frames bound to the old one are stale from now on.
    /// </summary>
    private void CrashReceiver()
    {
        Array.Clear(_seen);
        _cumulative = 0;
        _streamFrom = 0;
        _receiverIncarnation++;
    }
}
