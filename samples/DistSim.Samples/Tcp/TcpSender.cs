using DistSim.Nodes;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim.Samples.Tcp;

/// <summary>How a segment came to be sent again.</summary>
public enum RetransmitKind
{
    /// <summary>The retransmission timer expired.</summary>
    Timeout,

    /// <summary>The third duplicate acknowledgement arrived.</summary>
    Fast,

    /// <summary>A partial acknowledgement during recovery revealed the next hole (NewReno, RFC 6582).</summary>
    Recovery,
}

/// <summary>
/// The sending end of a TCP-like sliding-window transport, written as an ordinary DistSim node over
/// the fair-loss network: per-segment sequence numbers, a window of at most
/// min(<see cref="TcpOptions.Window"/>, advertised rwnd) segments in flight, cumulative acknowledgements,
/// fast retransmit on the third duplicate acknowledgement, NewReno recovery (a partial acknowledgement
/// retransmits the next hole at once, RFC 6582), one retransmission timer managed as in RFC 6298
/// (5.1–5.7) with an <see cref="RtoEstimator"/>, round trips measured by timestamp echo or, without
/// timestamps, by Karn's rule, and an abort after
/// <see cref="TcpOptions.MaxRetries"/> consecutive timeouts. No congestion control: the window is fixed.
/// </summary>
/// <param name="receiver">The receiving node.</param>
/// <param name="options">The transport's options.</param>
public sealed class TcpSender(NodeId receiver, TcpOptions options) : Node
{
    private readonly HashSet<long> _retransmitted = [];
    private readonly Dictionary<long, SimTime> _sentAt = [];
    private TimerId _timer;
    private bool _timerRunning;
    private int _peerWindow = options.Window;
    private int _consecutiveTimeouts;
    private long _recover = -1;

    /// <summary>The RTO estimator.</summary>
    public RtoEstimator Rto { get; } = new(options.Granularity, options.RtoMin, options.RtoMax, options.RtoInitial);

    /// <summary>Oldest unacknowledged segment (all below are acknowledged).</summary>
    public long SndUna { get; private set; }

    /// <summary>Next segment to send for the first time.</summary>
    public long SndNxt { get; private set; }

    /// <summary>Segments put on the wire, retransmissions included.</summary>
    public long SegmentsSent { get; private set; }

    /// <summary>Retransmissions because the timer expired.</summary>
    public long TimeoutRetransmissions { get; private set; }

    /// <summary>Retransmissions triggered by duplicate acknowledgements.</summary>
    public long FastRetransmits { get; private set; }

    /// <summary>Retransmissions of further holes on partial acknowledgements during recovery.</summary>
    public long RecoveryRetransmits { get; private set; }

    /// <summary>Duplicate acknowledgements received.</summary>
    public long DuplicateAcks { get; private set; }

    /// <summary>Duplicate acknowledgements in a row for the current <see cref="SndUna"/>.</summary>
    public int DuplicateAckRun { get; private set; }

    /// <summary>Every retransmission: when, which segment, why, the RTO then in force, and the duplicate ACKs in a row then.</summary>
    public List<(SimTime At, long Seq, RetransmitKind Kind, TimeSpan Rto, int DuplicateAckRun)> Retransmissions { get; } = [];

    /// <summary>When every segment was acknowledged (null until then).</summary>
    public SimTime? FinishedAt { get; private set; }

    /// <summary>Set when the transport gave up: the error.</summary>
    public string? Error { get; private set; }

    /// <inheritdoc />
    public override void OnStart() => SendWhatTheWindowAllows();

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is SegmentAck ack && Error is null && FinishedAt is null)
        {
            HandleAck(ack);
        }
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (timer != _timer || !_timerRunning)
        {
            return;
        }

        _timerRunning = false;
        if (SndUna >= options.Messages || Error is not null)
        {
            return;
        }

        if (++_consecutiveTimeouts > options.MaxRetries)
        {
            Error = $"connection aborted: segment {SndUna} unacknowledged after {options.MaxRetries} retransmissions";
            Logger.LogWarning("{Error}", Error);
            return;
        }

        Rto.Backoff(); // 5.5
        DuplicateAckRun = 0;
        _recover = SndNxt - 1; // every segment sent so far may need repair: partial acknowledgements will find the holes
        Retransmit(SndUna, RetransmitKind.Timeout); // 5.4
        StartTimer(); // 5.6
    }

    private void HandleAck(SegmentAck ack)
    {
        _peerWindow = Math.Max(1, ack.Window);
        if (ack.Next > SndUna && ack.Next <= SndNxt)
        {
            // New data acknowledged: measure the round trip from the segment that caused this acknowledgement.
            if (ack.Echo >= SndUna && ack.Echo < ack.Next)
            {
                if (options.Timestamps)
                {
                    Rto.Sample(LocalNow - ack.EchoSentAt); // the echo names the very transmission: never ambiguous
                }
                else if (!_retransmitted.Contains(ack.Echo) && _sentAt.TryGetValue(ack.Echo, out SimTime sentAt))
                {
                    Rto.Sample(LocalNow - sentAt); // Karn's rule: only a segment sent exactly once
                }
            }

            for (long s = SndUna; s < ack.Next; s++)
            {
                _retransmitted.Remove(s);
                _sentAt.Remove(s);
            }

            SndUna = ack.Next;
            DuplicateAckRun = 0;
            _consecutiveTimeouts = 0;
            if (SndUna >= options.Messages)
            {
                FinishedAt = LocalNow;
                StopTimer(); // 5.2
                return;
            }

            if (_recover >= 0 && SndUna <= _recover)
            {
                Retransmit(SndUna, RetransmitKind.Recovery); // partial acknowledgement: the next hole
            }
            else
            {
                _recover = -1;
            }

            StopTimer();
            if (SndUna < SndNxt)
            {
                StartTimer(); // 5.3
            }
        }
        else if (ack.Next == SndUna && SndUna < SndNxt)
        {
            DuplicateAcks++;
            if (++DuplicateAckRun == options.DuplicateAckThreshold && _recover < 0)
            {
                _recover = SndNxt - 1;
                Retransmit(SndUna, RetransmitKind.Fast);
            }
        }

        SendWhatTheWindowAllows();
    }

    private void SendWhatTheWindowAllows()
    {
        int window = Math.Min(options.Window, _peerWindow);
        while (SndNxt < options.Messages && SndNxt < SndUna + window)
        {
            long seq = SndNxt++;
            _sentAt[seq] = LocalNow;
            Put(seq);

            if (!_timerRunning)
            {
                StartTimer(); // 5.1
            }
        }
    }

    private void Retransmit(long seq, RetransmitKind kind)
    {
        _retransmitted.Add(seq); // Karn: its acknowledgements are ambiguous from now on

        switch (kind)
        {
            case RetransmitKind.Timeout:
                TimeoutRetransmissions++;
                break;
            case RetransmitKind.Fast:
                FastRetransmits++;
                break;
            default:
                RecoveryRetransmits++;
                break;
        }

        Retransmissions.Add((LocalNow, seq, kind, Rto.Rto, DuplicateAckRun));
        Put(seq);
    }

    private void Put(long seq)
    {
        SegmentsSent++;
        Send(receiver, new Segment(seq, seq * 31, LocalNow));
    }

    private void StartTimer()
    {
        _timer = SetTimer(Rto.Rto);
        _timerRunning = true;
    }

    private void StopTimer()
    {
        if (_timerRunning)
        {
            CancelTimer(_timer);
            _timerRunning = false;
        }
    }
}
