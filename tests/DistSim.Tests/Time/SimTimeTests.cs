using DistSim.Time;

namespace DistSim.Tests.Time;

public class SimTimeTests
{
    [Fact]
    public void Add_Duration_IsExactInTicks()
    {
        SimTime t = SimTime.Zero + TimeSpan.FromMilliseconds(1.5);
        Assert.Equal(15_000, t.Ticks);
        Assert.Equal(TimeSpan.FromMilliseconds(1.5), t - SimTime.Zero);
    }

    [Fact]
    public void Add_Overflow_Saturates()
    {
        SimTime t = new SimTime(long.MaxValue - 5) + TimeSpan.FromTicks(10);
        Assert.Equal(SimTime.MaxValue, t);
    }

    [Fact]
    public void Constructor_NegativeTicks_NamesParameter()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SimTime(-1));
        Assert.Equal("ticks", ex.ParamName);
    }

    [Fact]
    public void ToString_IsInvariantSecondsWithSevenDecimals()
    {
        Assert.Equal("1.2500000s", SimTime.FromSeconds(1.25).ToString());
        Assert.Equal("0.0000001s", new SimTime(1).ToString());
    }

    [Fact]
    public void Comparison_FollowsTicks()
    {
        Assert.True(new SimTime(1) < new SimTime(2));
        Assert.True(new SimTime(2) >= new SimTime(2));
        Assert.Equal(-1, new SimTime(1).CompareTo(new SimTime(5)));
    }

    [Fact]
    public void Subtract_Duration_SaturatesAtZero()
    {
        Assert.Equal(SimTime.FromSeconds(1), SimTime.FromSeconds(1.5) - TimeSpan.FromSeconds(0.5));
        Assert.Equal(SimTime.Zero, SimTime.FromSeconds(1) - TimeSpan.FromSeconds(5));
    }
}
