namespace DistSim.Links;

/// <summary>
/// One ordered pair of the reliable link. The sender's half (<see cref="Send"/>, acknowledgements,
/// timers) and the receiver's half (data packets) share nothing but this object; each uses only what its
/// own end would know. Frames are produced and checked by <see cref="Wrap"/>/<see cref="Unwrap"/>, which
/// the authenticated link overrides to add and verify a MAC.
/// </summary>
internal class ReliableSession : ILinkSession
{
    private readonly ILinkHost _host;
    private readonly ReliableLinkOptions _options;
    private readonly int _window;

    // Sender: messages [_base, _nextSeq) are unacknowledged or acknowledged out of order; _backlog waits for the window.
    private readonly Outstanding[] _outstanding;
    private readonly Queue<(long Id, object Message)> _backlog = new();
    private long _nextSeq = 1;
    private long _base = 1;
    private long _senderEpoch; // +1 when a crash resets the sender: timers of the old numbering are ignored

    // Receiver: every sequence number <= _cumulative was delivered; _seen flags (cumulative, cumulative + window].
    // After a crash that lost this state the receiver is unsynchronised: it takes the first sequence number
    // it sees as the start of the stream, as a fresh connection would.
    private readonly bool[] _seen;
    private long _cumulative;
    private bool _synchronised = true;

    public ReliableSession(ILinkHost host, ReliableLinkOptions options)
    {
        _host = host;
        _options = options;
        _window = options.Window;
        _outstanding = new Outstanding[_window];
        _seen = new bool[_window];
    }

    public LinkCounters Counters { get; } = new();

    public int DedupMemory => _seen.Length;

    /// <summary>Messages waiting for the sender's window to open.</summary>
    public int Backlog => _backlog.Count;

    protected ILinkHost Host => _host;

    public void Send(long messageId, object message)
    {
        Counters.Sent++;
        if (_nextSeq < _base + _window)
        {
            TransmitNew(messageId, message);
        }
        else
        {
            _backlog.Enqueue((messageId, message));
        }
    }

    public void OnPacket(in LinkPacket packet)
    {
        switch (Unwrap(packet))
        {
            case DataFrame data when packet.To == _host.To:
                OnData(packet, data);
                break;
            case AckFrame ack when packet.To == _host.From:
                OnAck(ack);
                break;
            default:
                Counters.Rejected++;
                _host.Record(LinkVerdict.Rejected, packet.MessageId, packet);
                break;
        }
    }

    public void OnTimer(long token)
    {
        long seq = token & SeqMask;
        if (token >> EpochShift != _senderEpoch)
        {
            return; // set before the sender's state was lost
        }

        ref Outstanding o = ref _outstanding[seq % _window];
        if (o.Seq != seq || o.Acked)
        {
            return; // acknowledged since the timer was set
        }

        if (o.Attempts >= _options.RetransmitLimit)
        {
            Counters.Abandoned++;
            _host.Record(LinkVerdict.Abandoned, o.MessageId, default);
            o.Acked = true;
            Slide();
            return;
        }

        o.Attempts++;
        Counters.Retransmitted++;
        _host.Transmit(reverse: false, o.MessageId, o.Frame, TransmitKind.Retransmit); // wrapped once: no new MAC per attempt
        o.IntervalTicks = Math.Min((long)(o.IntervalTicks * _options.Backoff), _options.RetransmitIntervalMax.Ticks);
        _host.SetTimer(TimeSpan.FromTicks(o.IntervalTicks), Token(seq));
    }

    private const int EpochShift = 48;
    private const long SeqMask = (1L << EpochShift) - 1;

    private long Token(long seq) => (_senderEpoch << EpochShift) | seq;

    /// <summary>The frame as it goes on the wire.</summary>
    protected virtual object Wrap(object frame) => frame;

    /// <summary>The frame as received, or null when it must be rejected.</summary>
    protected virtual object? Unwrap(in LinkPacket packet) => packet.Frame;

    private void TransmitNew(long messageId, object message)
    {
        long seq = _nextSeq++;
        object frame = Wrap(new DataFrame(seq, message));
        _outstanding[seq % _window] = new Outstanding
        {
            Seq = seq,
            MessageId = messageId,
            Frame = frame,
            IntervalTicks = _options.RetransmitInterval.Ticks,
        };
        _host.Transmit(reverse: false, messageId, frame, TransmitKind.First);
        _host.SetTimer(_options.RetransmitInterval, Token(seq));
    }

    public void OnCrash(Nodes.NodeId node)
    {
        if (_options.DurableState)
        {
            return;
        }

        if (node == _host.From)
        {
            // The sender forgets what it was sending and starts numbering again: the receiver, which still
            // remembers, will take the new messages for duplicates (gaps at the application).
            for (long s = _base; s < _nextSeq; s++)
            {
                ref Outstanding o = ref _outstanding[s % _window];
                if (o.Seq == s && !o.Acked)
                {
                    Counters.Abandoned++;
                    _host.Record(LinkVerdict.Abandoned, o.MessageId, default);
                }

                o = default;
            }

            foreach ((long id, _) in _backlog)
            {
                Counters.Abandoned++;
                _host.Record(LinkVerdict.Abandoned, id, default);
            }

            _backlog.Clear();
            _base = 1;
            _nextSeq = 1;
            _senderEpoch++;
        }

        if (node == _host.To)
        {
            // The receiver forgets what it delivered: retransmissions of delivered messages whose
            // acknowledgement was lost will be delivered again (duplicates at the application).
            Array.Clear(_seen);
            _cumulative = 0;
            _synchronised = false;
        }
    }

    private void OnData(in LinkPacket packet, DataFrame data)
    {
        long seq = data.Seq;
        if (!_synchronised)
        {
            _synchronised = true;
            _cumulative = Math.Max(0, seq - 1);
        }

        if (seq <= _cumulative || (seq <= _cumulative + _window && _seen[seq % _window]))
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

        _seen[seq % _window] = true;
        while (_seen[(_cumulative + 1) % _window])
        {
            _seen[(_cumulative + 1) % _window] = false;
            _cumulative++;
        }

        SendAck(packet.MessageId, seq);
        Counters.Delivered++;
        _host.Deliver(packet, data.Message);
    }

    private void SendAck(long messageId, long seq)
    {
        Counters.AcksSent++;
        _host.Transmit(reverse: true, messageId, Wrap(new AckFrame(seq, _cumulative)), TransmitKind.Ack);
    }

    private void OnAck(AckFrame ack)
    {
        long last = Math.Min(ack.Cumulative, _nextSeq - 1);
        for (long s = _base; s <= last; s++)
        {
            MarkAcked(s);
        }

        if (ack.Seq >= _base && ack.Seq < _nextSeq)
        {
            MarkAcked(ack.Seq);
        }

        Slide();
    }

    private void MarkAcked(long seq)
    {
        ref Outstanding o = ref _outstanding[seq % _window];
        if (o.Seq == seq && !o.Acked)
        {
            o.Acked = true;
            Counters.Acknowledged++;
            _host.Record(LinkVerdict.Acknowledged, o.MessageId, default);
        }
    }

    /// <summary>Advances the window past acknowledged messages and sends from the backlog.</summary>
    private void Slide()
    {
        while (_base < _nextSeq && _outstanding[_base % _window].Acked)
        {
            _outstanding[_base % _window] = default;
            _base++;
        }

        while (_backlog.Count > 0 && _nextSeq < _base + _window)
        {
            (long id, object message) = _backlog.Dequeue();
            TransmitNew(id, message);
        }
    }

    private struct Outstanding
    {
        public long Seq;
        public long MessageId;
        public object Frame; // the data frame as it goes on the wire, MAC included
        public int Attempts;
        public long IntervalTicks;
        public bool Acked;
    }
}
