using DistSim.Diagnostics;
using DistSim.Time;

namespace DistSim;

/// <summary>What a run call returned.</summary>
/// <param name="Outcome">Why it stopped.</param>
/// <param name="Time">Virtual time when it stopped.</param>
/// <param name="Events">Events executed since the simulation was created.</param>
/// <param name="Fingerprint">The trace fingerprint at that point.</param>
/// <param name="Failure">The failure, when <paramref name="Outcome"/> is <see cref="RunOutcome.NodeFaulted"/> or <see cref="RunOutcome.PropertyViolated"/>.</param>
public sealed record RunResult(RunOutcome Outcome, SimTime Time, long Events, ulong Fingerprint, SimulationFailureException? Failure);
