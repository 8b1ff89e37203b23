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
/// byte what <see cref="Trace.WriteJsonLines"/> would write, in bounded memory. That needs a regular file that can be
/// read, truncated and written anywhere; a pipe or a character device (<c>/dev/null</c>, a terminal), and a file
/// that cannot be read, get the in-memory export instead, written once at the end. What cannot work is refused
/// before the run by <see cref="OutputTarget"/>: the standard output or error, a block device, and the two options
/// naming one file (the same path, a symbolic link to it, a hard link). A Mermaid diagram needs the events (it
/// names every participant and counts what it leaves out), so <c>--mermaid</c> records the run in memory, up to the
/// trace limit.
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
        OutputTarget? trace = args.TraceFile is { } t ? OutputTarget.Resolve("trace", t) : null;
        OutputTarget? mermaid = args.MermaidFile is { } m ? OutputTarget.Resolve("mermaid", m) : null;
        if (trace is not null && mermaid is not null && mermaid.IsSameFileAs(trace))
        {
            throw new UsageException($"--mermaid: '{mermaid.Given}' is the --trace file '{trace.Given}' ({mermaid.HowSameAs(trace)}); write them to two files");
        }

        var files = new OutputFiles(args.TraceFile, args.MermaidFile);
        try
        {
            if (trace is not null)
            {
                files._trace = Create(trace, out bool readable);
                if (readable && files._trace.CanSeek && Truncates(files._trace))
                {
                    files._traceLines = new StreamWriter(files._trace, new UTF8Encoding(false), CopyChunk / 16, leaveOpen: true);
                }
            }

            if (mermaid is not null)
            {
                files._mermaid = Create(mermaid, out _);
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
        FaultSchedule = args.Faults,
        Buggify = args.Buggify,
        Scheduler = args.Scheduler,
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

    /// <summary>
    /// Whether the file can be cut to its length (it was just created or truncated, so to 0): a regular file can;
    /// a device that seeks without being one (<c>/dev/null</c> where the system does not say what it is) cannot.
    /// </summary>
    private static bool Truncates(FileStream file)
    {
        try
        {
            file.SetLength(file.Length);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Opens the file for writing: a regular file is created or truncated; a pipe or a device is opened as it is.</summary>
    private static FileStream Create(OutputTarget target, out bool readable)
    {
        string option = target.Option, path = target.Given;
        try
        {
            if (target.IsStream)
            {
                readable = false;
                return new FileStream(target.FullPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            }

            try
            {
                readable = true;
                return new FileStream(target.FullPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            }
            catch (UnauthorizedAccessException)
            {
                readable = false; // a write-only file: the trace is then exported from memory
                return new FileStream(target.FullPath, FileMode.Create, FileAccess.Write, FileShare.Read);
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
