using DistSim.Exploration;

namespace DistSim.Samples.Cli;

/// <summary>A scenario with a property that <c>--explore</c> can search for a violation of.</summary>
public interface IExplorableScenario : IScenario
{
    /// <summary>Parses the scenario's options and returns what <c>--explore</c> needs.</summary>
    /// <param name="args">The parsed options.</param>
    ExploreTarget ExploreTarget(ScenarioArgs args);
}

/// <summary>What <c>--explore</c> searches.</summary>
/// <param name="Property">What a violating run shows, in words.</param>
/// <param name="Play">Plays one path (its settings carry the <see cref="ExplorationRun"/>); returns whether it violated the property.</param>
/// <param name="Defaults">The scenario's bounds (drops, crashes, order, filter, state hash); <c>--explore N</c> sets the depth, <c>--explore-drops</c> and <c>--explore-crashes</c> the budgets.</param>
public sealed record ExploreTarget(string Property, Func<ulong, RunSettings, bool> Play, ExplorationOptions Defaults);
