namespace DistSim.Scheduling;

/// <summary>
/// The state of a <see cref="Scheduler"/> in one run: it makes the run's choices, one per step. Created by
/// <see cref="Scheduler.Begin"/>; used by one simulation, on its thread, and never shared.
/// </summary>
/// <remarks>
/// <see cref="Choose"/> must be a function of its arguments and of this object's state and stream: no wall clock, no
/// shared state, no other randomness. It must not call into the simulation. An exception it throws, or an index out of
/// range, stops the run: <see cref="Simulation.Run"/> throws an <see cref="InvalidOperationException"/> naming the
/// strategy and the step, and the queue is left as it was.
/// </remarks>
public abstract class SchedulerRun
{
    /// <summary>
    /// Picks the event that runs at this step: an index into <paramref name="candidates"/>. Index 0 is what FIFO would
    /// run; every candidate before the pick that is due earlier is postponed to the pick's instant.
    /// </summary>
    /// <param name="candidates">The events that may run now, in FIFO order (never empty, at most 64).</param>
    /// <param name="step">The step's number: how many choices were made before this one in the run (faults are not steps).</param>
    /// <returns>The index of the event to run, in [0, <paramref name="candidates"/>.Length).</returns>
    public abstract int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step);
}
