using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace DistSim.Links;

/// <summary>
/// The bytes a MAC is computed over: <c>"DistSim.auth.v2"</c>, the session's sender and receiver ids
/// (int32 LE each), the frame kind (<c>'D'</c> data, <c>'A'</c> acknowledgement), the sender's and the
/// receiver's incarnation (int64 LE each), the sequence number (int64 LE) and then, for data, the message's type name (UTF-8, NUL-terminated) and its JSON
/// serialisation (System.Text.Json, declaration order), or, for an acknowledgement, the cumulative
/// acknowledgement (int64 LE). Binding both ends into the MAC means a packet cannot be redirected or
/// re-attributed, binding the kind means a data MAC cannot pass for an acknowledgement, and binding the
/// incarnations means a frame of an old incarnation cannot be passed off as one of the current one.
/// </summary>
public static class CanonicalEncoding
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("DistSim.auth.v2\0");

    /// <summary>The canonical bytes of <paramref name="frame"/> in the session <paramref name="from"/> → <paramref name="to"/>.</summary>
    /// <param name="from">The session's sending node id.</param>
    /// <param name="to">The session's receiving node id.</param>
    /// <param name="frame">A <see cref="DataFrame"/> or <see cref="AckFrame"/>.</param>
    public static byte[] Encode(int from, int to, object frame)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Domain);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(number, from);
        buffer.Write(number[..4]);
        BinaryPrimitives.WriteInt32LittleEndian(number, to);
        buffer.Write(number[..4]);
        switch (frame)
        {
            case DataFrame data:
                buffer.WriteByte((byte)'D');
                BinaryPrimitives.WriteInt64LittleEndian(number, data.SenderIncarnation);
                buffer.Write(number);
                BinaryPrimitives.WriteInt64LittleEndian(number, data.ReceiverIncarnation);
                buffer.Write(number);
                BinaryPrimitives.WriteInt64LittleEndian(number, data.Seq);
                buffer.Write(number);
                buffer.Write(Encoding.UTF8.GetBytes(data.Message.GetType().FullName ?? data.Message.GetType().Name));
                buffer.WriteByte(0);
                buffer.Write(JsonSerializer.SerializeToUtf8Bytes(data.Message, data.Message.GetType()));
                break;
            case AckFrame ack:
                buffer.WriteByte((byte)'A');
                BinaryPrimitives.WriteInt64LittleEndian(number, ack.SenderIncarnation);
                buffer.Write(number);
                BinaryPrimitives.WriteInt64LittleEndian(number, ack.ReceiverIncarnation);
                buffer.Write(number);
                BinaryPrimitives.WriteInt64LittleEndian(number, ack.Seq);
                buffer.Write(number);
                BinaryPrimitives.WriteInt64LittleEndian(number, ack.Cumulative);
                buffer.Write(number);
                break;
            default:
                throw new ArgumentException($"frame of type {frame?.GetType().Name ?? "null"} is neither a DataFrame nor an AckFrame", nameof(frame));
        }

        return buffer.ToArray();
    }
}
