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

    /// <summary>This message carrying <paramref name="sig"/> (a copy: the records are immutable).</summary>
    /// <param name="sig">The signature of <see cref="Unsigned"/>.</param>
    IPbftSigned WithSig(Signature sig);
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

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };

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

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
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

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
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

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
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

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
}

/// <summary>A prepared certificate: a pre-prepare and quorum − 1 matching prepares from distinct backups of its view (2f when n = 3f + 1).</summary>
/// <param name="PrePrepare">The signed pre-prepare.</param>
/// <param name="Prepares">The signed prepares (at least quorum − 1, distinct backups, matching view, sequence number and digest).</param>
public sealed record PreparedCertificate(PrePrepare PrePrepare, Prepare[] Prepares);

/// <summary>
/// A replica's view-change to <paramref name="View"/>: its stable checkpoint with the proof that makes it stable, and its
/// prepared certificates above that checkpoint (the log below it was discarded).
/// </summary>
/// <param name="View">The new view.</param>
/// <param name="Stable">The sequence number of the replica's stable checkpoint (0: none yet, the initial state).</param>
/// <param name="StableProof">A quorum of signed checkpoints of <paramref name="Stable"/> from distinct replicas, one digest (empty for 0).</param>
/// <param name="Prepared">Its highest-view prepared certificate of each sequence number above <paramref name="Stable"/>, in order.</param>
/// <param name="Replica">The replica's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record ViewChange(long View, long Stable, Checkpoint[] StableProof, PreparedCertificate[] Prepared, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
}

/// <summary>
/// A replica's checkpoint: after executing <paramref name="Seq"/> (a multiple of the checkpoint interval) its state has
/// digest <paramref name="Digest"/>. a quorum of matching ones from distinct replicas make the checkpoint stable: the log up
/// to it can go, and the signed messages are the proof a view change or a state transfer carries.
/// </summary>
/// <param name="Seq">The sequence number executed.</param>
/// <param name="Digest">The state's digest (<see cref="PbftSnapshot.Digest"/>).</param>
/// <param name="Replica">The replica's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record Checkpoint(long Seq, string Digest, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
}

/// <summary>A lagging replica asks the others for the state at their stable checkpoint, if it is above <paramref name="Have"/>.</summary>
/// <param name="Have">The highest sequence number the asking replica has executed.</param>
/// <param name="Replica">The asking replica's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record FetchState(long Have, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
}

/// <summary>
/// The state at a stable checkpoint, for a lagging replica: it installs the state only when the proof holds (a quorum of
/// signed checkpoints of <paramref name="Seq"/>) and the state's digest is the one they sign, so one faulty sender
/// cannot make it install anything else.
/// </summary>
/// <param name="Seq">The checkpoint's sequence number.</param>
/// <param name="State">The state after executing <paramref name="Seq"/>.</param>
/// <param name="Proof">A quorum of signed checkpoints of <paramref name="Seq"/> with the state's digest.</param>
/// <param name="Replica">The sending replica's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record StateReply(long Seq, PbftSnapshot State, Checkpoint[] Proof, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
}

/// <summary>One key's value in a <see cref="PbftSnapshot"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">Its value.</param>
public sealed record PbftValue(string Key, string Value);

/// <summary>A client's last executed request and its result, in a <see cref="PbftSnapshot"/> (what makes execution once-only survive a state transfer).</summary>
/// <param name="Client">The client's node id value.</param>
/// <param name="Timestamp">Its last executed request's timestamp.</param>
/// <param name="Result">That request's result.</param>
public sealed record PbftLastReply(int Client, long Timestamp, string Result);

/// <summary>A replica's state after executing some sequence number: the key-value store and the clients' last replies, each sorted.</summary>
/// <param name="Values">The store, by key (ordinal).</param>
/// <param name="Replies">The last reply of each client, by client.</param>
public sealed record PbftSnapshot(PbftValue[] Values, PbftLastReply[] Replies)
{
    /// <summary>
    /// SHA-256 of the canonical encoding (each key, value and result as its UTF-8 length and bytes; client and timestamp
    /// as numbers), in hex: equal states have equal digests on every machine.
    /// </summary>
    public string Digest()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Values.Length);
            foreach (PbftValue v in Values)
            {
                w.Write(v.Key);
                w.Write(v.Value);
            }

            w.Write(Replies.Length);
            foreach (PbftLastReply r in Replies)
            {
                w.Write(r.Client);
                w.Write(r.Timestamp);
                w.Write(r.Result);
            }
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }
}

/// <summary>The new primary's new-view: a quorum of view-changes and the pre-prepares they imply (re-proposed prepared requests, null requests in the gaps).</summary>
/// <param name="View">The new view.</param>
/// <param name="ViewChanges">A quorum of signed view-changes for <paramref name="View"/> from distinct replicas.</param>
/// <param name="PrePrepares">The pre-prepares of the new view for the sequence numbers above min-s (the highest stable checkpoint among <paramref name="ViewChanges"/>) up to max-s (the highest prepared one).</param>
/// <param name="Replica">The new primary's index.</param>
/// <param name="Sig">Its signature.</param>
public sealed record NewView(long View, ViewChange[] ViewChanges, PrePrepare[] PrePrepares, int Replica, Signature? Sig = null) : IPbftSigned
{
    /// <inheritdoc />
    public int Signer => Replica;

    /// <inheritdoc />
    public object Unsigned() => this with { Sig = null };

    /// <inheritdoc />
    public IPbftSigned WithSig(Signature sig) => this with { Sig = sig };
}
