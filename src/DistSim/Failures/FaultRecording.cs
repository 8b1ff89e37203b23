namespace DistSim.Failures;

/// <summary>Which faults a run writes down as it goes, for <see cref="Simulation.RecordedFaults"/>.</summary>
public enum FaultRecording
{
    /// <summary>None (the default): nothing is kept.</summary>
    Off,

    /// <summary>
    /// Every fault the random nemeses inject (<see cref="SimulationOptions.Nemesis"/>: crashes, restarts, pauses, clock
    /// steps; <see cref="SimulationOptions.Partitions"/>: partitions, cuts, isolations and their heals), and the faults
    /// of a <see cref="SimulationOptions.FaultSchedule"/> being replayed. Message fates stay random in a replay.
    /// </summary>
    Nemesis,

    /// <summary>
    /// <see cref="Nemesis"/>, and every packet the network or a failure model lost, duplicated or omitted at random: the
    /// recorded schedule scripts messages (<see cref="FaultSchedule.ScriptsMessages"/>). Costs a dictionary entry per
    /// packet in flight and one per direction used.
    /// </summary>
    NemesisAndMessages,
}
