namespace DistSim.Links;

/// <summary>A data packet of the reliable link: the incarnations of the stream, the sender's sequence number and the application message.</summary>
/// <param name="SenderIncarnation">The sending end's incarnation (its boot counter, 1, 2, 3, …: +1 per crash of that end that lost the link state).</param>
/// <param name="ReceiverIncarnation">
/// The receiving end's incarnation as the sender believes it; 0 while the sender does not know it (a probe: never delivered,
/// answered with the receiver's incarnation).
/// </param>
/// <param name="Seq">Sequence number, 1, 2, 3, … per stream (a stream is one pair of incarnations).</param>
/// <param name="Message">The application message.</param>
/// <remarks>See <c>docs/concepts/links.md</c> (incarnations and restarts).</remarks>
public sealed record DataFrame(long SenderIncarnation, long ReceiverIncarnation, long Seq, object Message);

/// <summary>An acknowledgement of the reliable link; with <see cref="Seq"/> 0 it acknowledges nothing and only tells the receiver's incarnation (a sync).</summary>
/// <param name="SenderIncarnation">The data sender's incarnation, echoed from the data frame being answered.</param>
/// <param name="ReceiverIncarnation">The receiving end's own incarnation.</param>
/// <param name="Seq">The sequence number being acknowledged (0: none, a sync).</param>
/// <param name="Cumulative">Every sequence number up to this one has been delivered, in the stream of these two incarnations.</param>
public sealed record AckFrame(long SenderIncarnation, long ReceiverIncarnation, long Seq, long Cumulative);
