namespace DistSim.Samples.Cli;

/// <summary>Bad command-line input: the runner prints the message and the usage and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
