using DistSim.Random;

namespace DistSim.Scheduling;

/// <summary>
/// A scheduling strategy: which of the events that may run next does run. The built-ins are made by
/// <see cref="Schedulers"/>: <see cref="Schedulers.Fifo"/> (the default), <see cref="Schedulers.RandomTieBreak"/>,
/// <see cref="Schedulers.Pct"/> and <see cref="Schedulers.DelayBounding"/>. Write your own by deriving from this class
/// and returning a <see cref="SchedulerRun"/> from <see cref="Begin"/>; set it as <see cref="SimulationOptions.Scheduler"/>.
/// </summary>
/// <remarks>
/// <para>A strategy only picks; the kernel decides what may be picked. At every step (every event that is not a fault)
/// the kernel hands the run's <see cref="SchedulerRun"/> the candidates, in the order FIFO would run them: every event
/// due at the earliest pending instant, and after them, later events as long as every earlier candidate is a packet the
/// kernel may postpone past them. A packet may be postponed only where the timing model allows it (by
/// max(send, GST) + Δ under a model with a <see cref="Timing.TimingModel.DelayBound"/>; without limit under one without,
/// or by <see cref="PostponeLimit"/> past its drawn arrival when that is set); timers, node starts, scripted actions and
/// continuations run at their own instant, never later; faults (crashes, partitions, fault schedules) are never
/// candidates: they run first in their instant, in the order they were scheduled, and no strategy draws anything for
/// them. Virtual time never goes back: candidates that the pick passes over are postponed to its instant.</para>
/// <para>One strategy object is shared by every run of a sweep, on many threads: keep it immutable, and keep per-run
/// state in the <see cref="SchedulerRun"/>. The run's randomness is the stream <c>scheduler:&lt;Name&gt;</c> of the run's
/// seed, given to <see cref="Begin"/>: the same seed gives the same choices, hence the same trace. See
/// <c>docs/concepts/exploration.md</c>.</para>
/// </remarks>
public abstract class Scheduler
{
    /// <summary>Creates a strategy with a name.</summary>
    /// <param name="name">The strategy's name (its random stream is <c>scheduler:&lt;name&gt;</c>); not empty.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    protected Scheduler(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"name must be a non-empty strategy name, got \"{name}\"", nameof(name));
        }

        Name = name;
    }

    /// <summary>The strategy's name: <c>fifo</c>, <c>random</c>, <c>pct</c>, <c>delay-bound</c>, or a derived strategy's own.</summary>
    public string Name { get; }

    /// <summary>
    /// How long past its drawn arrival the kernel may postpone a packet for this strategy, at most; null (the default)
    /// for no limit beyond the timing model's own bound. Under a model without a bound (the default
    /// <see cref="Timing.TimingModels.Unbounded"/>, asynchronous) a packet may otherwise wait as long as the strategy keeps
    /// picking other events: a node whose events are never picked starves while others have timers to run.
    /// </summary>
    public virtual TimeSpan? PostponeLimit => null;

    /// <summary>Whether the kernel orders events itself (FIFO and random tie-break): no candidates, no <see cref="Begin"/>.</summary>
    internal virtual bool KernelOrder => false;

    /// <summary>Starts the strategy for one run: called once, when the <see cref="Simulation"/> is built.</summary>
    /// <param name="random">The run's stream for this strategy (<c>scheduler:&lt;Name&gt;</c> of the run's seed): its only randomness.</param>
    /// <returns>The run's state: it makes every choice of the run.</returns>
    protected internal abstract SchedulerRun Begin(RandomStream random);

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
