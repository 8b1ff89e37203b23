using System.Globalization;
using DistSim.Tracing;

namespace DistSim.Diagnostics;

/// <summary>Where two runs of the same seed first went apart.</summary>
/// <param name="Index">The position of the first differing event (or of the first event one run has and the other lacks).</param>
/// <param name="First">That event in the first run, as text (null if the first run ended there).</param>
/// <param name="Second">That event in the second run, as text (null if the second run ended there).</param>
public sealed record Divergence(long Index, string? First, string? Second)
{
    /// <summary>A one-paragraph explanation.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"runs diverge at event {Index}: first run: {First ?? "(ended)"}; second run: {Second ?? "(ended)"}");
}

/// <summary>
/// The determinism self-check: build and run the same scenario twice with the same seed, compare the
/// traces event by event, and name the first event where they differ. A simulation is a pure function of
/// its seed; node code that reads the wall clock, an unseeded random source, a static that outlives a run,
/// or iterates a hash-ordered collection breaks that, and this finds where.
/// </summary>
/// <remarks>Both runs must record their traces (<see cref="SimulationOptions.RecordTrace"/>, within <see cref="SimulationOptions.TraceLimit"/>).</remarks>
public static class DeterminismCheck
{
    /// <summary>Runs <paramref name="scenario"/> twice with <paramref name="seed"/> and compares.</summary>
    /// <param name="seed">The seed both runs get.</param>
    /// <param name="scenario">Builds a simulation for a seed and runs it.</param>
    /// <returns>Null when the two traces are identical; otherwise the first divergence.</returns>
    public static Divergence? Compare(ulong seed, Func<ulong, Simulation> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Trace first = scenario(seed).Trace;
        Trace second = scenario(seed).Trace;
        if (!first.IsRecording || !second.IsRecording || first.IsTruncated || second.IsTruncated)
        {
            throw new ArgumentException("scenario: both runs must record their whole trace (RecordTrace on, within TraceLimit)", nameof(scenario));
        }

        int n = Math.Max(first.Events.Count, second.Events.Count);
        for (int i = 0; i < n; i++)
        {
            string? a = i < first.Events.Count ? Describe(first, first.Events[i]) : null;
            string? b = i < second.Events.Count ? Describe(second, second.Events[i]) : null;
            if (a != b)
            {
                return new Divergence(i, a, b);
            }
        }

        return first.Fingerprint == second.Fingerprint ? null : new Divergence(first.Count, "fingerprint " + first.FingerprintHex, "fingerprint " + second.FingerprintHex);
    }

    private static string Describe(Trace trace, TraceEvent e)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            string peer = e.Peer is { } p ? " -> " + trace.NodeName(p) : string.Empty;
            string payload = e.Payload is Exception ex ? ex.GetType().Name : e.Payload?.ToString() ?? string.Empty;
            return $"{e.Time} {JsonLinesExporter.KindName(e.Kind)} {trace.NodeName(e.Node)}{peer} msg={e.MessageId} packet={e.PacketId} timer={e.TimerNumber} {e.Cause} {e.Mark} {payload}";
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
