namespace DistSim.Random;

/// <summary>
/// A seeded, repeatable stream of random numbers: the xoshiro256** 1.0 generator of Blackman and
/// Vigna, its 256-bit state filled from a 64-bit seed by SplitMix64. It is a <see cref="System.Random"/>, so every
/// MathNet.Numerics distribution (they sample from any <see cref="System.Random"/>) can sample from it, and MathNet's
/// extension methods on <see cref="System.Random"/> (<c>NextDoubles</c>, <c>NextInt32s</c>, …) apply to it.
/// </summary>
/// <remarks>
/// <para>For seeds 0 … <see cref="int.MaxValue"/> the output equals MathNet's own
/// <see cref="MathNet.Numerics.Random.Xoshiro256StarStar"/>; this type exists because MathNet only accepts a 32-bit
/// seed, and DistSim derives a full 64-bit seed for every stream (see <see cref="StreamSeed"/>).</para>
/// <para><see cref="System.Random"/>'s members are mapped to draws as MathNet's <c>RandomSource</c> maps them (this
/// type derived from it until that was found to read the operating system's entropy source for every stream it
/// constructs, about a microsecond each, for a seed nothing used), so every one of them draws the same values as
/// before. MathNet's open-ended sequences (<c>NextDoubleSequence</c>, <c>NextInt32Sequence</c>, a distribution's
/// <c>Samples</c>) now draw one value per item taken, where on a <c>RandomSource</c> they read 64 ahead; and where
/// <c>RandomSource</c> refused <c>Next(0)</c> and <c>Next(n, n)</c>, this type answers as <see cref="System.Random"/>
/// specifies. See <c>docs/concepts/randomness.md</c>.</para>
/// <para>Not thread-safe: one stream belongs to one component of one simulation. Every draw consumes
/// exactly one 64-bit output, so the number of draws a component makes is predictable.
/// See <c>docs/concepts/randomness.md</c>.</para>
/// </remarks>
public sealed class RandomStream : System.Random
{
    private Xoshiro256 _state;

    /// <summary>Creates a stream from a 64-bit seed (every value, including 0, is valid).</summary>
    /// <param name="seed">The seed.</param>
    public RandomStream(ulong seed)
        : base(0) // System.Random's own generator is never drawn from: every member it has routes to the overrides below
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

    /// <summary>A uniform double in [0, 1) (one draw, <see cref="NextUnitDouble"/>): what <see cref="System.Random.NextDouble"/> and every MathNet distribution draw.</summary>
    protected override double Sample() => NextUnitDouble();

    /// <summary>A uniform integer in [0, <see cref="int.MaxValue"/>) (one draw).</summary>
    public override int Next() => (int)NextBelow(int.MaxValue);

    /// <summary>
    /// A uniform integer in [0, <paramref name="maxValue"/>): for a power of two, that many low bits of one draw's top
    /// bits; otherwise one bit more, drawn again while the value is not below <paramref name="maxValue"/>. As
    /// <see cref="System.Random"/> specifies, 0 and 1 give 0 (without a draw).
    /// </summary>
    /// <param name="maxValue">Exclusive upper bound, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxValue"/> is negative.</exception>
    public override int Next(int maxValue)
    {
        if (maxValue < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "must be >= 0");
        }

        return maxValue <= 1 ? 0 : maxValue == int.MaxValue ? Next() : (int)BelowByRejection((uint)maxValue);
    }

    /// <summary>
    /// A uniform integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>), drawn as <see cref="Next(int)"/>
    /// draws the offset; the range may be as wide as the whole <see cref="int"/> range. As <see cref="System.Random"/>
    /// specifies, equal bounds give <paramref name="minValue"/> (without a draw).
    /// </summary>
    /// <param name="minValue">Inclusive lower bound.</param>
    /// <param name="maxValue">Exclusive upper bound, not below <paramref name="minValue"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxValue"/> is below <paramref name="minValue"/>.</exception>
    public override int Next(int minValue, int maxValue)
    {
        if (minValue > maxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"must be >= minValue ({minValue})");
        }

        if (minValue == 0)
        {
            return Next(maxValue);
        }

        uint range = (uint)((long)maxValue - minValue); // up to 2^32 - 1: the whole int range is allowed
        return range <= 1 ? minValue : (int)(minValue + (long)BelowByRejection(range));
    }

    /// <summary>Fills <paramref name="buffer"/> eight bytes a draw, each draw's bytes little-endian first.</summary>
    /// <param name="buffer">The bytes to fill.</param>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length > 0)
        {
            _guard?.CheckNodeRandom(_guardNode); // once for the fill: every draw of it has the same caller
            _state.Fill(buffer);
        }
    }

    /// <summary>A uniform value in [0, <paramref name="range"/>) for <paramref name="range"/> ≥ 2: see <see cref="Next(int)"/>.</summary>
    private ulong BelowByRejection(uint range)
    {
        int bits = System.Numerics.BitOperations.Log2(range);
        if (System.Numerics.BitOperations.IsPow2(range))
        {
            return NextUInt64() >> (64 - bits);
        }

        bits++;
        ulong sample;
        do
        {
            sample = NextUInt64() >> (64 - bits);
        }
        while (sample >= range);
        return sample;
    }
}
