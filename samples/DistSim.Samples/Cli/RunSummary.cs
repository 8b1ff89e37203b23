using System.Buffers.Binary;
using System.IO.Hashing;

namespace DistSim.Samples.Cli;

/// <summary>
/// The common fields of one run or of a sweep: the first run's outcome (or the first that was not
/// quiescent), the fingerprint (one run's, or XxHash64 over the runs' fingerprints in seed order),
/// virtual time and events summed, message totals summed.
/// </summary>
/// <param name="Outcome">The outcome name.</param>
/// <param name="Fingerprint">The fingerprint.</param>
/// <param name="VirtualTimeSeconds">Virtual time, summed over runs.</param>
/// <param name="Events">Events, summed over runs.</param>
/// <param name="Totals">Message totals, summed over runs.</param>
public sealed record RunSummary(string Outcome, ulong Fingerprint, double VirtualTimeSeconds, long Events, RunTotals Totals)
{
    /// <summary>Summarises runs, in seed order.</summary>
    /// <param name="runs">Each run's simulation and result.</param>
    public static RunSummary Of(IReadOnlyList<(Simulation Simulation, RunResult Result)> runs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        var combined = new XxHash64();
        Span<byte> buffer = stackalloc byte[8];
        long ticks = 0, events = 0;
        var totals = new RunTotals(0, 0, 0, 0);
        string outcome = Report.OutcomeName(runs[0].Result.Outcome);
        foreach ((Simulation simulation, RunResult result) in runs)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, result.Fingerprint);
            combined.Append(buffer);
            ticks += result.Time.Ticks;
            events += result.Events;
            totals += RunTotals.Of(simulation);
            if (result.Outcome != RunOutcome.Quiescent && outcome == "quiescent")
            {
                outcome = Report.OutcomeName(result.Outcome);
            }
        }

        ulong fingerprint = runs.Count == 1 ? runs[0].Result.Fingerprint : combined.GetCurrentHashAsUInt64();
        return new RunSummary(outcome, fingerprint, ticks / (double)TimeSpan.TicksPerSecond, events, totals);
    }
}
