using System.Text;

namespace DistSim.Samples.Cli;

/// <summary>
/// The file of a scenario's <c>--plot FILE</c>: resolved and created before the runs, so that a path that cannot be
/// written is a usage error (exit 2) and not a failure after the whole sweep; the figure is written once, at the end.
/// </summary>
/// <remarks>
/// Which combinations allow <c>--plot</c> at all (a sweep; not a shard, a shrink or a search) is checked with the common
/// options, in <see cref="ScenarioArgs.ValidateCommon"/>. Not thread-safe.
/// </remarks>
internal sealed class PlotFile : IDisposable
{
    /// <summary>The option that names the file.</summary>
    public const string Option = "plot";

    private readonly FileStream _file;

    private PlotFile(string path, FileStream file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>Checks and creates (or truncates) the <c>--plot</c> file; null without the option.</summary>
    /// <exception cref="UsageException">The path cannot be written, or the option is given without a sweep.</exception>
    public static PlotFile? Open(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!args.Has(Option))
        {
            return null;
        }

        args.RejectUnless(Option, args.Sweep > 0, "draws the distribution of a sweep; only with --sweep N");
        OutputTarget target = OutputTarget.Resolve(Option, args.GetString(Option, string.Empty));
        try
        {
            return new PlotFile(target.Given, new FileStream(target.FullPath, target.IsStream ? FileMode.Open : FileMode.Create, FileAccess.Write, FileShare.Read));
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"--{Option}: cannot write '{target.Given}': permission denied");
        }
        catch (IOException ex)
        {
            throw new UsageException($"--{Option}: cannot write '{target.Given}': {ex.Message}");
        }
    }

    /// <summary>Writes the figure (UTF-8, no byte-order mark).</summary>
    /// <exception cref="OutputFileException">The file could not be written.</exception>
    public void Write(string svg)
    {
        try
        {
            _file.Write(new UTF8Encoding(false).GetBytes(svg));
            _file.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputFileException(Option, Path, ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
