using System.Runtime.CompilerServices;

namespace DistSim.Samples.Bench;

/// <summary>
/// The bare loops' generator: xoshiro256** inline, four <see cref="ulong"/> fields in a struct, kept in an array
/// with one element per node (no object, no virtual call, no guard), seeded by SplitMix64. Not DistSim's
/// <see cref="DistSim.Random.RandomStream"/>: the baseline must not share DistSim's code.
/// </summary>
public struct BareRandom
{
    private const double DoubleUnit = 1.0 / (1UL << 53);
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>A generator seeded from <paramref name="seed"/> and <paramref name="index"/> (e.g. the node) by SplitMix64.</summary>
    /// <param name="seed">The master seed.</param>
    /// <param name="index">Which generator (a node's index).</param>
    public BareRandom(ulong seed, int index)
    {
        ulong x = seed ^ ((ulong)(uint)index * 0xD1B54A32D192ED03UL);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The next 64 random bits (xoshiro256** 1.0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        ulong s1 = _s1;
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        _s2 ^= _s0;
        _s3 ^= s1;
        _s1 = s1 ^ _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>An exponential delay in ticks: −ln(u)·mean with u uniform in (0, 1) (one draw), rounded to ticks.</summary>
    /// <param name="meanTicks">The mean, in ticks.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ExponentialTicks(double meanTicks) => (long)Math.Round(-Math.Log(((Next() >> 11) + 0.5) * DoubleUnit) * meanTicks);

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) by multiply-shift (one draw).</summary>
    /// <param name="bound">Exclusive upper bound, at least 1.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextBelow(int bound) => (int)((Next() >> 32) * (ulong)bound >> 32);

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
