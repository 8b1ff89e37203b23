namespace DistSim.Samples.Cli;

/// <summary>
/// How the runner wants one run traced, limited and scheduled, from <c>--trace</c>, <c>--mermaid</c>, <c>--event-limit</c> and <c>--schedule</c>:
/// each scenario builds its <see cref="SimulationOptions"/> and passes them through <see cref="ApplyTo"/>.
/// </summary>
public sealed record RunSettings
{
    /// <summary>Keep the trace's events in memory (for tests that inspect them, and for <c>--mermaid</c>).</summary>
    public static RunSettings Recorded { get; } = new() { RecordTrace = true };

    /// <summary>Keep no events (sweeps): the fingerprint is computed all the same.</summary>
    public static RunSettings Unrecorded { get; } = new();

    /// <summary>Whether the trace keeps its events in memory.</summary>
    public bool RecordTrace { get; init; }

    /// <summary>Where to stream the trace as JSON Lines (<c>--trace</c>), or null.</summary>
    public TextWriter? TraceWriter { get; init; }

    /// <summary>The event limit of <c>--event-limit</c>, or null for the scenario's own.</summary>
    public long? EventLimit { get; init; }

    /// <summary>Which faults the run writes down (<c>--shrink</c> records them to shrink them); off by default.</summary>
    public Failures.FaultRecording RecordFaults { get; init; }

    /// <summary>Faults to replay instead of the random ones (<c>--faults FILE</c>, and each candidate of <c>--shrink</c>), or null.</summary>
    public Failures.FaultSchedule? FaultSchedule { get; init; }

    /// <summary>The scheduling strategy of <c>--schedule</c>, or null for the scenario's own.</summary>
    public Scheduling.Scheduler? Scheduler { get; init; }

    /// <summary>BUGGIFY fault points switched on (<c>--buggify</c>), or null for the scenario's own (off).</summary>
    public Failures.BuggifyOptions? Buggify { get; init; }

    /// <summary>The path of <c>--explore</c> this run follows, or null.</summary>
    public Exploration.ExplorationRun? Exploration { get; init; }

    /// <summary>The scenario's options with these settings applied.</summary>
    public SimulationOptions ApplyTo(SimulationOptions options) => Exploration is { } run ? run.Apply(Applied(options)) : Applied(options);

    private SimulationOptions Applied(SimulationOptions options) => options with
    {
        RecordTrace = RecordTrace,
        TraceWriter = TraceWriter,
        EventLimit = EventLimit ?? options.EventLimit,
        RecordFaults = RecordFaults,
        FaultSchedule = FaultSchedule ?? options.FaultSchedule,
        Scheduler = Scheduler ?? options.Scheduler,
        Buggify = Buggify ?? options.Buggify,
    };
}
