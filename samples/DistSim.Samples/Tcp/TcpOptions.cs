namespace DistSim.Samples.Tcp;

/// <summary>Options of the TCP-like transport.</summary>
public sealed record TcpOptions
{
    /// <summary>Segments to transfer.</summary>
    public int Messages { get; init; } = 1000;

    /// <summary>The sender's own limit on segments in flight.</summary>
    public int Window { get; init; } = 32;

    /// <summary>The receiver's buffer (rwnd), in segments: out-of-order segments beyond it are dropped.</summary>
    public int ReceiveWindow { get; init; } = 64;

    /// <summary>G.</summary>
    public TimeSpan Granularity { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The RTO floor.</summary>
    public TimeSpan RtoMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The RTO ceiling.</summary>
    public TimeSpan RtoMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The RTO before the first measurement (RFC 6298: 1 s).</summary>
    public TimeSpan RtoInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Abort after this many consecutive timeouts without progress.</summary>
    public int MaxRetries { get; init; } = 15;

    /// <summary>
    /// Measure round trips from the timestamp echoed by each acknowledgement (RFC 7323), which is unambiguous
    /// even for a retransmitted segment. When false, a segment's send time is remembered and Karn's rule
    /// applies: an acknowledgement caused by a retransmitted segment gives no measurement.
    /// </summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>Duplicate acknowledgements that trigger a fast retransmit (3 in TCP).</summary>
    public int DuplicateAckThreshold { get; init; } = 3;
}
