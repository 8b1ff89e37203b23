using DistSim.Scheduling;
using DistSim.Testing.Contracts;

namespace DistSim.Tests.Testing.Contracts;

public sealed class FifoSchedulerContract : SchedulerContract
{
    protected override Scheduler CreateScheduler() => Schedulers.Fifo;
}

public sealed class RandomTieBreakSchedulerContract : SchedulerContract
{
    protected override Scheduler CreateScheduler() => Schedulers.RandomTieBreak;
}

public sealed class PctSchedulerContract : SchedulerContract
{
    protected override Scheduler CreateScheduler() => Schedulers.Pct(3, 500);
}

public sealed class DelayBoundingSchedulerContract : SchedulerContract
{
    protected override Scheduler CreateScheduler() => Schedulers.DelayBounding(2, 500);
}
