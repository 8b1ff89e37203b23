using DistSim.Random;
using DistSim.Timing;

namespace DistSim.Tests.Timing;

public class DelayTests
{
    public static TheoryData<string, Delay, double> Distributions => new()
    {
        { "constant", Delay.Constant(TimeSpan.FromMilliseconds(5)), 0.005 },
        { "uniform", Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(3)), 0.002 },
        { "exponential", Delay.Exponential(TimeSpan.FromMilliseconds(10)), 0.010 },
        { "exponential+min", Delay.Exponential(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(2)), 0.012 },
        { "lognormal", Delay.LogNormal(Math.Log(0.01), 0.5), 0.01 * Math.Exp(0.125) },
        { "pareto", Delay.Pareto(TimeSpan.FromMilliseconds(1), 3), 0.0015 },
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Sample_StaysWithinBounds_AndHasTheRightMean(string name, Delay delay, double meanSeconds)
    {
        var stream = new RandomStream(11);
        const int n = 200_000;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            TimeSpan d = delay.Sample(stream);
            Assert.InRange(d, delay.Minimum, delay.Maximum);
            sum += d.TotalSeconds;
        }

        double mean = sum / n;
        Assert.True(Math.Abs(mean - meanSeconds) <= meanSeconds * 0.02 + 1e-7, $"{name}: mean {mean} vs {meanSeconds}");
        Assert.Equal(meanSeconds, delay.Mean.TotalSeconds, tolerance: 1e-7); // the mean is rounded to whole ticks
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Sample_UsesExactlyOneDraw(string name, Delay delay, double meanSeconds)
    {
        _ = meanSeconds;
        var a = new RandomStream(5);
        var b = new RandomStream(5);
        delay.SampleTicks(a);
        delay.SampleTicks(a);
        b.NextUInt64();
        b.NextUInt64();
        Assert.True(a.NextUInt64() == b.NextUInt64(), name);
    }

    [Fact]
    public void Pareto_HeavyTail_IsCappedNotOverflowing()
    {
        Delay d = Delay.Pareto(TimeSpan.FromSeconds(1), 0.05);
        var s = new RandomStream(1);
        long max = 0;
        for (int i = 0; i < 10_000; i++)
        {
            max = Math.Max(max, d.SampleTicks(s));
        }

        Assert.Equal(Delay.MaxSample.Ticks, max);
    }

    [Fact]
    public void Uniform_MaxBelowMin_NamesMax()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Delay.Uniform(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Equal("max", ex.ParamName);
    }

    [Fact]
    public void Constant_Negative_NamesValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Delay.Constant(TimeSpan.FromSeconds(-1)));
        Assert.Equal("value", ex.ParamName);
        Assert.Contains("-00:00:01", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exponential_ZeroMean_NamesMean() =>
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => Delay.Exponential(TimeSpan.Zero)).ParamName);

    [Fact]
    public void LogNormal_BadSigma_NamesSigma() =>
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => Delay.LogNormal(0, -1)).ParamName);

    [Fact]
    public void Pareto_BadShape_NamesShape() =>
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => Delay.Pareto(TimeSpan.FromSeconds(1), 0)).ParamName);
}
