namespace DistSim.Samples.Cli;

/// <summary>Shard files that do not make one sweep: the message says which file and why (exit code 2).</summary>
/// <param name="message">What is wrong.</param>
public sealed class MergeException(string message) : Exception(message);
