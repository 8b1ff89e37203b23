using DistSim.Time;

namespace DistSim.Samples.Tcp;

/// <summary>A data segment: one message, numbered per segment.</summary>
/// <param name="Seq">The segment's sequence number, 0, 1, 2, …</param>
/// <param name="Value">The application's data.</param>
/// <param name="SentAt">The sender's clock when this copy was sent (the timestamp option's TSval, RFC 7323).</param>
public sealed record Segment(long Seq, long Value, SimTime SentAt);

/// <summary>A cumulative acknowledgement.</summary>
/// <param name="Next">Every segment below this was received in order; this one is expected next.</param>
/// <param name="Window">The receive window: segments <c>Next … Next + Window − 1</c> can be accepted.</param>
/// <param name="Echo">The segment whose arrival caused this acknowledgement.</param>
/// <param name="EchoSentAt">That segment's <see cref="Segment.SentAt"/> (the timestamp echo, TSecr).</param>
public sealed record SegmentAck(long Next, int Window, long Echo, SimTime EchoSentAt);
