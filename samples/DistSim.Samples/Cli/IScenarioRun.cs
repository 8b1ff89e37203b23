namespace DistSim.Samples.Cli;

/// <summary>One finished run of a scenario: its simulation and how the main run call ended.</summary>
public interface IScenarioRun
{
    /// <summary>The finished simulation.</summary>
    Simulation Simulation { get; }

    /// <summary>How the run ended: a limit outcome marks the run incomplete.</summary>
    RunResult Run { get; }
}
