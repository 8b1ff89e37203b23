namespace DistSim.Samples.Cli;

/// <summary>Where a <c>--shard</c> run writes its slice: the scenario's name for the header, and the writer.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Output">The standard output or the <c>--shard-out</c> file.</param>
internal sealed record ShardSink(string Scenario, TextWriter Output)
{
    /// <summary>Whether the slice was written whole (header, runs, end line).</summary>
    public bool Written { get; set; }
}
