using DistSim.Nodes;

namespace DistSim.Samples.Tcp;

/// <summary>
/// The receiving end of the TCP-like transport: delivers segments to its application in order, exactly
/// once; buffers out-of-order segments only within the receive window (rwnd) and drops the rest; sends a
/// cumulative acknowledgement for every segment it receives, so an out-of-order, duplicate or
/// out-of-window segment produces a duplicate acknowledgement.
/// </summary>
/// <param name="sender">The sending node.</param>
/// <param name="receiveWindow">rwnd, in segments.</param>
public sealed class TcpReceiver(NodeId sender, int receiveWindow) : Node
{
    private readonly SortedSet<long> _buffer = [];
    private readonly List<long> _delivered = [];

    /// <summary>The next segment expected in order.</summary>
    public long RcvNxt { get; private set; }

    /// <summary>The segments handed to the application, in the order handed.</summary>
    public IReadOnlyList<long> Delivered => _delivered;

    /// <summary>Segments dropped because they lay beyond the receive window.</summary>
    public long OutOfWindowDrops { get; private set; }

    /// <summary>Segments received again after delivery.</summary>
    public long DuplicateSegments { get; private set; }

    /// <summary>Acknowledgements sent that did not advance <see cref="RcvNxt"/>.</summary>
    public long DuplicateAcksSent { get; private set; }

    /// <summary>The most out-of-order segments ever buffered at once (never more than rwnd − 1).</summary>
    public int MaxBuffered { get; private set; }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is not Segment segment)
        {
            return;
        }

        long seq = segment.Seq;
        bool advanced = false;
        if (seq >= RcvNxt + receiveWindow)
        {
            OutOfWindowDrops++; // no room: dropped; the acknowledgement below tells the sender where we are (RFC 793)
        }
        else if (seq < RcvNxt || _buffer.Contains(seq))
        {
            DuplicateSegments++;
        }
        else if (seq == RcvNxt)
        {
            Deliver(seq);
            while (_buffer.Remove(RcvNxt))
            {
                Deliver(RcvNxt);
            }

            advanced = true;
        }
        else
        {
            _buffer.Add(seq);
            MaxBuffered = Math.Max(MaxBuffered, _buffer.Count);
        }

        if (!advanced)
        {
            DuplicateAcksSent++;
        }

        Send(sender, new SegmentAck(RcvNxt, receiveWindow, seq, segment.SentAt)); // the right edge never moves left: RcvNxt + rwnd
    }

    private void Deliver(long seq)
    {
        _delivered.Add(seq);
        RcvNxt = seq + 1;
    }
}
