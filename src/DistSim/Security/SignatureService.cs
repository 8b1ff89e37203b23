using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Security;

/// <summary>
/// The ideal signing service: every node has a secret key (32 bytes from the stream
/// <c>sign:&lt;name&gt;</c>); a node signs only with its own key (its context offers nothing else), and
/// anyone can verify. A signature is HMAC-SHA256 over <c>"DistSim.sign.v2\0"</c>, the signer's id and the
/// message's canonical encoding (<see cref="Messages.MessageCodec"/>: every field of the whole object graph
/// and its runtime types, so a change anywhere breaks the signature); the check is constant-time. The keys
/// derive from the seed: anyone with the seed can sign for any node (a property of simulation, not of security).
/// </summary>
internal sealed class SignatureService(ulong seed, Func<int, string> nodeName, Func<int> nodeCount)
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("DistSim.sign.v2\0");
    private readonly Dictionary<int, byte[]> _keys = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Signs for <paramref name="signer"/>; a message that cannot be encoded is refused (<see cref="Messages.MessageEncodingException"/>).</summary>
    public Signature Sign(NodeId signer, object message) => new(signer, Mac(signer, message));

    /// <summary>Whether <paramref name="signature"/> is its signer's signature of <paramref name="message"/>; a message that cannot be encoded is refused.</summary>
    public bool Verify(object message, Signature? signature)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (signature?.Value is not { Length: 32 } value || signature.Signer.Value >= nodeCount()) // a signer that does not exist signed nothing
        {
            _buffer.ResetWrittenCount();
            Messages.MessageCodec.Encode(message, _buffer); // a message that cannot be encoded is refused whatever the signature
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(signature.Signer, message), value);
    }

    private byte[] Mac(NodeId signer, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _buffer.ResetWrittenCount();
        _buffer.Write(Domain);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), signer.Value);
        _buffer.Advance(4);
        Messages.MessageCodec.Encode(message, _buffer);
        return HMACSHA256.HashData(Key(signer.Value), _buffer.WrittenSpan);
    }

    private byte[] Key(int node)
    {
        if (!_keys.TryGetValue(node, out byte[]? key))
        {
            RandomStream stream = StreamSeed.Create(seed, "sign:", nodeName(node));
            key = new byte[32];
            stream.NextBytes(key);
            _keys.Add(node, key);
        }

        return key;
    }
}
