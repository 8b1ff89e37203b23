using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Security;

/// <summary>
/// The ideal signing service: every node has a secret key (32 bytes from the stream
/// <c>sign:&lt;name&gt;</c>); a node signs only with its own key (its context offers nothing else), and
/// anyone can verify. A signature is HMAC-SHA256 over <c>"DistSim.sign.v1\0"</c>, the signer's id, the
/// message's type name and its JSON serialisation; the check is constant-time.
/// </summary>
internal sealed class SignatureService(ulong seed, Func<int, string> nodeName)
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("DistSim.sign.v1\0");
    private readonly Dictionary<int, byte[]> _keys = [];

    public Signature Sign(NodeId signer, object message) => new(signer, Mac(signer, message));

    public bool Verify(object message, Signature? signature) =>
        signature?.Value is { Length: 32 } value && CryptographicOperations.FixedTimeEquals(Mac(signature.Signer, message), value);

    private byte[] Mac(NodeId signer, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        buffer.Write(Domain);
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(id, signer.Value);
        buffer.Write(id);
        buffer.Write(Encoding.UTF8.GetBytes(message.GetType().FullName ?? message.GetType().Name));
        buffer.WriteByte(0);
        buffer.Write(JsonSerializer.SerializeToUtf8Bytes(message, message.GetType()));
        return HMACSHA256.HashData(Key(signer.Value), buffer.ToArray());
    }

    private byte[] Key(int node)
    {
        if (!_keys.TryGetValue(node, out byte[]? key))
        {
            RandomStream stream = StreamSeed.Create(seed, "sign:" + nodeName(node));
            key = new byte[32];
            stream.NextBytes(key);
            _keys.Add(node, key);
        }

        return key;
    }
}
