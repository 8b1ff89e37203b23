using System.Runtime.CompilerServices;

namespace DistSim.Random;

/// <summary>
/// The state of one xoshiro256** 1.0 generator (Blackman and Vigna) as a plain 32-byte value: what a
/// <see cref="RandomStream"/> wraps, and what the kernel keeps inline for components too numerous to give an
/// object each (every ordered pair's channel: a million pairs at K = 1,000 all-to-all).
/// </summary>
/// <remarks>
/// Draw for draw the same numbers as a <see cref="RandomStream"/> with the same seed: both are this struct.
/// Mutable on purpose: use it through a <c>ref</c> (a copy draws the same numbers again).
/// </remarks>
internal struct Xoshiro256
{
    private const double DoubleUnit = 1.0 / (1UL << 53);
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>A generator whose 256-bit state is filled from <paramref name="seed"/> by SplitMix64.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = RandomStream.SplitMix64(ref x);
        _s1 = RandomStream.SplitMix64(ref x);
        _s2 = RandomStream.SplitMix64(ref x);
        _s3 = RandomStream.SplitMix64(ref x);
    }

    /// <summary>Fills <paramref name="destination"/> with draws, each 64 bits little-endian (the last one cut short): what <see cref="RandomStream.NextBytes(byte[])"/> gives.</summary>
    public void Fill(Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < destination.Length; i += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(word, Next());
            int n = Math.Min(8, destination.Length - i);
            word[..n].CopyTo(destination.Slice(i, n));
        }
    }

    /// <summary>The next 64 random bits.</summary>
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

    /// <summary>A uniform double in [0, 1) with 53 random bits (one draw).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextUnitDouble() => (Next() >> 11) * DoubleUnit;

    /// <summary>A uniform double in the open interval (0, 1) (one draw).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenUnitDouble() => ((Next() >> 11) + 0.5) * DoubleUnit;

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) by Lemire's multiply-shift (one draw); <paramref name="bound"/> ≥ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextBelow(ulong bound) => (ulong)(((UInt128)Next() * bound) >> 64);
}
