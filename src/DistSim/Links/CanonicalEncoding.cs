using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DistSim.Messages;

namespace DistSim.Links;

/// <summary>
/// The bytes a MAC is computed over: <c>"DistSim.auth.v3"</c>, the session's sender and receiver ids
/// (int32 LE each), the frame kind (<c>'D'</c> data, <c>'A'</c> acknowledgement), the sender's and the
/// receiver's incarnation (int64 LE each), the sequence number (int64 LE) and then, for data, the
/// message's canonical encoding (<see cref="MessageCodec"/>: every field of the whole object graph, with
/// its runtime types), or, for an acknowledgement, the cumulative acknowledgement (int64 LE). Binding
/// both ends into the MAC means a packet cannot be redirected or re-attributed, binding the kind means a
/// data MAC cannot pass for an acknowledgement, binding the incarnations means a frame of an old
/// incarnation cannot be passed off as one of the current one, and encoding the whole message means a
/// change anywhere in it — a public or private field, an element, a runtime type — changes the MAC.
/// </summary>
/// <remarks>See <c>docs/concepts/links.md</c> and <c>docs/concepts/messages.md</c>. Thread-safe.</remarks>
public static class CanonicalEncoding
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("DistSim.auth.v3\0");

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_buffer;

    /// <summary>The canonical bytes of <paramref name="frame"/> in the session <paramref name="from"/> → <paramref name="to"/>.</summary>
    /// <param name="from">The session's sending node id.</param>
    /// <param name="to">The session's receiving node id.</param>
    /// <param name="frame">A <see cref="DataFrame"/> or <see cref="AckFrame"/>.</param>
    /// <exception cref="MessageEncodingException">The data frame's message cannot be encoded faithfully.</exception>
    public static byte[] Encode(int from, int to, object frame)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, from, to, frame);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The size of a MAC (HMAC-SHA256), in bytes.</summary>
    internal const int MacSize = 32;

    /// <summary>The MAC of <paramref name="frame"/> into <paramref name="destination"/> (<see cref="MacSize"/> bytes): a verifier allocates nothing.</summary>
    internal static void Mac(ReadOnlySpan<byte> key, int from, int to, object frame, Span<byte> destination)
    {
        ArrayBufferWriter<byte> buffer = s_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        Write(buffer, from, to, frame);
        HMACSHA256.HashData(key, buffer.WrittenSpan, destination);
    }

    /// <summary>HMAC-SHA256 under <paramref name="key"/> of the canonical bytes of <paramref name="frame"/>, without building them as an array.</summary>
    internal static byte[] Mac(ReadOnlySpan<byte> key, int from, int to, object frame)
    {
        ArrayBufferWriter<byte> buffer = s_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        Write(buffer, from, to, frame);
        return HMACSHA256.HashData(key, buffer.WrittenSpan);
    }

    /// <summary>
    /// HMAC-SHA256 under <paramref name="key"/> of the canonical bytes of the frame whose fields are given (a data frame
    /// when <paramref name="message"/> is not null, else an acknowledgement with <paramref name="cumulative"/>), into
    /// <paramref name="destination"/>: the bytes <see cref="Encode"/> gives for the equal record, without the record.
    /// </summary>
    internal static void Mac(
        ReadOnlySpan<byte> key, int from, int to, long senderIncarnation, long receiverIncarnation, long seq, object? message, long cumulative, Span<byte> destination)
    {
        ArrayBufferWriter<byte> buffer = s_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        if (message is not null)
        {
            WriteData(buffer, from, to, senderIncarnation, receiverIncarnation, seq, message);
        }
        else
        {
            WriteAck(buffer, from, to, senderIncarnation, receiverIncarnation, seq, cumulative);
        }

        HMACSHA256.HashData(key, buffer.WrittenSpan, destination);
    }

    private static void Write(IBufferWriter<byte> buffer, int from, int to, object frame)
    {
        switch (frame)
        {
            case DataFrame data:
                WriteData(buffer, from, to, data.SenderIncarnation, data.ReceiverIncarnation, data.Seq, data.Message);
                break;
            case AckFrame ack:
                WriteAck(buffer, from, to, ack.SenderIncarnation, ack.ReceiverIncarnation, ack.Seq, ack.Cumulative);
                break;
            default:
                throw new ArgumentException($"frame of type {frame?.GetType().Name ?? "null"} is neither a DataFrame nor an AckFrame", nameof(frame));
        }
    }

    private static void WriteData(IBufferWriter<byte> buffer, int from, int to, long senderIncarnation, long receiverIncarnation, long seq, object message)
    {
        WriteHeader(buffer, from, to, (byte)'D', senderIncarnation, receiverIncarnation, seq);
        MessageCodec.Encode(message, buffer);
    }

    private static void WriteAck(IBufferWriter<byte> buffer, int from, int to, long senderIncarnation, long receiverIncarnation, long seq, long cumulative)
    {
        WriteHeader(buffer, from, to, (byte)'A', senderIncarnation, receiverIncarnation, seq);
        WriteInt64(buffer, cumulative);
    }

    private static void WriteHeader(IBufferWriter<byte> buffer, int from, int to, byte kind, long senderIncarnation, long receiverIncarnation, long seq)
    {
        buffer.Write(Domain);
        WriteInt32(buffer, from);
        WriteInt32(buffer, to);
        WriteByte(buffer, kind);
        WriteInt64(buffer, senderIncarnation);
        WriteInt64(buffer, receiverIncarnation);
        WriteInt64(buffer, seq);
    }

    private static void WriteByte(IBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void WriteInt32(IBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteInt64(IBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }
}
