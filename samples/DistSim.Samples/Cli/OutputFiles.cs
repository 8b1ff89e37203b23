using System.Text;
using DistSim.Tracing;

namespace DistSim.Samples.Cli;

/// <summary>
/// The files of <c>--trace</c> and <c>--mermaid</c>, opened before the run so that a bad path is a usage error
/// (exit 2) rather than a crash after the whole run.
/// </summary>
/// <remarks>
/// The trace is streamed: <see cref="SimulationOptions.TraceWriter"/> writes each event's line to the file as it
/// happens and the run keeps no events; when the run is over, <see cref="Complete"/> puts the header line
/// (<see cref="Trace.WriteJsonLinesHeader"/>) in front by moving the lines up in place, so the file is byte for
/// byte what <see cref="Trace.WriteJsonLines"/> would write, in bounded memory. A file that cannot seek (a pipe,
/// <c>/dev/stdout</c>) gets the in-memory export instead. A Mermaid diagram needs the events (it names every
/// participant and counts what it leaves out), so <c>--mermaid</c> records the run in memory, up to the trace limit.
/// </remarks>
public sealed class OutputFiles : IDisposable
{
    private const int CopyChunk = 1 << 20;
    private readonly string? _tracePath;
    private readonly string? _mermaidPath;
    private FileStream? _trace;
    private StreamWriter? _traceLines;
    private FileStream? _mermaid;
    private bool _completed;

    private OutputFiles(string? tracePath, string? mermaidPath)
    {
        _tracePath = tracePath;
        _mermaidPath = mermaidPath;
    }

    /// <summary>Whether the run must keep its events in memory.</summary>
    public bool NeedsEvents => _mermaid is not null || (_trace is not null && _traceLines is null);

    /// <summary>Creates (or truncates) the files asked for; a path that cannot be written is a usage error naming its option.</summary>
    public static OutputFiles Open(ScenarioArgs args)
    {
        // Every path is checked before any file is created: a bad --mermaid must not leave an empty --trace file.
        string? trace = args.TraceFile is { } t ? FullPath("trace", t) : null;
        string? mermaid = args.MermaidFile is { } m ? FullPath("mermaid", m) : null;
        if (trace is not null && string.Equals(trace, mermaid, StringComparison.Ordinal))
        {
            throw new UsageException($"--mermaid: '{args.MermaidFile}' is also the --trace file");
        }

        var files = new OutputFiles(args.TraceFile, args.MermaidFile);
        try
        {
            if (args.TraceFile is { } tracePath)
            {
                files._trace = Create("trace", tracePath, out bool readable);
                if (readable && files._trace.CanSeek)
                {
                    files._traceLines = new StreamWriter(files._trace, new UTF8Encoding(false), CopyChunk / 16, leaveOpen: true);
                }
            }

            if (args.MermaidFile is { } mermaidPath)
            {
                files._mermaid = Create("mermaid", mermaidPath, out _);
            }

            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>The settings of a run that writes these files, with <c>--event-limit</c>.</summary>
    public RunSettings Settings(ScenarioArgs args) => new()
    {
        RecordTrace = NeedsEvents,
        TraceWriter = _traceLines,
        EventLimit = args.EventLimit,
    };

    /// <summary>Finishes the files from the trace of the run (also after a node failure: the trace so far).</summary>
    /// <exception cref="OutputFileException">A file could not be written.</exception>
    public void Complete(Trace trace)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_trace is not null)
        {
            Write("trace", _tracePath!, () => CompleteTrace(trace));
        }

        if (_mermaid is not null)
        {
            Write("mermaid", _mermaidPath!, () =>
            {
                byte[] text = new UTF8Encoding(false).GetBytes("```mermaid\n" + trace.ToMermaid() + "```\n");
                _mermaid.Write(text);
                _mermaid.Flush();
            });
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IDisposable? d in new IDisposable?[] { _traceLines, _trace, _mermaid })
        {
            try
            {
                d?.Dispose();
            }
            catch (IOException)
            {
                // Reported by Complete when it matters; a run that failed earlier leaves what it could.
            }
        }
    }

    private void CompleteTrace(Trace trace)
    {
        if (_traceLines is null)
        {
            using var writer = new StreamWriter(_trace!, new UTF8Encoding(false), CopyChunk / 16, leaveOpen: true);
            trace.WriteJsonLines(writer);
            return;
        }

        _traceLines.Flush();
        var header = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            trace.WriteJsonLinesHeader(header);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException(ex.Message, ex);
        }

        Prepend(_trace!, Encoding.UTF8.GetBytes(header.ToString()));
    }

    /// <summary>Moves the file's bytes up by the header's length, from the end down, then writes the header at the start.</summary>
    private static void Prepend(FileStream file, byte[] header)
    {
        long length = file.Length;
        file.SetLength(length + header.Length);
        byte[] chunk = new byte[(int)Math.Min(CopyChunk, Math.Max(1, length))];
        for (long end = length; end > 0;)
        {
            int n = (int)Math.Min(chunk.Length, end);
            end -= n;
            file.Position = end;
            file.ReadExactly(chunk, 0, n);
            file.Position = end + header.Length;
            file.Write(chunk, 0, n);
        }

        file.Position = 0;
        file.Write(header);
        file.Flush();
    }

    private static void Write(string option, string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputFileException(option, path, ex);
        }
    }

    /// <summary>The full path of a file an option names; a usage error when it is empty, invalid, a directory, or in a missing directory.</summary>
    private static string FullPath(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"--{option}: the file name is empty");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--{option}: '{path}' is not a valid file name");
        }

        if (Directory.Exists(full))
        {
            throw new UsageException($"--{option}: '{path}' is a directory");
        }

        if (Path.GetDirectoryName(full) is { Length: > 0 } directory && !Directory.Exists(directory))
        {
            throw new UsageException($"--{option}: cannot create '{path}': its directory does not exist");
        }

        return full;
    }

    private static FileStream Create(string option, string path, out bool readable)
    {
        try
        {
            try
            {
                readable = true;
                return new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            }
            catch (UnauthorizedAccessException)
            {
                readable = false; // a write-only file: the trace is then exported from memory
                return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
            }
        }
        catch (DirectoryNotFoundException)
        {
            throw new UsageException($"--{option}: cannot create '{path}': its directory does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"--{option}: cannot write '{path}': permission denied");
        }
        catch (IOException ex)
        {
            throw new UsageException($"--{option}: cannot write '{path}': {ex.Message}");
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new UsageException($"--{option}: '{path}' is not a valid file name");
        }
    }
}
