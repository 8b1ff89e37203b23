using System.Globalization;
using DistSim.Nodes;

namespace DistSim.Links;

/// <summary>The sender's half: numbering, the window and its backlog, retransmission, acknowledgements, the handshake.</summary>
internal partial class ReliableProtocol
{
    // A timer token is the epoch's low 16 bits above a 48-bit sequence number: an old timer could be taken for a
    // current one only if it were still pending after 65,536 stream starts of its session (and then it would only
    // cause extra retransmissions).
    private const int EpochShift = 48;
    private const long SeqMask = (1L << EpochShift) - 1;
    private const long EpochMask = 0xFFFF;

    // The send rings of every row (a row's ring is a segment, taken when a message goes out and given back when the
    // window empties), and the backlogs of the rows that have one (waiting for the window).
    private readonly SegmentSlab<Outstanding> _outstanding = new();
    private Dictionary<int, Queue<(long Id, object Message)>>? _backlogs;

    /// <summary>The sending node sent <paramref name="message"/> (its id is <paramref name="messageId"/>) on the row's session.</summary>
    public void Send(int row, long messageId, object message)
    {
        ref ReliableRow r = ref Row(row);
        r.Counts.Sent++;
        if (r.NextSeq < r.Base + SendWindow(ref r))
        {
            TransmitNew(row, messageId, message);
            return;
        }

        if (r.Queued >= _options.BacklogLimit)
        {
            throw BacklogFull(row);
        }

        _backlogs ??= [];
        if (!_backlogs.TryGetValue(row, out Queue<(long Id, object Message)>? backlog))
        {
            _backlogs[row] = backlog = new Queue<(long Id, object Message)>();
        }

        backlog.Enqueue((messageId, message));
        r.Queued = backlog.Count;
        r.Counts.Backlog = r.Queued;
        r.Counts.BacklogHighWater = Math.Max(r.Counts.BacklogHighWater, r.Counts.Backlog);
    }

    /// <summary>A timer of the row's session fired (a retransmission).</summary>
    public void OnTimer(int row, long token)
    {
        ref ReliableRow r = ref Row(row);
        long seq = token & SeqMask;
        if ((long)((ulong)token >> EpochShift) != (r.SenderEpoch & EpochMask))
        {
            return; // set before the numbering or the binding changed
        }

        if (seq < r.Base || seq >= r.NextSeq)
        {
            return; // acknowledged and out of the window since the timer was set
        }

        ref Outstanding o = ref Entry(ref r, seq);
        if (o.Seq != seq || o.Acked)
        {
            return; // acknowledged since the timer was set
        }

        o.Timer = default; // it fired

        if (o.Attempts >= _options.RetransmitLimit)
        {
            if (r.BoundTo == 0)
            {
                // A probe reached no incarnation: give it up alone; the next message probes.
                o.Acked = true;
                r.Counts.Abandoned++;
                Record(row, LinkVerdict.Abandoned, o.MessageId, default);
            }
            else
            {
                // The receiver may hold later messages of this stream and wait for this one for ever: as TCP
                // resets a connection that times out, this end starts a new incarnation. Every message still
                // unacknowledged is given up with this one (each may have been delivered: never twice), and the
                // stream starts again from 1 with the backlog.
                AbandonOutstanding(row);
                r.SenderIncarnation++;
            }

            Slide(row);
            return;
        }

        o.Attempts++;
        o.IntervalTicks = Math.Min((long)(o.IntervalTicks * _options.Backoff), _options.RetransmitIntervalMax.Ticks);
        long messageId = o.MessageId;
        object frame = o.Frame;
        long interval = o.IntervalTicks;
        r.Counts.Retransmitted++;
        Transmit(row, reverse: false, messageId, frame, TransmitKind.Retransmit); // wrapped once: no new MAC per attempt
        TimerId timer = SetTimer(row, TimeSpan.FromTicks(interval), Token(ref r, seq));
        Entry(ref r, seq).Timer = timer; // looked up again: the slab may have grown meanwhile
    }

    /// <summary>While the receiver's incarnation is unknown, one message (the probe) at a time.</summary>
    private long SendWindow(ref ReliableRow r) => r.BoundTo == 0 ? 1 : _window;

    /// <summary>
    /// The ring entry of <paramref name="seq"/> (it holds that message only if its <c>Seq</c> says so); the row must have
    /// a ring (something in [Base, NextSeq)). A reference into the slab: do not hold it across a call that may send.
    /// </summary>
    private ref Outstanding Entry(ref ReliableRow r, long seq) => ref _outstanding.Items[r.Ring + (int)(seq & (r.RingLength - 1))];

    /// <summary>
    /// Makes room in the row's ring for message <paramref name="seq"/>: [Base, seq] must map to distinct entries. The
    /// ring doubles (to at most the window, rounded up to a power of two) and its entries move to their new places.
    /// </summary>
    private void MakeRoom(ref ReliableRow r, long seq)
    {
        long needed = seq - r.Base + 1;
        if (needed <= r.RingLength)
        {
            return;
        }

        int length = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)needed);
        int start = _outstanding.Take(length);
        if (r.RingLength > 0)
        {
            Outstanding[] items = _outstanding.Items;
            for (long s = r.Base; s < r.NextSeq; s++)
            {
                ref Outstanding o = ref items[r.Ring + (int)(s & (r.RingLength - 1))];
                if (o.Seq == s)
                {
                    items[start + (int)(s & (length - 1))] = o;
                }
            }

            _outstanding.Give(r.Ring, r.RingLength);
        }

        r.Ring = start;
        r.RingLength = length;
    }

    /// <summary>Gives the row's ring back to the slab once nothing is outstanding: an idle pair holds only its row.</summary>
    private void ReturnRing(ref ReliableRow r)
    {
        if (r.RingLength > 0)
        {
            _outstanding.Give(r.Ring, r.RingLength);
            r.Ring = 0;
            r.RingLength = 0;
        }
    }

    private static long Token(ref ReliableRow r, long seq) => ((r.SenderEpoch & EpochMask) << EpochShift) | seq;

    private InvalidOperationException BacklogFull(int row)
    {
        ref ReliableRow r = ref Row(row);
        return new(string.Create(CultureInfo.InvariantCulture,
            $"Link {Name(row)}: the send backlog is full ({r.Queued} messages wait for the window; ReliableLinkOptions.BacklogLimit = {_options.BacklogLimit}, Window = {_window}, {r.NextSeq - r.Base} unacknowledged). The sender sends faster than the link delivers, for good: the receiver may be down or partitioned away, or the network too lossy for this rate. Let the sender wait for replies (flow control), or raise ReliableLinkOptions.BacklogLimit (or Window) if this backlog is intended."));
    }

    /// <summary>Numbers a message in the current stream, puts it on the wire and arms its retransmission.</summary>
    private void TransmitNew(int row, long messageId, object message)
    {
        ref ReliableRow r = ref Row(row);
        long seq = r.NextSeq;
        MakeRoom(ref r, seq);
        r.NextSeq++;
        object frame = NewDataFrame(row, seq, message);
        Entry(ref r, seq) = new Outstanding
        {
            Seq = seq,
            MessageId = messageId,
            Message = message,
            Frame = frame,
            IntervalTicks = _options.RetransmitInterval.Ticks,
        };
        Transmit(row, reverse: false, messageId, frame, TransmitKind.First);
        TimerId timer = SetTimer(row, _options.RetransmitInterval, Token(ref r, seq));
        Entry(ref r, seq).Timer = timer;
    }

    private void OnAck(int row, in LinkPacket packet, long senderIncarnation, long receiverIncarnation, long ackedSeq, long cumulative)
    {
        ref ReliableRow r = ref Row(row);
        if (senderIncarnation != r.SenderIncarnation || receiverIncarnation <= 0)
        {
            // An answer to a frame of an earlier incarnation of this end is stale; one naming a later incarnation
            // of this end, or no receiver incarnation, cannot come from an honest receiver.
            if (senderIncarnation < r.SenderIncarnation && receiverIncarnation > 0)
            {
                Stale(row, packet);
            }
            else
            {
                Reject(row, packet);
            }

            return;
        }

        if (receiverIncarnation < r.BoundTo)
        {
            Stale(row, packet); // from a receiver incarnation that has since restarted
            return;
        }

        if (receiverIncarnation > r.BoundTo)
        {
            Bind(row, packet, receiverIncarnation);
        }

        long last = Math.Min(cumulative, r.NextSeq - 1);
        for (long s = r.Base; s <= last; s++)
        {
            MarkAcked(row, s);
        }

        if (ackedSeq >= r.Base && ackedSeq < r.NextSeq)
        {
            MarkAcked(row, ackedSeq);
        }

        Slide(row);
    }

    /// <summary>
    /// The handshake: the sender learns the receiver's incarnation <paramref name="receiver"/> and starts the stream
    /// (this incarnation, <paramref name="receiver"/>), numbered from 1. A probe (bound to "unknown") reached no
    /// incarnation's application, so it is renumbered, bound and sent again; messages bound to an older incarnation
    /// may or may not have been delivered by it before it died, so they are given up.
    /// </summary>
    private void Bind(int row, in LinkPacket packet, long receiver)
    {
        ref ReliableRow r = ref Row(row);
        bool fresh = r.BoundTo == 0;
        r.Counts.Handshakes++;
        Record(row, LinkVerdict.Handshake, packet.MessageId, packet);
        r.BoundTo = receiver;
        if (!fresh)
        {
            AbandonOutstanding(row);
            return;
        }

        // Invariant paired with SendWindow: while unbound, at most one message (the probe) is outstanding.
        if (r.NextSeq - r.Base > 1)
        {
            throw new InvalidOperationException($"link {Name(row)}: {r.NextSeq - r.Base} messages outstanding before the handshake");
        }

        Outstanding probe = r.Base < r.NextSeq && !Entry(ref r, r.Base).Acked ? Entry(ref r, r.Base) : default;
        StartStream(row);
        if (probe.Seq != 0)
        {
            long seq = r.NextSeq;
            MakeRoom(ref r, seq);
            r.NextSeq++;
            object frame = NewDataFrame(row, seq, probe.Message!);
            Entry(ref r, seq) = probe with { Seq = seq, Frame = frame, IntervalTicks = _options.RetransmitInterval.Ticks, Timer = default };
            r.Counts.Retransmitted++;
            Transmit(row, reverse: false, probe.MessageId, frame, TransmitKind.Retransmit);
            TimerId timer = SetTimer(row, _options.RetransmitInterval, Token(ref r, seq));
            Entry(ref r, seq).Timer = timer;
        }
    }

    /// <summary>Gives up every unacknowledged message of the stream (traced) and starts the next stream, from 1.</summary>
    private void AbandonOutstanding(int row)
    {
        ref ReliableRow r = ref Row(row);
        for (long s = r.Base; s < r.NextSeq; s++)
        {
            ref Outstanding o = ref Entry(ref r, s);
            if (o.Seq == s && !o.Acked)
            {
                r.Counts.Abandoned++;
                Record(row, LinkVerdict.Abandoned, o.MessageId, default);
            }
        }

        StartStream(row);
    }

    /// <summary>Forgets the outstanding entries (cancelling their timers) and numbers from 1 again; timers set before are void.</summary>
    private void StartStream(int row)
    {
        ref ReliableRow r = ref Row(row);
        for (long s = r.Base; s < r.NextSeq; s++)
        {
            ref Outstanding o = ref Entry(ref r, s);
            if (o.Seq == s)
            {
                TimerId timer = o.Timer;
                object frame = o.Frame;
                if (timer.Number != 0)
                {
                    CancelTimer(row, timer);
                }

                ReleaseFrame(frame);
            }
        }

        ReturnRing(ref r);
        r.Base = 1;
        r.NextSeq = 1;
        r.SenderEpoch++;
    }

    private void MarkAcked(int row, long seq)
    {
        ref ReliableRow r = ref Row(row);
        ref Outstanding o = ref Entry(ref r, seq);
        if (o.Seq == seq && !o.Acked)
        {
            o.Acked = true;
            TimerId timer = o.Timer;
            long messageId = o.MessageId;
            if (timer.Number != 0)
            {
                o.Timer = default;
                CancelTimer(row, timer); // its retransmission is moot: out of the queue at once
            }

            r.Counts.Acknowledged++;
            Record(row, LinkVerdict.Acknowledged, messageId, default);
        }
    }

    /// <summary>Advances the window past acknowledged messages, sends from the backlog, and gives the ring back if it is empty.</summary>
    private void Slide(int row)
    {
        ref ReliableRow r = ref Row(row);
        while (r.Base < r.NextSeq && Entry(ref r, r.Base).Acked)
        {
            ref Outstanding o = ref Entry(ref r, r.Base);
            ReleaseFrame(o.Frame);
            o = default;
            r.Base++;
        }

        if (r.Queued > 0) // the protocol's own count: the counters' Backlog only reports it
        {
            Queue<(long Id, object Message)> backlog = _backlogs![row];
            while (backlog.Count > 0 && r.NextSeq < r.Base + SendWindow(ref r))
            {
                (long id, object message) = backlog.Dequeue();
                r.Queued = backlog.Count;
                r.Counts.Backlog = r.Queued;
                TransmitNew(row, id, message);
            }

            if (backlog.Count == 0)
            {
                _backlogs.Remove(row);
            }
        }

        if (r.Base == r.NextSeq)
        {
            ReturnRing(ref r);
        }
    }

    /// <summary>
    /// The sender end crashed and its link state was in memory: everything it was sending is given up, its
    /// incarnation goes up (the counter is on its disk), and it no longer knows the receiver's incarnation.
    /// </summary>
    private void CrashSender(int row)
    {
        AbandonOutstanding(row);
        ref ReliableRow r = ref Row(row);
        if (r.Queued > 0 && _backlogs!.Remove(row, out Queue<(long Id, object Message)>? backlog))
        {
            foreach ((long id, _) in backlog)
            {
                r.Counts.Abandoned++;
                Record(row, LinkVerdict.Abandoned, id, default);
            }
        }

        r.Queued = 0;
        r.Counts.Backlog = 0;
        r.SenderIncarnation++;
        r.BoundTo = 0;
    }

    private struct Outstanding
    {
        public long Seq;
        public long MessageId;
        public object Message; // to bind it again after a handshake
        public object Frame; // the data frame as it goes on the wire, MAC included (a carrier: this entry holds it)
        public int Attempts;
        public long IntervalTicks;
        public bool Acked;
        public TimerId Timer; // its pending retransmission timer (default when none)
    }
}
