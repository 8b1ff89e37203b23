namespace DistSim.Samples.Cli;

/// <summary>A runnable scenario of the samples runner.</summary>
public interface IScenario
{
    /// <summary>The name on the command line, e.g. <c>two-generals</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>list</c>.</summary>
    string Summary { get; }

    /// <summary>The scenario's own options (the common ones are added by the runner).</summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs with parsed options, writing to <paramref name="output"/>; returns the exit code.</summary>
    int Run(ScenarioArgs args, TextWriter output);
}
