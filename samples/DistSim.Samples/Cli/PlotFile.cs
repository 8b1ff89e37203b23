using System.Text;

namespace DistSim.Samples.Cli;

/// <summary>
/// The file of a scenario's <c>--plot FILE</c>, and of any output written once at the end of a command (<c>abd
/// --history-html</c>, through <see cref="OpenFile"/>): resolved and opened for writing before the runs, so that a path that
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

    private readonly string _option;
    private readonly FileStream _file;
    private readonly string? _createdPath; // the file this option created (deleted again if no figure is written)
    private bool _written;

    private PlotFile(string option, string path, FileStream file, string? createdPath)
    {
        _option = option;
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
        return OpenFile(Option, args.GetString(Option, string.Empty));
    }

    /// <summary>Checks that the file of <c>--<paramref name="option"/></c> can be written and opens it (creating it if need be, truncating nothing).</summary>
    /// <param name="option">The option that names the file (for messages).</param>
    /// <param name="path">The path as given.</param>
    /// <exception cref="UsageException">The path cannot be written.</exception>
    public static PlotFile OpenFile(string option, string path)
    {
        OutputTarget target = OutputTarget.Resolve(option, path);
        try
        {
            if (target.IsStream)
            {
                return new PlotFile(option, target.Given, new FileStream(target.FullPath, FileMode.Open, FileAccess.Write, FileShare.Read), createdPath: null);
            }

            bool existed = File.Exists(target.FullPath);
            var file = new FileStream(target.FullPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            return new PlotFile(option, target.Given, file, existed ? null : target.FullPath);
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"--{option}: cannot write '{target.Given}': permission denied");
        }
        catch (IOException ex)
        {
            throw new UsageException($"--{option}: cannot write '{target.Given}': {ex.Message}");
        }
    }

    /// <summary>Writes the figure (UTF-8, no byte-order mark), replacing what the file held.</summary>
    /// <exception cref="OutputFileException">The file could not be written.</exception>
    public void Write(string svg) => Write(writer => writer.Write(svg));

    /// <summary>Writes the file's text as <paramref name="draw"/> produces it (UTF-8, no byte-order mark, streamed), replacing what the file held.</summary>
    /// <param name="draw">Writes the text.</param>
    /// <exception cref="OutputFileException">The file could not be written.</exception>
    public void Write(Action<TextWriter> draw)
    {
        try
        {
            if (_file.CanSeek)
            {
                _file.SetLength(0);
            }

            _written = true;
            using (var writer = new StreamWriter(_file, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                draw(writer);
            }

            _file.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputFileException(_option, Path, ex);
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
