namespace DistSim.Scheduling;

/// <summary>
/// The built-in scheduling strategies. <see cref="Fifo"/> (the default) and <see cref="RandomTieBreak"/> only order
/// events due at the same instant; <see cref="Pct"/> and <see cref="DelayBounding"/> also postpone packets past other
/// events, within what the timing model allows (see <see cref="Scheduler"/> and <c>docs/concepts/exploration.md</c>).
/// </summary>
public static class Schedulers
{
    /// <summary>Events due at one instant run in the order they were scheduled: the default, and the fastest loop.</summary>
    public static Scheduler Fifo { get; } = new KernelScheduler("fifo");

    /// <summary>
    /// Events due at one instant run in an order drawn from the seed (stream <c>scheduler</c>; the same runs as
    /// <see cref="SchedulingStrategy.RandomTieBreak"/>); nothing is postponed past its instant.
    /// </summary>
    public static Scheduler RandomTieBreak { get; } = new KernelScheduler("random");

    /// <summary>
    /// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010), with nodes as the
    /// threads: every node gets a random priority, distinct from the others'; at each step the candidate of the
    /// highest-priority node runs (a packet counts as a step of its sender: <see cref="SchedulingCandidate.Owner"/>); at
    /// <paramref name="depth"/> − 1 change points drawn uniformly among the first <paramref name="steps"/> steps, the
    /// node about to run drops below every other. A bug that needs d ordering constraints among n nodes is found in a
    /// run with probability at least 1/(n·k^(d−1)), k the steps of a run.
    /// </summary>
    /// <param name="depth">d, the bug depth aimed at: at least 1 (1: priorities, no change point).</param>
    /// <param name="steps">k, the steps a run takes (a FIFO run's <see cref="Simulation.EventsExecuted"/> is a good estimate): at least 1, and at least d − 1.</param>
    /// <param name="postponeLimit">How long past its drawn arrival a packet may be postponed; null for no limit beyond the timing model's.</param>
    /// <returns>The strategy (stream <c>scheduler:pct</c>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public static Scheduler Pct(int depth, long steps, TimeSpan? postponeLimit = null)
    {
        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "must be >= 1 (the bug depth: 1 + the number of priority change points)");
        }

        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "must be >= 1 (the steps of a run, over which change points are drawn)");
        }

        if (depth - 1 > steps)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"must be at most steps + 1 ({steps + 1}): the {depth - 1} change points are distinct steps");
        }

        CheckLimit(postponeLimit);
        return new PctScheduler(depth, steps, postponeLimit);
    }

    /// <summary>
    /// Delay-bounded scheduling (Emmi, Qadeer, Rakamarić, POPL 2011), sampled at random: the deterministic scheduler is
    /// FIFO, and at <paramref name="bound"/> steps drawn uniformly among the first <paramref name="steps"/> it is
    /// delayed: the step runs the first candidate of the next node in FIFO order instead (a packet counts as a step of
    /// its sender), wrapping around as a round robin does; two delays drawn at one step skip two nodes.
    /// </summary>
    /// <param name="bound">B, the number of delays: at least 0 (0 runs exactly as FIFO).</param>
    /// <param name="steps">k, the steps over which delays are drawn (a FIFO run's event count is a good estimate): at least 1.</param>
    /// <param name="postponeLimit">How long past its drawn arrival a packet may be postponed; null for no limit beyond the timing model's.</param>
    /// <returns>The strategy (stream <c>scheduler:delay-bound</c>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it and its value.</exception>
    public static Scheduler DelayBounding(int bound, long steps, TimeSpan? postponeLimit = null)
    {
        if (bound < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "must be >= 0 (the number of delays)");
        }

        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "must be >= 1 (the steps of a run, over which delays are drawn)");
        }

        CheckLimit(postponeLimit);
        return new DelayBoundingScheduler(bound, steps, postponeLimit);
    }

    private static void CheckLimit(TimeSpan? postponeLimit)
    {
        if (postponeLimit is { } limit && limit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(postponeLimit), limit, "must be >= 0 (or null for no limit)");
        }
    }

    /// <summary>FIFO and random tie-break: the kernel's own order (the lane and the tie-break keys), no per-step choice.</summary>
    private sealed class KernelScheduler(string name) : Scheduler(name)
    {
        internal override bool KernelOrder => true;

        protected internal override SchedulerRun Begin(Random.RandomStream random) => new First();

        /// <summary>Never asked by the kernel; picks what FIFO picks, were it asked.</summary>
        private sealed class First : SchedulerRun
        {
            public override int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step) => 0;
        }
    }
}
