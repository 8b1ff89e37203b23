namespace DistSim.Links;

/// <summary>A data packet of the reliable link: the sender's sequence number and the application message.</summary>
/// <param name="Seq">Sequence number, 1, 2, 3, … per ordered pair.</param>
/// <param name="Message">The application message.</param>
public sealed record DataFrame(long Seq, object Message);

/// <summary>An acknowledgement of the reliable link.</summary>
/// <param name="Seq">The sequence number being acknowledged.</param>
/// <param name="Cumulative">Every sequence number up to this one has been delivered.</param>
public sealed record AckFrame(long Seq, long Cumulative);
