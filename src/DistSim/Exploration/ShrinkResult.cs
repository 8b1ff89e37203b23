using System.Globalization;
using DistSim.Failures;

namespace DistSim.Exploration;

/// <summary>What <see cref="FaultShrinker"/> found.</summary>
/// <param name="Original">The failing schedule it started from.</param>
/// <param name="Shrunk">The smallest failing schedule found: every candidate it took was replayed and failed (when cancelled before the first replay: the schedule given, not replayed).</param>
/// <param name="Replays">How many candidate schedules were replayed (cached repeats not counted).</param>
/// <param name="OneMinimal">Whether removing any single fault of <see cref="Shrunk"/> was replayed and made the failure go away (false when the budget ran out, or the shrink was cancelled, before every single removal was judged).</param>
public sealed record ShrinkResult(FaultSchedule Original, FaultSchedule Shrunk, int Replays, bool OneMinimal)
{
    /// <summary>Faults before shrinking (not counting <see cref="Failures.NoFault"/> entries, which do nothing).</summary>
    public int SizeBefore => Original.Faults.Count(f => f is not Failures.NoFault);

    /// <summary>Faults after shrinking (not counting <see cref="Failures.NoFault"/> entries).</summary>
    public int SizeAfter => Shrunk.Faults.Count(f => f is not Failures.NoFault);

    /// <summary><see cref="SizeBefore"/> / <see cref="SizeAfter"/> (infinity when nothing was left: the failure needs no fault).</summary>
    public double ReductionFactor => SizeAfter == 0 ? double.PositiveInfinity : SizeBefore / (double)SizeAfter;

    /// <summary>
    /// Whether the shrink stopped because it was cancelled (<see cref="ShrinkOptions.CancellationToken"/>): a candidate it
    /// meant to replay went unjudged. <see cref="Shrunk"/> is the smallest failing schedule found by then;
    /// <see cref="OneMinimal"/> can still be true, when every single removal had been judged already (a pass before the
    /// single drops was cut short: the schedule may be longer or earlier than an uncancelled shrink would make it).
    /// </summary>
    public bool Cancelled { get; init; }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{SizeBefore} fault(s) -> {SizeAfter} ({(SizeAfter == 0 ? "no fault needed" : $"{ReductionFactor:0.##}x smaller")}), {Replays} replay(s){(OneMinimal ? ", 1-minimal" : string.Empty)}{(Cancelled ? ", cancelled" : OneMinimal ? string.Empty : ", budget exhausted")}");
}
