using DistSim.Random;
using DistSim.Timing;
using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Random;

/// <summary>
/// The kernel's allocation-free samplers must draw exactly what the public, object-based ones draw: a change here
/// would change every run's fingerprint.
/// </summary>
public class KernelSamplerTests
{
    [Property(MaxTest = 200)]
    public bool Xoshiro256_DrawsTheSameNumbersAsRandomStream(ulong seed)
    {
        var stream = new RandomStream(seed);
        var state = new Xoshiro256(seed);
        return Enumerable.Range(0, 64).All(_ => stream.NextUInt64() == state.Next());
    }

    [Property(MaxTest = 200)]
    public bool ExponentialDelay_AgreesBitForBitWithMathNetInverseCdf(ulong seed, PositiveInt meanMicros)
    {
        var stream = new RandomStream(seed);
        double rate = 1.0 / TimeSpan.FromMicroseconds(meanMicros.Get).TotalSeconds;
        Delay delay = Delay.Exponential(TimeSpan.FromMicroseconds(meanMicros.Get));
        var copy = new RandomStream(seed);
        for (int i = 0; i < 200; i++)
        {
            double p = copy.NextOpenUnitDouble();
            long expected = Math.Min(
                (long)Math.Round(MathNet.Numerics.Distributions.Exponential.InvCDF(rate, p) * TimeSpan.TicksPerSecond),
                Delay.MaxSample.Ticks);
            if (delay.SampleTicks(stream) != expected)
            {
                return false;
            }
        }

        return true;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-300)]
    [InlineData(0.5)]
    [InlineData(0.999999999999)]
    [InlineData(1 - 1e-16)]
    public void ExponentialInverseCdf_EdgeProbabilities_MatchMathNet(double p)
    {
        foreach (double rate in new[] { 1e-6, 1.0, 1000.0, 1e9 })
        {
            double ours = p >= 1.0 ? double.PositiveInfinity : -Math.Log(1 - p) / rate;
            Assert.Equal(MathNet.Numerics.Distributions.Exponential.InvCDF(rate, p), ours);
        }
    }

    [Property(MaxTest = 300)]
    public bool StreamSeed_DerivedFromPieces_EqualsDerivedFromTheConcatenation(ulong master, NonNull<string> a, NonNull<string> b)
    {
        string from = a.Get, to = b.Get;
        return StreamSeed.Derive(master, "link:", from, "->", to) == StreamSeed.Derive(master, "link:" + from + "->" + to);
    }

    [Property(MaxTest = 200)]
    public bool PairKey_IsTheFirstBytesOfTheStreamOfItsName(ulong master, NonNull<string> a, NonNull<string> b, byte length)
    {
        // The kernel writes a pair's key without making its stream; it must be what the stream would give (and a
        // length that is not a multiple of 8 cuts the last draw short, as NextBytes does).
        var expected = new byte[length % 41];
        new RandomStream(StreamSeed.Derive(master, "key:" + a.Get + "->" + b.Get)).NextBytes(expected);
        var key = new byte[expected.Length];
        StreamSeed.PairKey(master, a.Get, b.Get, key);
        return key.AsSpan().SequenceEqual(expected);
    }

    [Fact]
    public void NextBytes_IsTheStreamsDraws_LittleEndian()
    {
        var words = new RandomStream(99);
        var bytes = new byte[20];
        new RandomStream(99).NextBytes(bytes);
        ulong w0 = words.NextUInt64(), w1 = words.NextUInt64(), w2 = words.NextUInt64();
        Assert.Equal(w0, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(w1, BitConverter.ToUInt64(bytes, 8));
        Assert.Equal((uint)w2, BitConverter.ToUInt32(bytes, 16));
    }

    [Fact]
    public void StreamSeed_LongAndNonAsciiNames_EqualDerivedFromTheConcatenation()
    {
        string longName = new('é', 400);
        Assert.Equal(StreamSeed.Derive(7, "key:" + longName + "->" + "Ω"), StreamSeed.Derive(7, "key:", longName, "->", "Ω"));
    }
}
