using System.Globalization;
using DistSim.Scheduling;

namespace DistSim;

/// <summary>
/// A strategy that picks (<see cref="Scheduler"/> other than FIFO and random tie-break) in one run: its
/// <see cref="SchedulerRun"/>, the step count, and how long each packet in flight may be postponed.
/// </summary>
/// <remarks>
/// A packet's deadline is the latest instant it may run at: max(send, GST) + Δ under a timing model with a bound Δ, its
/// drawn arrival + the strategy's <see cref="Scheduler.PostponeLimit"/> when set, the earlier of the two; a packet whose
/// node was paused when it arrived runs when the node resumes, not later. Without either bound a packet is not tracked
/// (no deadline).
/// </remarks>
internal sealed class ScheduleControl
{
    private readonly Scheduler _scheduler;
    private readonly SchedulerRun _run;
    private readonly long _delta; // −1: no bound
    private readonly long _gst;
    private readonly long _limit; // −1: no limit
    private readonly Dictionary<long, long>? _deadlines; // by packet id
    private long _steps;

    public ScheduleControl(Scheduler scheduler, SchedulerRun run, TimeSpan? delayBound, long gst)
    {
        _scheduler = scheduler;
        _run = run ?? throw new InvalidOperationException($"scheduler '{scheduler.Name}' ({scheduler.GetType().FullName}) returned no run from Begin");
        _delta = delayBound?.Ticks ?? -1;
        _gst = gst;
        _limit = scheduler.PostponeLimit?.Ticks ?? -1;
        _deadlines = _delta >= 0 || _limit >= 0 ? new Dictionary<long, long>() : null;
    }

    /// <summary>The choices made so far.</summary>
    public long Steps => _steps;

    /// <summary>A packet was put in flight at <paramref name="now"/>, due at <paramref name="due"/>.</summary>
    public void Sent(long packet, long now, long due)
    {
        if (_deadlines is null)
        {
            return;
        }

        long deadline = long.MaxValue;
        if (_delta >= 0)
        {
            deadline = Simulation.SaturatingAdd(Math.Max(now, _gst), _delta);
        }

        if (_limit >= 0)
        {
            deadline = Math.Min(deadline, Simulation.SaturatingAdd(due, _limit));
        }

        _deadlines[packet] = Math.Max(deadline, due); // never before its own arrival (a model's answer is checked against Δ elsewhere)
    }

    /// <summary>A packet that arrived at a paused node is queued again at <paramref name="now"/>: it runs then, never later.</summary>
    public void Pinned(long packet, long now)
    {
        if (_deadlines is not null)
        {
            _deadlines[packet] = now;
        }
    }

    /// <summary>The latest instant packet <paramref name="packet"/> may run at.</summary>
    public long DeadlineOf(long packet) => _deadlines is not null && _deadlines.TryGetValue(packet, out long d) ? d : long.MaxValue;

    /// <summary>A packet left the queue.</summary>
    public void Taken(long packet) => _deadlines?.Remove(packet);

    /// <summary>Asks the strategy; checks its answer.</summary>
    public int Choose(ReadOnlySpan<SchedulingCandidate> candidates)
    {
        int chosen;
        try
        {
            chosen = _run.Choose(candidates, _steps);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"scheduler '{_scheduler.Name}' ({_scheduler.GetType().FullName}) threw at step {_steps}: {ex.Message}"), ex);
        }

        if ((uint)chosen >= (uint)candidates.Length)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"scheduler '{_scheduler.Name}' ({_scheduler.GetType().FullName}) chose candidate {chosen} at step {_steps}; there were {candidates.Length} (an index in [0, {candidates.Length - 1}])"));
        }

        _steps++;
        return chosen;
    }
}
