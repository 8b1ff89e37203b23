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
public sealed record RunFacts(ulong Fingerprint, RunOutcome Outcome, long Ticks, long Events, long Sent, long Delivered, long Dropped, long Duplicated, string? LimitDetail)
{
    /// <summary>The facts of a finished run; call it on the thread that ran the simulation.</summary>
    public static RunFacts Of(Simulation simulation, RunResult result)
    {
        RunTotals totals = RunTotals.Of(simulation);
        return new RunFacts(
            result.Fingerprint, result.Outcome, result.Time.Ticks, result.Events, totals.Sent, totals.Delivered, totals.Dropped, totals.Duplicated,
            RunSummary.LimitName(result.Outcome) is null ? null : RunSummary.Tally.Describe(simulation.Options, result));
    }

    /// <summary>The message totals.</summary>
    [JsonIgnore]
    public RunTotals Totals => new(Sent, Delivered, Dropped, Duplicated);
}
