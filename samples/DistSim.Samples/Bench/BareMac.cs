using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DistSim.Samples.Bench;

/// <summary>
/// The bare authenticated link's MACs: HMAC-SHA256 (<see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>)
/// over a 20-byte encoding of (sender, receiver, kind, sequence, hop) built on the stack, with a 32-byte key per
/// ordered pair; tags live in a pooled slab (a slot per packet in flight, reused), so nothing is allocated per packet.
/// </summary>
/// <remarks>
/// The key of pair (a, b) is node a's 32-byte secret (drawn at set-up) with b mixed into its first 4 bytes, built on
/// the stack per packet: a flat K × K key table would be 32 MiB at K = 1,000, and which key is used does not change
/// the cost of an HMAC. Receipt recomputes the tag and compares it with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </remarks>
/// <param name="nodes">K.</param>
/// <param name="seed">The master seed (for the secrets).</param>
public sealed class BareMac(int nodes, ulong seed)
{
    private const int TagSize = 32;
    private readonly byte[] _secrets = Secrets(nodes, seed);
    private byte[] _tags = new byte[64 * TagSize];
    private int[] _free = Enumerable.Range(0, 64).Reverse().ToArray();
    private int _freeCount = 64;

    /// <summary>Computes the tag of a packet into a free slot of the slab; returns the slot.</summary>
    /// <param name="sender">The data sender (of the pair's key).</param>
    /// <param name="receiver">The data receiver.</param>
    /// <param name="kind">Data or acknowledgement.</param>
    /// <param name="seq">The sequence number.</param>
    /// <param name="hop">The token's hop (0 for an acknowledgement).</param>
    public int Sign(int sender, int receiver, int kind, int seq, int hop)
    {
        if (_freeCount == 0)
        {
            Grow();
        }

        int slot = _free[--_freeCount];
        Compute(sender, receiver, kind, seq, hop, _tags.AsSpan(slot * TagSize, TagSize));
        return slot;
    }

    /// <summary>Recomputes the tag and compares it in constant time with the one in <paramref name="slot"/>; frees the slot.</summary>
    /// <param name="slot">The slot <see cref="Sign"/> returned.</param>
    /// <param name="sender">The data sender.</param>
    /// <param name="receiver">The data receiver.</param>
    /// <param name="kind">Data or acknowledgement.</param>
    /// <param name="seq">The sequence number.</param>
    /// <param name="hop">The token's hop (0 for an acknowledgement).</param>
    public bool Verify(int slot, int sender, int receiver, int kind, int seq, int hop)
    {
        Span<byte> expected = stackalloc byte[TagSize];
        Compute(sender, receiver, kind, seq, hop, expected);
        bool ok = CryptographicOperations.FixedTimeEquals(expected, _tags.AsSpan(slot * TagSize, TagSize));
        _free[_freeCount++] = slot;
        return ok;
    }

    private void Compute(int sender, int receiver, int kind, int seq, int hop, Span<byte> tag)
    {
        Span<byte> key = stackalloc byte[TagSize];
        _secrets.AsSpan(sender * TagSize, TagSize).CopyTo(key);
        BinaryPrimitives.WriteInt32LittleEndian(key, BinaryPrimitives.ReadInt32LittleEndian(key) ^ receiver);
        Span<byte> data = stackalloc byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(data, sender);
        BinaryPrimitives.WriteInt32LittleEndian(data[4..], receiver);
        BinaryPrimitives.WriteInt32LittleEndian(data[8..], kind);
        BinaryPrimitives.WriteInt32LittleEndian(data[12..], seq);
        BinaryPrimitives.WriteInt32LittleEndian(data[16..], hop);
        HMACSHA256.HashData(key, data, tag);
    }

    private void Grow()
    {
        int old = _free.Length;
        Array.Resize(ref _tags, old * 2 * TagSize);
        _free = new int[old * 2];
        for (int i = 0; i < old; i++)
        {
            _free[_freeCount++] = (old * 2) - 1 - i;
        }
    }

    private static byte[] Secrets(int nodes, ulong seed)
    {
        var secrets = new byte[nodes * TagSize];
        for (int i = 0; i < nodes; i++)
        {
            var random = new BareRandom(~seed, i);
            for (int j = 0; j < TagSize; j += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(secrets.AsSpan((i * TagSize) + j), random.Next());
            }
        }

        return secrets;
    }
}
