using System.Text;

namespace DistSim.Samples.Cli;

/// <summary>
/// The file of a scenario's <c>--plot FILE</c>: resolved and opened for writing before the runs, so that a path that
/// cannot be written is a usage error (exit 2) and not a failure after the whole sweep; the figure is written once, at
/// the end. A sweep that ends without a figure (it failed) leaves no trace: a file that existed is not truncated until
/// the figure is written, and one that the option created is deleted when this is disposed: also when Ctrl+C stops the
/// sweep (<see cref="Interruption"/>). A process killed outright disposes nothing: an existing file is still untouched,
/// a created one stays, empty.
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
    private readonly string? _createdPath; // the file this option created (deleted again if no figure is written)
    private bool _written;

    private PlotFile(string path, FileStream file, string? createdPath)
    {
        Path = path;
        _file = file;
        _createdPath = createdPath;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>Checks that the <c>--plot</c> file can be written and opens it (creating it if need be, truncating nothing); null without the option.</summary>
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
            if (target.IsStream)
            {
                return new PlotFile(target.Given, new FileStream(target.FullPath, FileMode.Open, FileAccess.Write, FileShare.Read), createdPath: null);
            }

            bool existed = File.Exists(target.FullPath);
            var file = new FileStream(target.FullPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            return new PlotFile(target.Given, file, existed ? null : target.FullPath);
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

    /// <summary>Writes the figure (UTF-8, no byte-order mark), replacing what the file held.</summary>
    /// <exception cref="OutputFileException">The file could not be written.</exception>
    public void Write(string svg)
    {
        try
        {
            if (_file.CanSeek)
            {
                _file.SetLength(0);
            }

            _written = true;
            _file.Write(new UTF8Encoding(false).GetBytes(svg));
            _file.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputFileException(Option, Path, ex);
        }
    }

    /// <summary>Closes the file; if no figure was written and the file is one this option created, deletes it.</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (!_written && _createdPath is not null)
        {
            try
            {
                File.Delete(_createdPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: an empty file left behind is the old behaviour, not a new failure.
            }
        }
    }
}
