namespace DistSim.Samples.Cli;

/// <summary>An output file could not be written after the run: the runner reports it and exits with 1.</summary>
/// <param name="option">The option that named the file, without dashes.</param>
/// <param name="path">The file.</param>
/// <param name="inner">What went wrong.</param>
public sealed class OutputFileException(string option, string path, Exception inner)
    : IOException($"--{option}: writing '{path}' failed: {inner.Message}", inner);
