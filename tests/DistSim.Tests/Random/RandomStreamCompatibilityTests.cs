using DistSim.Random;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.Random;

namespace DistSim.Tests.Random;

/// <summary>
/// <see cref="RandomStream"/> derived from MathNet's <see cref="RandomSource"/> until its constructor was found to read
/// the operating system's entropy source for every stream (a seed nothing used). It now derives from
/// <see cref="System.Random"/> and maps its members to draws itself; these properties hold it to the draws the
/// MathNet-based stream made, over seeds and arbitrary sequences of calls, so no run changes.
/// </summary>
public class RandomStreamCompatibilityTests
{
    [Property(MaxTest = 300)]
    public Property EveryMember_DrawsWhatTheMathNetBasedStreamDrew()
    {
        Gen<ulong> seeds = ArbMap.Default.GeneratorFor<ulong>();
        Gen<Call[]> calls = from n in Gen.Choose(1, 40) from sequence in CallGen().ArrayOf(n) select sequence;
        return Prop.ForAll(Gen.Zip(seeds, calls).ToArbitrary(), input =>
        {
            (ulong seed, Call[] sequence) = input;
            var ours = new RandomStream(seed);
            var before = new MathNetMapped(seed);
            foreach (Call call in sequence)
            {
                string expected = Outcome(before, call);
                if (expected == Refused && SpecifiedWhereRandomSourceRefused(call) is { } specified)
                {
                    expected = specified; // Next(0) and Next(n, n): System.Random's contract, neither draws
                }

                string actual = Outcome(ours, call);
                if (expected != actual)
                {
                    return false.Label($"seed {seed}, {call}: the MathNet-based stream gave {expected}, RandomStream {actual}");
                }
            }

            return true.ToProperty();
        });
    }

    [Fact]
    public void PowersOfTwoAndTheirNeighbours_DrawAsBefore()
    {
        // The rejection sampler's edges: bounds at and around every power of two, with several draws each.
        for (int bits = 1; bits < 31; bits++)
        {
            foreach (int bound in new[] { (1 << bits) - 1, 1 << bits, (1 << bits) + 1 })
            {
                if (bound < 2)
                {
                    continue;
                }

                var ours = new RandomStream((ulong)bound);
                var before = new MathNetMapped((ulong)bound);
                for (int i = 0; i < 8; i++)
                {
                    Assert.Equal(before.Next(bound), ours.Next(bound));
                    Assert.Equal(before.Next(-bound / 2, bound / 2 + 1), ours.Next(-bound / 2, bound / 2 + 1));
                }
            }
        }
    }

    [Fact]
    public void RangesBeyondIntMaxValue_StayInRange_WhereTheMathNetBasedStreamThrew()
    {
        var stream = new RandomStream(42);
        bool sawNegative = false, sawLarge = false;
        for (int i = 0; i < 2_000; i++)
        {
            int v = stream.Next(int.MinValue, int.MaxValue);
            Assert.InRange(v, int.MinValue, int.MaxValue - 1);
            sawNegative |= v < -(1 << 30);
            sawLarge |= v > 1 << 30;
        }

        Assert.True(sawNegative && sawLarge, "draws over the whole int range reach both far ends");
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new MathNetMapped(42).Next(int.MinValue, int.MaxValue)); // it refused what it could not draw
    }

    [Fact]
    public void BadBounds_NameTheParameterAndTheValue_AndEmptyRangesAnswerAsSystemRandomSpecifies()
    {
        var stream = new RandomStream(1);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => stream.Next(-1));
        Assert.Equal("maxValue", negative.ParamName);
        Assert.Equal(-1, negative.ActualValue);
        var inverted = Assert.Throws<ArgumentOutOfRangeException>(() => stream.Next(5, 4));
        Assert.Equal("maxValue", inverted.ParamName);
        Assert.Contains("minValue (5)", inverted.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => stream.NextBytes((byte[])null!));

        var untouched = new RandomStream(1);
        Assert.Equal(0, stream.Next(0));
        Assert.Equal(7, stream.Next(7, 7));
        Assert.Equal(-3, stream.Next(-3, -2));
        Assert.Equal(untouched.NextUInt64(), stream.NextUInt64()); // none of them drew
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void MathNetSequences_DrawOneValuePerItemTaken(int taken)
    {
        // On a RandomSource these sequences read 64 values ahead once 64 were taken; on a RandomStream each item is
        // one draw, so what the stream draws next depends only on how many items were taken.
        var sequence = new RandomStream(9);
        var singles = new RandomStream(9);
        Assert.Equal(
            Enumerable.Range(0, taken).Select(_ => singles.NextDouble()),
            sequence.NextDoubleSequence().Take(taken));
        Assert.Equal(singles.NextDouble(), sequence.NextDouble());

        var samples = new RandomStream(10);
        var single = new RandomStream(10);
        Assert.Equal(
            Enumerable.Range(0, taken).Select(_ => MathNet.Numerics.Distributions.Exponential.Sample(single, 2)),
            MathNet.Numerics.Distributions.Exponential.Samples(samples, 2).Take(taken));
        Assert.Equal(single.NextUInt64(), samples.NextUInt64());
    }

    [Fact]
    public void ConstructingAStream_AllocatesOnlyTheStreamAndSystemRandomsAdapter()
    {
        _ = new RandomStream(0); // JIT and type loading outside the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            _ = new RandomStream((ulong)i);
        }

        long perStream = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perStream <= 144, $"a stream costs {perStream} bytes (the MathNet-based one cost 200, with a lock object and an OS entropy draw)");
    }

    /// <summary>One call on a <see cref="System.Random"/> (or a MathNet helper or distribution drawing from one), with its arguments.</summary>
    public sealed record Call(int Kind, int A, int B, long C, long D, int Length)
    {
        public override string ToString() => Kind switch
        {
            0 => "Next()",
            1 => $"Next({A})",
            2 => $"Next({A}, {B})",
            12 => $"GetHexString({Length})",
            13 => $"GetString(\"abcde\", {Length})",
            14 => $"NextDoubles(double[{Length}])",
            15 => $"NextInt32s(int[{Length}], {A}, {B})",
            16 => "Normal.Sample(0, 1)",
            17 => $"DiscreteUniform.Sample({A}, {B})",
            18 => $"Exponential.Samples(double[{Length}], 2)",
            3 => "NextDouble()",
            4 => "NextSingle()",
            5 => "NextInt64()",
            6 => $"NextInt64({C})",
            7 => $"NextInt64({C}, {D})",
            8 => $"NextBytes(byte[{Length}])",
            9 => $"NextBytes(Span[{Length}])",
            10 => $"Shuffle(int[{Length}])",
            _ => $"GetItems(int[{Length}], {1 + (Length % 5)})",
        };
    }

    private static Gen<Call> CallGen()
    {
        Gen<int> bound = Gen.OneOf(
            Gen.Choose(-2, 20),
            Gen.Choose(1, 30).Select(b => 1 << b),
            Gen.Choose(1, 30).Select(b => (1 << b) + 1),
            Gen.Choose(1, int.MaxValue),
            Gen.Constant(int.MaxValue));
        Gen<int> lower = Gen.OneOf(
            Gen.Choose(-5, 5),
            Gen.Choose(int.MinValue, int.MaxValue),
            Gen.Elements(int.MinValue, int.MinValue + 1, int.MaxValue - 1, int.MaxValue));
        Gen<long> bound64 = Gen.OneOf(Gen.Choose(-2, 50).Select(v => (long)v), ArbMap.Default.GeneratorFor<long>(), Gen.Constant(long.MaxValue));
        return
            from kind in Gen.Choose(0, 18)
            from a in bound
            from low in lower
            from width in Gen.OneOf(Gen.Choose(-1, 40), bound)
            from c in bound64
            from d in bound64
            from length in Gen.Choose(0, 20)
            select kind switch
            {
                2 or 15 => new Call(kind, low, Upper(low, width), c, d, length),
                17 => new Call(kind, low, Upper(low, width - 1), c, d, length), // DiscreteUniform's upper bound is inclusive
                _ => new Call(kind, a, width, c, d, length),
            };
    }

    /// <summary><paramref name="lower"/> + <paramref name="width"/> within int (a width below 1 gives an empty or inverted range), keeping the range within what <see cref="RandomSource"/> accepted (at most <see cref="int.MaxValue"/> wide).</summary>
    private static int Upper(int lower, int width) => (int)Math.Clamp((long)lower + width, int.MinValue, int.MaxValue);

    private const string Refused = "argument refused";

    /// <summary>What <see cref="System.Random"/> specifies for the bounds <see cref="RandomSource"/> refused: Next(0) is 0, Next(n, n) is n.</summary>
    private static string? SpecifiedWhereRandomSourceRefused(Call call) => call switch
    {
        { Kind: 1, A: 0 } => "0",
        { Kind: 2 } when call.A == call.B => call.A.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { Kind: 15, Length: 0 } => string.Empty, // MathNet's helper on a System.Random checks the bounds only as it draws, and an empty array draws nothing
        { Kind: 15 } when call.A == call.B => string.Join(",", Enumerable.Repeat(call.A, call.Length)), // MathNet's helper calls Next(n, n) per item
        _ => null,
    };

    /// <summary>What a call returned (or which exception family it threw), as text to compare.</summary>
    private static string Outcome(System.Random random, Call call)
    {
        try
        {
            switch (call.Kind)
            {
                case 0:
                    return random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 1:
                    return random.Next(call.A).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 2:
                    return random.Next(call.A, call.B).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 12:
                    return random.GetHexString(call.Length);
                case 13:
                    return random.GetString("abcde", call.Length);
                case 14:
                    var doubles = new double[call.Length];
                    random.NextDoubles(doubles);
                    return string.Join(",", doubles.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                case 15:
                    var ints = new int[call.Length];
                    random.NextInt32s(ints, call.A, call.B);
                    return string.Join(",", ints);
                case 16:
                    return MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                case 17:
                    return MathNet.Numerics.Distributions.DiscreteUniform.Sample(random, call.A, call.B).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 18:
                    var samples = new double[call.Length];
                    MathNet.Numerics.Distributions.Exponential.Samples(random, samples, 2);
                    return string.Join(",", samples.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                case 3:
                    return random.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                case 4:
                    return random.NextSingle().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                case 5:
                    return random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 6:
                    return random.NextInt64(call.C).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 7:
                    return random.NextInt64(Math.Min(call.C, call.D), Math.Max(call.C, call.D)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 8:
                    var bytes = new byte[call.Length];
                    random.NextBytes(bytes);
                    return Convert.ToHexString(bytes);
                case 9:
                    Span<byte> span = stackalloc byte[call.Length];
                    random.NextBytes(span);
                    return Convert.ToHexString(span);
                case 10:
                    int[] items = Enumerable.Range(0, call.Length).ToArray();
                    random.Shuffle(items);
                    return string.Join(",", items);
                default:
                    int[] choices = Enumerable.Range(0, Math.Max(1, call.Length)).ToArray();
                    return string.Join(",", random.GetItems(choices, 1 + (call.Length % 5)));
            }
        }
        catch (ArgumentException)
        {
            return Refused;
        }
    }

    /// <summary>
    /// The stream as it was: MathNet's <see cref="RandomSource"/> mapping <see cref="System.Random"/>'s members onto the
    /// same xoshiro256** draws (the overrides <see cref="RandomStream"/> had then), drawing from a <see cref="RandomStream"/>
    /// through its own primitives only (<see cref="RandomStream.NextUInt64"/>, <see cref="RandomStream.NextUnitDouble"/>,
    /// <see cref="RandomStream.NextBelow"/>, which did not change).
    /// </summary>
    private sealed class MathNetMapped(ulong seed) : RandomSource(threadSafe: false)
    {
        private readonly RandomStream _bits = new(seed);

        protected override double DoSample() => _bits.NextUnitDouble();

        protected override int DoSampleInteger() => (int)_bits.NextBelow(int.MaxValue);

        protected override int DoSampleInt32WithNBits(int bitCount) => (int)(_bits.NextUInt64() >> (64 - bitCount));

        protected override long DoSampleInt64WithNBits(int bitCount) => (long)(_bits.NextUInt64() >> (64 - bitCount));

        protected override void DoSampleBytes(byte[] buffer)
        {
            for (int i = 0; i < buffer.Length; i += 8)
            {
                ulong word = _bits.NextUInt64();
                for (int b = 0; b < 8 && i + b < buffer.Length; b++)
                {
                    buffer[i + b] = (byte)(word >> (8 * b));
                }
            }
        }
    }
}
