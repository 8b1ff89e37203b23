using System.IO.Hashing;
using System.Text;

namespace DistSim.Random;

/// <summary>
/// Derives the seed of a named random stream from the master seed, stably: the same master seed
/// and name give the same stream on every machine and in every process.
/// </summary>
/// <remarks>
/// The algorithm is fixed and documented (<c>docs/concepts/randomness.md</c>):
/// <c>seed = XxHash64(UTF-8 bytes of name, seed: masterSeed)</c>. Because a stream depends only on its
/// own name, adding a node or a link does not change the draws of any other component.
/// <see cref="string.GetHashCode()"/> is never used: .NET randomises it per process.
/// </remarks>
public static class StreamSeed
{
    /// <summary>The seed of the stream called <paramref name="name"/> under <paramref name="masterSeed"/>.</summary>
    /// <param name="masterSeed">The simulation's master seed.</param>
    /// <param name="name">The component's stable identity, e.g. <c>node:A1</c> or <c>link:A1-&gt;A2</c>.</param>
    public static ulong Derive(ulong masterSeed, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(name), unchecked((long)masterSeed));
    }

    /// <summary>A new stream for <paramref name="name"/> under <paramref name="masterSeed"/>.</summary>
    /// <param name="masterSeed">The simulation's master seed.</param>
    /// <param name="name">The component's stable identity.</param>
    public static RandomStream Create(ulong masterSeed, string name) => new(Derive(masterSeed, name));

    /// <summary>A new stream for <paramref name="prefix"/> + <paramref name="name"/> (e.g. <c>node:</c> and a node's name), without building the string.</summary>
    internal static RandomStream Create(ulong masterSeed, string prefix, string name) => new(Derive(masterSeed, prefix, name, string.Empty, string.Empty));

    /// <summary>
    /// The secret key of the ordered pair <paramref name="from"/> → <paramref name="to"/>: the first bytes of the stream
    /// <c>key:A-&gt;B</c>, written into <paramref name="key"/> without making the stream.
    /// </summary>
    internal static void PairKey(ulong masterSeed, string from, string to, Span<byte> key)
    {
        var stream = new Xoshiro256(Derive(masterSeed, "key:", from, "->", to));
        stream.Fill(key);
    }

    /// <summary>
    /// The seed of the stream called <paramref name="prefix"/> + <paramref name="first"/> + <paramref name="separator"/> +
    /// <paramref name="second"/>, equal to <see cref="Derive(ulong, string)"/> of that concatenation, without building
    /// it: the kernel derives a stream per ordered pair (<c>link:A-&gt;B</c>), up to a million of them in a run.
    /// </summary>
    internal static ulong Derive(ulong masterSeed, string prefix, string first, string separator, string second)
    {
        const int StackBytes = 256;
        int chars = prefix.Length + first.Length + separator.Length + second.Length;
        int length = chars <= StackBytes / 3 ? chars * 3 // a UTF-16 unit takes at most 3 UTF-8 bytes: no need to count them first
            : Encoding.UTF8.GetByteCount(prefix) + Encoding.UTF8.GetByteCount(first) + Encoding.UTF8.GetByteCount(separator) + Encoding.UTF8.GetByteCount(second);
        byte[]? rented = length > StackBytes ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented is null ? stackalloc byte[StackBytes] : rented;
        int at = Encoding.UTF8.GetBytes(prefix, bytes);
        at += Encoding.UTF8.GetBytes(first, bytes[at..]);
        at += Encoding.UTF8.GetBytes(separator, bytes[at..]);
        at += Encoding.UTF8.GetBytes(second, bytes[at..]);
        ulong seed = XxHash64.HashToUInt64(bytes[..at], unchecked((long)masterSeed));
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return seed;
    }
}
