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
}
