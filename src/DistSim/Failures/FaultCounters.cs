namespace DistSim.Failures;

/// <summary>
/// Node faults injected so far (each also an event of the trace), so that a sweep can count them without
/// recording traces. Not thread-safe; read between steps.
/// </summary>
public sealed class FaultCounters
{
    /// <summary>Crashes.</summary>
    public long Crashes { get; internal set; }

    /// <summary>Restarts.</summary>
    public long Restarts { get; internal set; }

    /// <summary>Unflushed writes torn at a crash.</summary>
    public long TornWrites { get; internal set; }

    /// <summary>Pauses.</summary>
    public long Pauses { get; internal set; }

    /// <summary>Crashes and pauses the nemesis drew but skipped: they would have passed its bounds (<see cref="NemesisOptions.MaxFaulty"/>, <see cref="NemesisOptions.FaultDomains"/>) or hit a node <see cref="NemesisOptions.Eligible"/> refused. Not traced.</summary>
    public long Skipped { get; internal set; }

    /// <summary>
    /// Continuations of async node code dropped because their incarnation had crashed (not a fault injected, a
    /// consequence of one: each would otherwise have resumed a dead incarnation's code). Not traced.
    /// </summary>
    public long AbandonedContinuations { get; internal set; }
}
