using System.Diagnostics;

namespace DistSim.Checking;

/// <summary>
/// The steps, time and cancellation one <see cref="Linearizability.Analyze"/> call may spend, shared by its partitions
/// in order. Once spent, it stays spent and says why.
/// </summary>
internal sealed class SearchBudget
{
    /// <summary>How often (in steps, a power of two) the clock and the token are looked at.</summary>
    private const long PollMask = 1023;

    private readonly long _maxSteps;
    private readonly long _deadline;
    private readonly CancellationToken _token;

    public SearchBudget(LinearizabilityOptions options, CancellationToken token)
    {
        _maxSteps = options.MaxSteps ?? long.MaxValue;
        _token = token;
        _deadline = options.TimeLimit is { } limit
            ? Stopwatch.GetTimestamp() + (long)Math.Min(limit.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2) // determinism-ok: the checker's own wall-clock budget (LinearizabilityOptions.TimeLimit), outside any simulation
            : long.MaxValue;
        Poll();
    }

    /// <summary>Steps taken so far.</summary>
    public long Used { get; private set; }

    /// <summary>Why the budget is spent; <see cref="UnknownReason.None"/> while it is not.</summary>
    public UnknownReason Spent { get; private set; }

    /// <summary>Takes one step; false (and <see cref="Spent"/> set) when none is left.</summary>
    public bool Take()
    {
        if (Spent != UnknownReason.None)
        {
            return false;
        }

        if (Used == _maxSteps)
        {
            Spent = UnknownReason.StepLimit;
            return false;
        }

        Used++;
        return (Used & PollMask) != 0 || Poll();
    }

    private bool Poll()
    {
        if (_token.IsCancellationRequested)
        {
            Spent = UnknownReason.Cancelled;
        }
        else if (_deadline != long.MaxValue && Stopwatch.GetTimestamp() >= _deadline) // determinism-ok: the checker's wall-clock budget, not simulation time
        {
            Spent = UnknownReason.TimeLimit;
        }

        return Spent == UnknownReason.None;
    }
}
