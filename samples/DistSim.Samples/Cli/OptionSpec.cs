namespace DistSim.Samples.Cli;

/// <summary>One option a scenario accepts.</summary>
/// <param name="Name">Without the leading dashes, e.g. <c>loss</c>.</param>
/// <param name="ValueName">Shown in the usage, e.g. <c>P</c>; null for a flag.</param>
/// <param name="Description">One line.</param>
/// <param name="Default">The default, for the usage text.</param>
public sealed record OptionSpec(string Name, string? ValueName, string Description, string? Default = null)
{
    /// <summary>True for options without a value (flags).</summary>
    public bool IsFlag => ValueName is null;
}
