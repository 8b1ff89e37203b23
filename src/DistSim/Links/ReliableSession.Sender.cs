using System.Globalization;

namespace DistSim.Links;

/// <summary>The sender's half: numbering, the window and its backlog, retransmission, acknowledgements, the handshake.</summary>
internal partial class ReliableSession
{
    // A timer token is the epoch's low 16 bits above a 48-bit sequence number: an old timer could be taken for a
    // current one only if it were still pending after 65,536 stream starts of its session (and then it would only
    // cause extra retransmissions).
    private const int EpochShift = 48;
    private const long SeqMask = (1L << EpochShift) - 1;
    private const long EpochMask = 0xFFFF;

    // Messages [_base, _nextSeq) are unacknowledged or acknowledged out of order; _backlog waits for the window.
    private Outstanding[] _outstanding = [];
    private Queue<(long Id, object Message)>? _backlog;
    private long _nextSeq = 1;
    private long _base = 1;
    private long _senderEpoch; // +1 whenever the numbering or the binding changes: timers set before are ignored

    // The sender end's boot counter (it survives the sender's crashes), and the receiver incarnation its stream
    // is bound to (0: not known yet, so only one probe is on the wire).
    private long _senderIncarnation = 1;
    private long _boundTo;

    /// <summary>While the receiver's incarnation is unknown, one message (the probe) at a time.</summary>
    private long SendWindow => _boundTo == 0 ? 1 : _window;

    public void Send(long messageId, object message)
    {
        Counters.Sent++;
        if (_nextSeq < _base + SendWindow)
        {
            TransmitNew(messageId, message);
            return;
        }

        _backlog ??= new Queue<(long Id, object Message)>();
        if (_backlog.Count >= _options.BacklogLimit)
        {
            throw BacklogFull();
        }

        _backlog.Enqueue((messageId, message));
        Counters.Backlog = _backlog.Count;
        Counters.BacklogHighWater = Math.Max(Counters.BacklogHighWater, Counters.Backlog);
    }

    public void OnTimer(long token)
    {
        long seq = token & SeqMask;
        if ((long)((ulong)token >> EpochShift) != (_senderEpoch & EpochMask))
        {
            return; // set before the numbering or the binding changed
        }

        ref Outstanding o = ref Entry(seq);
        if (o.Seq != seq || o.Acked)
        {
            return; // acknowledged since the timer was set
        }

        o.Timer = default; // it fired

        if (o.Attempts >= _options.RetransmitLimit)
        {
            if (_boundTo == 0)
            {
                // A probe reached no incarnation: give it up alone; the next message probes.
                Counters.Abandoned++;
                _host.Record(LinkVerdict.Abandoned, o.MessageId, default);
                o.Acked = true;
            }
            else
            {
                // The receiver may hold later messages of this stream and wait for this one for ever: as TCP
                // resets a connection that times out, this end starts a new incarnation. Every message still
                // unacknowledged is given up with this one (each may have been delivered: never twice), and the
                // stream starts again from 1 with the backlog.
                AbandonOutstanding();
                _senderIncarnation++;
            }

            Slide();
            return;
        }

        o.Attempts++;
        Counters.Retransmitted++;
        _host.Transmit(reverse: false, o.MessageId, o.Frame, TransmitKind.Retransmit); // wrapped once: no new MAC per attempt
        o.IntervalTicks = Math.Min((long)(o.IntervalTicks * _options.Backoff), _options.RetransmitIntervalMax.Ticks);
        o.Timer = _host.SetTimer(TimeSpan.FromTicks(o.IntervalTicks), Token(seq));
    }

    /// <summary>The ring entry of <paramref name="seq"/> (it holds that message only if its <c>Seq</c> says so).</summary>
    private ref Outstanding Entry(long seq) => ref _outstanding[seq & (_outstanding.Length - 1)];

    /// <summary>
    /// Makes room in the ring for message <paramref name="seq"/>: [_base, seq] must map to distinct entries. The ring
    /// doubles (to at most the window, rounded up to a power of two) and its entries move to their new places.
    /// </summary>
    private void MakeRoom(long seq)
    {
        long needed = seq - _base + 1;
        if (needed <= _outstanding.Length)
        {
            return;
        }

        var ring = new Outstanding[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)needed)];
        for (long s = _base; s < _nextSeq; s++)
        {
            ref Outstanding o = ref Entry(s);
            if (o.Seq == s)
            {
                ring[s & (ring.Length - 1)] = o;
            }
        }

        _outstanding = ring;
    }

    private long Token(long seq) => ((_senderEpoch & EpochMask) << EpochShift) | seq;

    private InvalidOperationException BacklogFull() => new(string.Create(CultureInfo.InvariantCulture,
        $"Link {_host.Name}: the send backlog is full ({Backlog} messages wait for the window; ReliableLinkOptions.BacklogLimit = {_options.BacklogLimit}, Window = {_window}, {_nextSeq - _base} unacknowledged). The sender sends faster than the link delivers, for good: the receiver may be down or partitioned away, or the network too lossy for this rate. Let the sender wait for replies (flow control), or raise ReliableLinkOptions.BacklogLimit (or Window) if this backlog is intended."));

    /// <summary>Numbers a message in the current stream, puts it on the wire and arms its retransmission.</summary>
    private void TransmitNew(long messageId, object message)
    {
        long seq = _nextSeq;
        MakeRoom(seq);
        _nextSeq++;
        object frame = NewDataFrame(seq, message);
        Entry(seq) = new Outstanding
        {
            Seq = seq,
            MessageId = messageId,
            Message = message,
            Frame = frame,
            IntervalTicks = _options.RetransmitInterval.Ticks,
        };
        _host.Transmit(reverse: false, messageId, frame, TransmitKind.First);
        Entry(seq).Timer = _host.SetTimer(_options.RetransmitInterval, Token(seq));
    }

    private void OnAck(in LinkPacket packet, long senderIncarnation, long receiverIncarnation, long ackedSeq, long cumulative)
    {
        if (senderIncarnation != _senderIncarnation || receiverIncarnation <= 0)
        {
            // An answer to a frame of an earlier incarnation of this end is stale; one naming a later incarnation
            // of this end, or no receiver incarnation, cannot come from an honest receiver.
            if (senderIncarnation < _senderIncarnation && receiverIncarnation > 0)
            {
                Stale(packet);
            }
            else
            {
                Reject(packet);
            }

            return;
        }

        if (receiverIncarnation < _boundTo)
        {
            Stale(packet); // from a receiver incarnation that has since restarted
            return;
        }

        if (receiverIncarnation > _boundTo)
        {
            Bind(packet, receiverIncarnation);
        }

        long last = Math.Min(cumulative, _nextSeq - 1);
        for (long s = _base; s <= last; s++)
        {
            MarkAcked(s);
        }

        if (ackedSeq >= _base && ackedSeq < _nextSeq)
        {
            MarkAcked(ackedSeq);
        }

        Slide();
    }

    /// <summary>
    /// The handshake: the sender learns the receiver's incarnation <paramref name="receiver"/> and starts the stream
    /// (this incarnation, <paramref name="receiver"/>), numbered from 1. A probe (bound to "unknown") reached no
    /// incarnation's application, so it is renumbered, bound and sent again; messages bound to an older incarnation
    /// may or may not have been delivered by it before it died, so they are given up.
    /// </summary>
    private void Bind(in LinkPacket packet, long receiver)
    {
        bool fresh = _boundTo == 0;
        Counters.Handshakes++;
        _host.Record(LinkVerdict.Handshake, packet.MessageId, packet);
        _boundTo = receiver;
        if (!fresh)
        {
            AbandonOutstanding();
            return;
        }

        // Invariant paired with SendWindow: while unbound, at most one message (the probe) is outstanding.
        if (_nextSeq - _base > 1)
        {
            throw new InvalidOperationException($"link {_host.Name}: {_nextSeq - _base} messages outstanding before the handshake");
        }

        Outstanding probe = _base < _nextSeq && !Entry(_base).Acked ? Entry(_base) : default;
        StartStream();
        if (probe.Seq != 0)
        {
            long seq = _nextSeq;
            MakeRoom(seq);
            _nextSeq++;
            object frame = NewDataFrame(seq, probe.Message!);
            Entry(seq) = probe with { Seq = seq, Frame = frame, IntervalTicks = _options.RetransmitInterval.Ticks, Timer = default };
            Counters.Retransmitted++;
            _host.Transmit(reverse: false, probe.MessageId, frame, TransmitKind.Retransmit);
            Entry(seq).Timer = _host.SetTimer(_options.RetransmitInterval, Token(seq));
        }
    }

    /// <summary>Gives up every unacknowledged message of the stream (traced) and starts the next stream, from 1.</summary>
    private void AbandonOutstanding()
    {
        for (long s = _base; s < _nextSeq; s++)
        {
            ref Outstanding o = ref Entry(s);
            if (o.Seq == s && !o.Acked)
            {
                Counters.Abandoned++;
                _host.Record(LinkVerdict.Abandoned, o.MessageId, default);
            }
        }

        StartStream();
    }

    /// <summary>Forgets the outstanding entries (cancelling their timers) and numbers from 1 again; timers set before are void.</summary>
    private void StartStream()
    {
        for (long s = _base; s < _nextSeq; s++)
        {
            ref Outstanding o = ref Entry(s);
            if (o.Seq == s)
            {
                if (o.Timer.Number != 0)
                {
                    _host.CancelTimer(o.Timer);
                }

                ReleaseFrame(o.Frame);
            }
        }

        Array.Clear(_outstanding);
        _base = 1;
        _nextSeq = 1;
        _senderEpoch++;
    }

    private void MarkAcked(long seq)
    {
        ref Outstanding o = ref Entry(seq);
        if (o.Seq == seq && !o.Acked)
        {
            o.Acked = true;
            if (o.Timer.Number != 0)
            {
                _host.CancelTimer(o.Timer); // its retransmission is moot: out of the queue at once
                o.Timer = default;
            }

            Counters.Acknowledged++;
            _host.Record(LinkVerdict.Acknowledged, o.MessageId, default);
        }
    }

    /// <summary>Advances the window past acknowledged messages and sends from the backlog.</summary>
    private void Slide()
    {
        while (_base < _nextSeq && Entry(_base).Acked)
        {
            ReleaseFrame(Entry(_base).Frame);
            Entry(_base) = default;
            _base++;
        }

        while (_backlog is { Count: > 0 } && _nextSeq < _base + SendWindow)
        {
            (long id, object message) = _backlog.Dequeue();
            Counters.Backlog = _backlog.Count;
            TransmitNew(id, message);
        }
    }

    /// <summary>
    /// The sender end crashed and its link state was in memory: everything it was sending is given up, its
    /// incarnation goes up (the counter is on its disk), and it no longer knows the receiver's incarnation.
    /// </summary>
    private void CrashSender()
    {
        AbandonOutstanding();
        foreach ((long id, _) in _backlog ?? [])
        {
            Counters.Abandoned++;
            _host.Record(LinkVerdict.Abandoned, id, default);
        }

        _backlog?.Clear();
        Counters.Backlog = 0;
        _senderIncarnation++;
        _boundTo = 0;
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
        public Nodes.TimerId Timer; // its pending retransmission timer (default when none)
    }
}
