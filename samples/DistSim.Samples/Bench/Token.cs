namespace DistSim.Samples.Bench;

/// <summary>
/// The message of the ring and all-to-all workloads: a small immutable record, so the message pipeline (isolation,
/// the authenticated link's encoding and MAC) does the work it does for users' messages. Each forward is a new
/// token with <see cref="Hop"/> one higher, as user code would write it; the bare loops allocate the same tokens.
/// </summary>
/// <param name="Hop">How many times this token (and the ones it was made from) has been forwarded.</param>
public sealed record Token(int Hop);
