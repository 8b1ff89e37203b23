using DistSim.Scheduling;

namespace DistSim.Tests.Scheduling;

public class SchedulersTests
{
    [Theory]
    [InlineData(0, 10, "depth")]
    [InlineData(-3, 10, "depth")]
    [InlineData(1, 0, "steps")]
    [InlineData(5, 3, "depth")]
    public void Pct_BadArguments_AreRefused_NamingThem(int depth, long steps, string parameter)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Schedulers.Pct(depth, steps));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Equal(parameter == "depth" ? depth : steps, Convert.ToInt64(ex.ActualValue, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(-1, 10, "bound")]
    [InlineData(2, 0, "steps")]
    [InlineData(2, -5, "steps")]
    public void DelayBounding_BadArguments_AreRefused_NamingThem(int bound, long steps, string parameter)
    {
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => Schedulers.DelayBounding(bound, steps));
        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void NegativePostponeLimit_IsRefused()
    {
        Assert.Equal("postponeLimit", Assert.Throws<ArgumentOutOfRangeException>(() => Schedulers.Pct(2, 10, TimeSpan.FromTicks(-1))).ParamName);
        Assert.Equal("postponeLimit", Assert.Throws<ArgumentOutOfRangeException>(() => Schedulers.DelayBounding(2, 10, TimeSpan.FromTicks(-1))).ParamName);
    }

    [Fact]
    public void Scheduler_ConflictingWithRandomTieBreakEnum_IsRefused_ButTheSameChoiceIsNot()
    {
        var conflicting = new SimulationOptions { Seed = 1, Scheduling = SchedulingStrategy.RandomTieBreak, Scheduler = Schedulers.Pct(2, 10) };
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new DistSim.Simulation(conflicting));
        Assert.Equal("Scheduler", ex.ParamName);
        Assert.Contains("RandomTieBreak", ex.Message, StringComparison.Ordinal);
        _ = new DistSim.Simulation(conflicting with { Scheduler = Schedulers.RandomTieBreak });
    }

    [Fact]
    public void Scheduler_Unset_FollowsTheEnum()
    {
        Assert.Same(Schedulers.Fifo, new SimulationOptions { Seed = 1 }.Scheduler);
        Assert.Same(Schedulers.RandomTieBreak, new SimulationOptions { Seed = 1, Scheduling = SchedulingStrategy.RandomTieBreak }.Scheduler);
    }

    [Fact]
    public void Names_AndDescriptions()
    {
        Assert.Equal(["fifo", "random", "pct", "delay-bound"], new[] { Schedulers.Fifo, Schedulers.RandomTieBreak, Schedulers.Pct(2, 5), Schedulers.DelayBounding(1, 5) }.Select(s => s.Name));
        Assert.Equal("pct(depth 3, steps 100)", Schedulers.Pct(3, 100).ToString());
        Assert.Equal("delay-bound(bound 2, steps 50)", Schedulers.DelayBounding(2, 50).ToString());
        Assert.Throws<ArgumentException>(() => new Named(" "));
    }

    [Fact]
    public void AStrategyThatPicksOutOfRange_StopsTheRun_NamingItselfAndTheStep()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Scheduler = new Named("wild") });
        sim.AddNode("a", () => new Tests.Support.Scripted());
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => sim.Run());
        Assert.Contains("scheduler 'wild'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("chose candidate 5 at step 0; there were 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, sim.PendingEvents); // the queue as it was
    }

    private sealed class Named(string name) : Scheduler(name)
    {
        protected internal override SchedulerRun Begin(DistSim.Random.RandomStream random) => new Wild();

        private sealed class Wild : SchedulerRun
        {
            public override int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step) => 5;
        }
    }
}
