namespace DistSim.Samples.Cli;

/// <summary>A scenario with a property that a run can fail: <c>--shrink</c> finds a failing run and shrinks its faults.</summary>
public interface IShrinkableScenario : IScenario
{
    /// <summary>
    /// Parses the scenario's options and returns what <c>--shrink</c> needs: what failing means, and how to play one run
    /// with given settings (which carry the fault recording, or the candidate schedule to replay).
    /// </summary>
    /// <param name="args">The parsed options.</param>
    ShrinkTarget ShrinkTarget(ScenarioArgs args);
}

/// <summary>What <c>--shrink</c> shrinks against.</summary>
/// <param name="Property">What a failing run shows, in words (e.g. <c>two primaries accept writes at once</c>).</param>
/// <param name="Play">Plays one run: seed and settings; returns whether it failed and the finished simulation.</param>
public sealed record ShrinkTarget(string Property, Func<ulong, RunSettings, (bool Fails, Simulation Simulation)> Play);
