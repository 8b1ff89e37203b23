using DistSim.Checking;
using DistSim.Security;

namespace DistSim.Samples.Byzantine;

/// <summary>A PBFT message signed by its sender: the signature covers the message with <see cref="Sig"/> null.</summary>
public interface IPbftSigned
{
    /// <summary>The sender's signature; null before signing.</summary>
    Signature? Sig { get; }

    /// <summary>The node that must have signed it (a replica's index is its node id; a request: the client's node id).</summary>
    int Signer { get; }

    /// <summary>The signed content: this message with no signature.</summary>
    object Unsigned();
}

/// <summary>A client's request (signed by the client).</summary>
/// <param name="Client">The client's node id value.</param>
/// <param name="Timestamp">The client's request number (one at a time, increasing): a replica executes each once.</param>
/// <param name="Operation">The key-value operation.</param>
/// <param name="Sig">The client's signature.</param>
public sealed record PbftRequest(int Client, long Timestamp, KvInput Operation, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Client;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };

    /// <summary>The request's digest (what prepares and commits vote on): client, timestamp and operation; "null" for the null request.</summary>
    /// <param name="request">The request, or null for the null request.</param>
    public static string Digest(PbftRequest? request) => request is null ? "null" : Invariant($"c{request.Client}#{request.Timestamp} {request.Operation}");

    /// <summary>The request's key in the replicas' tables: client and timestamp.</summary>
    public string Key => Invariant($"{Client:D6}:{Timestamp:D12}");
}

/// <summary>The primary's pre-prepare: request <paramref name="Request"/> gets sequence number <paramref name="Seq"/> in view <paramref name="View"/>.</summary>
/// <param name="View">The view.</param>
/// <param name="Seq">The sequence number.</param>
/// <param name="Request">The request; null: the null request (a no-op filling a gap after a view change).</param>
/// <param name="Replica">The primary's index.</param>
/// <param name="Sig">The primary's signature.</param>
public sealed record PrePrepare(long View, long Seq, PbftRequest? Request, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <summary>The request's digest.</summary>
    public string Digest => PbftRequest.Digest(Request);

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };
}

/// <summary>A backup's prepare: it accepted the pre-prepare of <paramref name="Digest"/> at (<paramref name="View"/>, <paramref name="Seq"/>).</summary>
/// <param name="View">The view.</param>
/// <param name="Seq">The sequence number.</param>
/// <param name="Digest">The request's digest.</param>
/// <param name="Replica">The backup's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record Prepare(long View, long Seq, string Digest, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };
}

/// <summary>A replica's commit: it is prepared for <paramref name="Digest"/> at (<paramref name="View"/>, <paramref name="Seq"/>).</summary>
/// <param name="View">The view.</param>
/// <param name="Seq">The sequence number.</param>
/// <param name="Digest">The request's digest.</param>
/// <param name="Replica">The replica's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record Commit(long View, long Seq, string Digest, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };
}

/// <summary>A replica's reply to a client.</summary>
/// <param name="View">The replica's view (the client learns the primary from it).</param>
/// <param name="Timestamp">The request's timestamp.</param>
/// <param name="Client">The client's node id value.</param>
/// <param name="Replica">The replica's index.</param>
/// <param name="Result">A get's value ("" when unset); "" for a put.</param>
/// <param name="Sig">Its signature.</param>
public sealed record PbftReply(long View, long Timestamp, int Client, int Replica, string Result, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };
}

/// <summary>A prepared certificate: a pre-prepare and 2f matching prepares from distinct backups of its view.</summary>
/// <param name="PrePrepare">The signed pre-prepare.</param>
/// <param name="Prepares">The signed prepares (at least 2f, distinct backups, matching view, sequence number and digest).</param>
public sealed record PreparedCertificate(PrePrepare PrePrepare, Prepare[] Prepares);

/// <summary>A replica's view-change to <paramref name="View"/>: its prepared certificates (there are no checkpoints: all of them).</summary>
/// <param name="View">The new view.</param>
/// <param name="Prepared">Its highest-view prepared certificate of each sequence number, in order.</param>
/// <param name="Replica">The replica's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record ViewChange(long View, PreparedCertificate[] Prepared, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };
}

/// <summary>The new primary's new-view: 2f + 1 view-changes and the pre-prepares they imply (re-proposed prepared requests, null requests in the gaps).</summary>
/// <param name="View">The new view.</param>
/// <param name="ViewChanges">2f + 1 signed view-changes for <paramref name="View"/> from distinct replicas.</param>
/// <param name="PrePrepares">The pre-prepares of the new view for sequence numbers 1 … max-s.</param>
/// <param name="Replica">The new primary's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record NewView(long View, ViewChange[] ViewChanges, PrePrepare[] PrePrepares, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };
}
