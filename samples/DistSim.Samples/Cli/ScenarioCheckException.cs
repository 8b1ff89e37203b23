namespace DistSim.Samples.Cli;

/// <summary>
/// A scenario's own check failed after it ran (e.g. <c>bench</c> found two rounds of the same seed with different
/// fingerprints): the runner prints the message and exits with 1, never with a plausible figure.
/// </summary>
/// <param name="message">What failed, with the seed.</param>
/// <param name="inner">The failure.</param>
public sealed class ScenarioCheckException(string message, Exception inner) : Exception(message, inner);
