namespace DistSim.Exploration;

/// <summary>
/// A path of a bounded exhaustive search did not replay: the play function made other decisions for the same prefix (it
/// is not a function of its decisions: randomness outside the seed, state kept between plays), or a given path does
/// not fit the scenario (an option out of range, choices left over). Raised after the run, never inside node code.
/// </summary>
public sealed class ExplorationReplayException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What did not replay, with the decision's index.</param>
    public ExplorationReplayException(string message)
        : base(message)
    {
    }
}
