namespace DistSim;

/// <summary>Why a call to <see cref="Simulation.Run"/>, <see cref="Simulation.RunUntil(Time.SimTime)"/> or <see cref="Simulation.RunUntil(Func{bool})"/> returned.</summary>
public enum RunOutcome
{
    /// <summary>No event is pending: the system is quiet (completed).</summary>
    Quiescent,

    /// <summary>The requested time was reached with events still pending.</summary>
    TimeReached,

    /// <summary>The requested condition became true.</summary>
    ConditionMet,

    /// <summary>The next event lies beyond <see cref="SimulationOptions.TimeLimit"/>.</summary>
    TimeLimit,

    /// <summary><see cref="SimulationOptions.EventLimit"/> events have run.</summary>
    EventLimit,

    /// <summary>More than <see cref="SimulationOptions.QueueLimit"/> events were pending.</summary>
    QueueLimit,

    /// <summary>Node code threw; see <see cref="RunResult.Failure"/>.</summary>
    NodeFaulted,

    /// <summary>
    /// A property was found false (<see cref="Simulation.Always"/>, <see cref="Simulation.Eventually"/>,
    /// <see cref="Nodes.INodeContext.Unreachable"/>); see <see cref="RunResult.Failure"/>, whose inner exception is a
    /// <see cref="Checking.PropertyViolationException"/>.
    /// </summary>
    PropertyViolated,

    /// <summary>
    /// A bounded exhaustive search cut the run: it reached a state the search had explored already
    /// (<see cref="Exploration.ExplorationOptions.StateHash"/>), so its future is explored elsewhere. Never seen outside
    /// <see cref="Exploration.Explorer"/>.
    /// </summary>
    Pruned,
}
