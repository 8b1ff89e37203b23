using System.Text;
using DistSim.Tracing;

namespace DistSim.Samples.Cli;

/// <summary>
/// The files of <c>--trace</c>, <c>--mermaid</c>, <c>--perfetto</c> and <c>--html</c>, opened before the run so that a bad path is a usage error
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
/// naming one file (the same path, a symbolic link to it, a hard link). A Mermaid diagram, a Chrome trace and an HTML
/// view need the events (they name every participant and pair each send with its delivery), so <c>--mermaid</c>,
/// <c>--perfetto</c> and <c>--html</c> record the run in memory, up to the trace limit.
/// </remarks>
public sealed class OutputFiles : IDisposable
{
    private const int CopyChunk = 1 << 20;
    /// <summary>The options whose file is written from the events kept in memory, and how each writes a trace.</summary>
    private static readonly (string Option, Action<Trace, Stream> Write)[] Exports =
    [
        ("mermaid", (trace, file) => file.Write(new UTF8Encoding(false).GetBytes("```mermaid\n" + trace.ToMermaid() + "```\n"))),
        ("perfetto", (trace, file) => trace.WriteChromeTrace(file)),
        ("html", (trace, file) =>
        {
            using var writer = new StreamWriter(file, new UTF8Encoding(false), CopyChunk / 16, leaveOpen: true);
            trace.WriteHtml(writer);
        }),
    ];

    private readonly string? _tracePath;
    private readonly List<(string Option, string Path, FileStream File, Action<Trace, Stream> Write)> _exports = [];
    private FileStream? _trace;
    private StreamWriter? _traceLines;
    private bool _completed;

    private OutputFiles(string? tracePath) => _tracePath = tracePath;

    /// <summary>Whether the run must keep its events in memory.</summary>
    public bool NeedsEvents => _exports.Count > 0 || (_trace is not null && _traceLines is null);

    /// <summary>Creates (or truncates) the files asked for; a path that cannot be written is a usage error naming its option.</summary>
    public static OutputFiles Open(ScenarioArgs args)
    {
        // Every path is checked before any file is created: a bad --mermaid must not leave an empty --trace file.
        var targets = new List<OutputTarget>();
        foreach (string option in ScenarioArgs.OutputOptions)
        {
            if (args.OutputFile(option) is not { } path)
            {
                continue;
            }

            OutputTarget target = OutputTarget.Resolve(option, path);
            foreach (OutputTarget earlier in targets)
            {
                if (target.IsSameFileAs(earlier))
                {
                    throw new UsageException($"--{option}: '{target.Given}' is the --{earlier.Option} file '{earlier.Given}' ({target.HowSameAs(earlier)}); write them to two files");
                }
            }

            targets.Add(target);
        }

        OutputTarget? trace = targets.Find(t => t.Option == "trace");
        var files = new OutputFiles(trace?.Given);
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

            foreach (OutputTarget target in targets)
            {
                if (Array.FindIndex(Exports, x => x.Option == target.Option) is int k and >= 0)
                {
                    files._exports.Add((target.Option, target.Given, Create(target, out _), Exports[k].Write));
                }
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

        foreach ((string option, string path, FileStream file, Action<Trace, Stream> write) in _exports)
        {
            Write(option, path, () =>
            {
                write(trace, file);
                file.Flush();
            });
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IDisposable? d in new IDisposable?[] { _traceLines, _trace }.Concat(_exports.Select(x => x.File)))
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
