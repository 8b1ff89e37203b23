using DistSim.Random;
using DistSim.Testing;
using FsCheck.Xunit;
using MathNet.Numerics.Random;

namespace DistSim.Tests.Random;

public class RandomStreamTests
{
    [Fact]
    public void NextDouble_Seed12345_MatchesMathNetXoshiro256StarStar()
    {
        var ours = new RandomStream(12345);
        Assert.Equal(0.7438081631565894, ours.NextDouble());
        Assert.Equal(0.13004553462783452, ours.NextDouble());
        Assert.Equal(0.9633344930128545, ours.NextDouble());
    }

    [Property(MaxTest = 50)]
    public bool NextDouble_AnyIntSeed_MatchesMathNet(int seed)
    {
        int s = Math.Abs(seed % int.MaxValue);
        var ours = new RandomStream((ulong)s);
        var theirs = new Xoshiro256StarStar(s, threadSafe: false);
        return Enumerable.Range(0, 20).All(_ => ours.NextDouble() == theirs.NextDouble());
    }

    [Fact]
    public void Derive_IsStableAcrossProcesses()
    {
        // Golden values: if these change, every recorded trace and every published seed changes meaning.
        Assert.Equal(StreamSeed.Derive(7, "node:A1"), StreamSeed.Derive(7, "node:A1"));
        Assert.Equal(5445929525396081630UL, StreamSeed.Derive(0, "node:A1"));
        Assert.NotEqual(StreamSeed.Derive(7, "node:A1"), StreamSeed.Derive(7, "node:A2"));
        Assert.NotEqual(StreamSeed.Derive(7, "node:A1"), StreamSeed.Derive(8, "node:A1"));
    }

    [Fact]
    public void NextBelow_StaysInRange_AndCoversIt()
    {
        var s = new RandomStream(1);
        var seen = new bool[7];
        for (int i = 0; i < 10_000; i++)
        {
            ulong v = s.NextBelow(7);
            Assert.InRange(v, 0UL, 6UL);
            seen[v] = true;
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void NextOpenUnitDouble_IsStrictlyInsideZeroOne()
    {
        var s = new RandomStream(3);
        for (int i = 0; i < 100_000; i++)
        {
            double d = s.NextOpenUnitDouble();
            Assert.True(d > 0 && d < 1, $"{d}");
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public void Chance_FrequencyMatchesProbability(double p)
    {
        var chance = new Chance(p);
        var s = new RandomStream(42);
        const int n = 100_000;
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            hits += chance.Happens(s) ? 1 : 0;
        }

        Rates.AssertWithin(hits, n, p, 0.999);
    }

    [Fact]
    public void Chance_AlwaysDrawsExactlyOnce()
    {
        var a = new RandomStream(9);
        var b = new RandomStream(9);
        new Chance(0).Happens(a);
        new Chance(1).Happens(a);
        b.NextUInt64();
        b.NextUInt64();
        Assert.Equal(b.NextUInt64(), a.NextUInt64());
    }
}
