using MathNet.Numerics.Random;

namespace DistSim.Random;

/// <summary>
/// A seeded, repeatable stream of random numbers: the xoshiro256** 1.0 generator of Blackman and
/// Vigna, its 256-bit state filled from a 64-bit seed by SplitMix64. It is a MathNet.Numerics
/// <see cref="RandomSource"/>, so every MathNet distribution can sample from it.
/// </summary>
/// <remarks>
/// <para>For seeds 0 … <see cref="int.MaxValue"/> the output equals MathNet's own
/// <see cref="Xoshiro256StarStar"/>; this type exists because MathNet only accepts a 32-bit seed, and
/// DistSim derives a full 64-bit seed for every stream (see <see cref="StreamSeed"/>).</para>
/// <para>Not thread-safe: one stream belongs to one component of one simulation. Every draw consumes
/// exactly one 64-bit output, so the number of draws a component makes is predictable.
/// See <c>docs/concepts/randomness.md</c>.</para>
/// </remarks>
public sealed class RandomStream : RandomSource
{
    private Xoshiro256 _state;

    /// <summary>Creates a stream from a 64-bit seed (every value, including 0, is valid).</summary>
    /// <param name="seed">The seed.</param>
    public RandomStream(ulong seed)
        : base(threadSafe: false)
    {
        Seed = seed;
        _state = new Xoshiro256(seed);
    }

    /// <summary>The seed this stream started from.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// Called before every draw when set: a node's stream checks that it is drawn from inside that node's
    /// own handler, on the simulation's thread (a stream cached and drawn from elsewhere would change what
    /// the node draws next, silently).
    /// </summary>
    private Simulation? _guard;
    private int _guardNode;

    /// <summary>Makes this stream node <paramref name="node"/>'s own: every draw checks that it comes from that node's handler.</summary>
    internal void GuardFor(Simulation simulation, int node)
    {
        _guard = simulation;
        _guardNode = node;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _guard?.CheckNodeRandom(_guardNode);
        return _state.Next();
    }

    /// <summary>
    /// The generator itself, for the kernel's allocation-free samplers (<see cref="Timing.Delay"/>, <see cref="Chance"/>):
    /// the caller has run <see cref="CheckGuard"/> once for the one draw it makes.
    /// </summary>
    internal ref Xoshiro256 State => ref _state;

    /// <summary>Runs the guard (<see cref="GuardFor"/>) for one draw made through <see cref="State"/>.</summary>
    internal void CheckGuard() => _guard?.CheckNodeRandom(_guardNode);

    /// <summary>A uniform double in [0, 1) with 53 random bits (one draw).</summary>
    public double NextUnitDouble()
    {
        _guard?.CheckNodeRandom(_guardNode);
        return _state.NextUnitDouble();
    }

    /// <summary>
    /// A uniform double in the open interval (0, 1) (one draw), safe to pass to an inverse CDF that
    /// is infinite at 0 or 1.
    /// </summary>
    public double NextOpenUnitDouble()
    {
        _guard?.CheckNodeRandom(_guardNode);
        return _state.NextOpenUnitDouble();
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) by Lemire's multiply-shift (one draw).</summary>
    /// <param name="bound">Exclusive upper bound, at least 1.</param>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "must be >= 1");
        }

        return (ulong)(((UInt128)NextUInt64() * bound) >> 64);
    }

    /// <summary>Computes the next SplitMix64 output and advances <paramref name="state"/>.</summary>
    /// <param name="state">The SplitMix64 state.</param>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <inheritdoc />
    protected override double DoSample() => NextUnitDouble();

    /// <inheritdoc />
    protected override int DoSampleInteger() => (int)NextBelow(int.MaxValue);

    /// <inheritdoc />
    protected override int DoSampleInt32WithNBits(int bitCount) => (int)(NextUInt64() >> (64 - bitCount));

    /// <inheritdoc />
    protected override long DoSampleInt64WithNBits(int bitCount) => (long)(NextUInt64() >> (64 - bitCount));

    /// <inheritdoc />
    protected override void DoSampleBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < buffer.Length; i += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(word, NextUInt64());
            int n = Math.Min(8, buffer.Length - i);
            word[..n].CopyTo(buffer.AsSpan(i, n));
        }
    }
}
