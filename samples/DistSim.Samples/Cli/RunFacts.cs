using System.Text.Json.Serialization;

namespace DistSim.Samples.Cli;

/// <summary>
/// What the common fields of a report need from one run, read from its simulation on the thread that ran it: a small
/// value that a sweep folds in seed order (<see cref="RunSummary.Tally"/>) and a shard writes to its file, so that a
/// merge folds exactly what the unsharded sweep folded.
/// </summary>
/// <param name="Fingerprint">The run's trace fingerprint.</param>
/// <param name="Outcome">How the run ended.</param>
/// <param name="Ticks">Virtual time at the end, in ticks.</param>
/// <param name="Events">Events run.</param>
/// <param name="Sent">Messages sent.</param>
/// <param name="Delivered">Messages delivered.</param>
/// <param name="Dropped">Messages dropped.</param>
/// <param name="Duplicated">Messages duplicated.</param>
/// <param name="LimitDetail">Which limit stopped the run and where (see <see cref="RunSummary.LimitDetail"/>); null when it completed.</param>
/// <param name="Markers">The run's <c>Sometimes</c> and <c>Unreachable</c> properties (for the sweep's coverage report); null or empty when it had none.</param>
public sealed record RunFacts(
    ulong Fingerprint, RunOutcome Outcome, long Ticks, long Events, long Sent, long Delivered, long Dropped, long Duplicated, string? LimitDetail,
    IReadOnlyList<MarkerFact>? Markers = null)
{
    /// <summary>The facts of a finished run; call it on the thread that ran the simulation.</summary>
    public static RunFacts Of(Simulation simulation, RunResult result)
    {
        RunTotals totals = RunTotals.Of(simulation);
        return new RunFacts(
            result.Fingerprint, result.Outcome, result.Time.Ticks, result.Events, totals.Sent, totals.Delivered, totals.Dropped, totals.Duplicated,
            RunSummary.LimitName(result.Outcome) is null ? null : RunSummary.Tally.Describe(simulation.Options, result),
            [.. simulation.Properties.Where(p => p.Kind is Checking.PropertyKind.Sometimes or Checking.PropertyKind.Unreachable).Select(MarkerFact.Of)]);
    }

    /// <summary>The message totals.</summary>
    [JsonIgnore]
    public RunTotals Totals => new(Sent, Delivered, Dropped, Duplicated);
}

/// <summary>One <c>Sometimes</c> or <c>Unreachable</c> property of a run, as a shard file keeps it.</summary>
/// <param name="Name">The marker's name.</param>
/// <param name="Unreachable">True for an <c>Unreachable</c> marker, false for a <c>Sometimes</c>.</param>
/// <param name="Fired">Whether it fired: a <c>Sometimes</c> held, an <c>Unreachable</c> was reached.</param>
/// <param name="Hits">How many times node code reached it.</param>
public sealed record MarkerFact(string Name, bool Unreachable, bool Fired, long Hits)
{
    /// <summary>The fact of a run's property.</summary>
    public static MarkerFact Of(Checking.PropertyState p) => new(
        p.Name,
        p.Kind == Checking.PropertyKind.Unreachable,
        p.Kind == Checking.PropertyKind.Unreachable ? p.Status == Checking.PropertyStatus.Violated || p.Hits > 0 : p.Status == Checking.PropertyStatus.Satisfied,
        p.Hits);

    /// <summary>The property again, as a <see cref="Checking.CoverageReport"/> reads it.</summary>
    public Checking.PropertyState ToState() => new(
        Name,
        Unreachable ? Checking.PropertyKind.Unreachable : Checking.PropertyKind.Sometimes,
        Fired ? (Unreachable ? Checking.PropertyStatus.Violated : Checking.PropertyStatus.Satisfied) : (Unreachable ? Checking.PropertyStatus.Holding : Checking.PropertyStatus.Pending),
        null,
        null,
        Hits);
}
