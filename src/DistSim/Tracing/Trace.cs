using System.Globalization;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Tracing;

/// <summary>
/// The record of a run: every event in order, and a 64-bit <see cref="Fingerprint"/> over all of them.
/// Events are kept in memory (<see cref="SimulationOptions.RecordTrace"/>), streamed as JSON Lines as they
/// happen (<see cref="SimulationOptions.TraceWriter"/>), both, or neither; either way at most
/// <see cref="SimulationOptions.TraceLimit"/> of them, and the fingerprint always covers every event.
/// </summary>
/// <remarks>Not thread-safe; owned by one simulation. See <c>docs/concepts/trace.md</c>.</remarks>
public sealed class Trace
{
    private readonly List<TraceEvent> _events = [];
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<TraceEvent> _eventsView;
    private readonly Fingerprint _fingerprint = new();
    private readonly Func<int, string> _nodeName;
    private readonly int _limit;
    private readonly TextWriter? _writer;
    private readonly JsonLinesExporter.LineWriter? _lines;
    private readonly bool _keeps;
    private int _recorded;
    private long _failedAt;

    internal Trace(ulong seed, bool record, int limit, TextWriter? writer, Func<int, string> nodeName)
    {
        Seed = seed;
        IsRecording = record;
        _limit = limit;
        _writer = writer;
        _lines = writer is null ? null : new JsonLinesExporter.LineWriter();
        _keeps = record || writer is not null;
        _nodeName = nodeName;
        _eventsView = _events.AsReadOnly();
    }

    /// <summary>The master seed of the run that produced this trace.</summary>
    public ulong Seed { get; }

    /// <summary>Whether events are kept in <see cref="Events"/> (the fingerprint is computed either way).</summary>
    public bool IsRecording { get; }

    /// <summary>True when recording (in memory or to <see cref="SimulationOptions.TraceWriter"/>) stopped at <see cref="SimulationOptions.TraceLimit"/> events.</summary>
    public bool IsTruncated { get; private set; }

    /// <summary>
    /// Why writing to <see cref="SimulationOptions.TraceWriter"/> stopped (an I/O error, or a payload whose
    /// <c>ToString</c> threw), or null. The run itself goes on unaffected; the events after the failure are not
    /// written, and <see cref="WriteJsonLinesHeader"/> throws, so the incomplete file cannot pass for a whole one.
    /// </summary>
    public Exception? WriterFailure { get; private set; }

    /// <summary>The recorded events, in order.</summary>
    public IReadOnlyList<TraceEvent> Events => _eventsView;

    /// <summary>Number of events that happened, recorded or not.</summary>
    public long Count { get; private set; }

    /// <summary>
    /// A 64-bit hash over every event so far ("fingerprint v1": xxHash64 rounds over six words per event, see <c>docs/concepts/trace.md</c>):
    /// equal seeds give equal fingerprints.
    /// </summary>
    public ulong Fingerprint => _fingerprint.Current;

    /// <summary>The fingerprint as 16 lower-case hex digits.</summary>
    public string FingerprintHex => Fingerprint.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The name of a node, as used in exports.</summary>
    /// <param name="node">The node.</param>
    public string NodeName(NodeId node) => _nodeName(node.Value);

    /// <summary>An event as one line of text with node names, e.g. <c>#12 0.0150000s deliver B &lt;- A message 3 packet 3: Ping { Round = 1 }</c>.</summary>
    /// <param name="e">An event of this trace.</param>
    public string Describe(in TraceEvent e) => EventText.Format(e, NodeName);

    /// <summary>Writes the trace as JSON Lines: a header line, then one line per recorded event.</summary>
    /// <param name="writer">Where to write; not closed.</param>
    public void WriteJsonLines(TextWriter writer) => JsonLinesExporter.Write(this, writer);

    /// <summary>
    /// Writes the header line of the JSON Lines trace streamed to <see cref="SimulationOptions.TraceWriter"/>:
    /// the line that <see cref="WriteJsonLines"/> puts first. It counts the events written, so it can only be
    /// written once the run is over: this line followed by the streamed lines is, byte for byte, what
    /// <see cref="WriteJsonLines"/> writes for the same run when it records in memory. See <c>docs/concepts/trace.md</c>.
    /// </summary>
    /// <param name="writer">Where to write; not closed.</param>
    /// <exception cref="InvalidOperationException">Writing the stream failed (<see cref="WriterFailure"/>): the streamed trace is incomplete.</exception>
    public void WriteJsonLinesHeader(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (WriterFailure is { } failure)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"the streamed trace is incomplete: writing event {_failedAt} failed: {failure.Message}"), failure);
        }

        new JsonLinesExporter.LineWriter().WriteHeader(this, _recorded, IsTruncated, writer);
    }

    /// <summary>
    /// The trace as a Mermaid sequence diagram (deliveries, drops and faults; at most <paramref name="maxEvents"/>
    /// lines), ready for a Markdown page. See <c>docs/concepts/trace.md</c>.
    /// </summary>
    /// <param name="maxEvents">The most lines to draw, at least 1.</param>
    public string ToMermaid(int maxEvents = 200)
    {
        if (maxEvents < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEvents), maxEvents, "must be >= 1");
        }

        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return MermaidExporter.Write(this, maxEvents);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>
    /// The trace in ShiViz's log format (Beschastnikh et al.): for every event that carries a vector clock
    /// (<see cref="SimulationOptions.VectorClocks"/>), a line describing it and a line
    /// <c>host {"host": n, …}</c>. Paste it into ShiViz with its default parser.
    /// </summary>
    public string ToShiViz()
    {
        var sb = new System.Text.StringBuilder();
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            foreach (TraceEvent e in _events)
            {
                if (e.VectorClock is not { } clock)
                {
                    continue;
                }

                string peer = e.Peer is { } p ? (e.Kind == TraceEventKind.Send ? " to " : " from ") + Host(p) : string.Empty;
                sb.Append(JsonLinesExporter.KindName(e.Kind)).Append(peer).Append(' ').Append(e.Payload?.ToString()?.Replace('\n', ' ') ?? string.Empty)
                    .Append(" @ ").Append(e.Time).Append('\n');
                sb.Append(Host(e.Node)).Append(" {");
                bool first = true;
                for (int i = 0; i < clock.Count; i++)
                {
                    if (clock[i] != 0)
                    {
                        sb.Append(first ? string.Empty : ", ").Append('"').Append(Host(new NodeId(i))).Append("\": ").Append(clock[i]);
                        first = false;
                    }
                }

                sb.Append("}\n");
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        return sb.ToString();

        string Host(NodeId n) => NodeName(n).Replace(' ', '_');
    }

    /// <summary>
    /// Writes the recorded events in the Chrome trace-event format, which Perfetto (ui.perfetto.dev) and
    /// <c>chrome://tracing</c> open: a track per node, each handler (start, delivery, timer, continuation) a slice, each
    /// delivered packet a flow arrow from the sending handler to the receiving one, drops, faults, link and adversary
    /// events as instant events. Handlers take no virtual time, so slices are drawn one tick wide; every slice's
    /// <c>args</c> carry the exact virtual time and the event's index. See <c>docs/concepts/trace.md</c>.
    /// </summary>
    /// <param name="utf8">Where to write the JSON (UTF-8); left open.</param>
    /// <exception cref="InvalidOperationException">The trace does not keep its events (<see cref="SimulationOptions.RecordTrace"/> was off).</exception>
    public void WriteChromeTrace(Stream utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        RequireEvents(nameof(WriteChromeTrace));
        ChromeTraceExporter.Write(this, utf8);
    }

    /// <summary>The trace in the Chrome trace-event format as a string (<see cref="WriteChromeTrace"/>).</summary>
    /// <exception cref="InvalidOperationException">The trace does not keep its events (<see cref="SimulationOptions.RecordTrace"/> was off).</exception>
    public string ToChromeTrace()
    {
        RequireEvents(nameof(ToChromeTrace));
        using var stream = new MemoryStream();
        ChromeTraceExporter.Write(this, stream);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// Writes the recorded events as one self-contained HTML page, a space-time view: a lane per node, an arrow per
    /// delivered packet from send to delivery, drops, duplicates, crashes, restarts, pauses, partitions and Byzantine
    /// deviations marked; zoom and pan, filters by node and by message type, and the details of a clicked event. Script,
    /// style and data are inline, so the page opens offline. See <c>docs/concepts/trace.md</c>.
    /// </summary>
    /// <param name="writer">Where to write the page.</param>
    /// <param name="title">The page's title; default "DistSim trace, seed N".</param>
    /// <exception cref="InvalidOperationException">The trace does not keep its events (<see cref="SimulationOptions.RecordTrace"/> was off).</exception>
    public void WriteHtml(TextWriter writer, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        RequireEvents(nameof(WriteHtml));
        HtmlViewExporter.Write(this, writer, title);
    }

    /// <summary>The space-time view of <see cref="WriteHtml"/> as a string.</summary>
    /// <param name="title">The page's title; default "DistSim trace, seed N".</param>
    /// <exception cref="InvalidOperationException">The trace does not keep its events (<see cref="SimulationOptions.RecordTrace"/> was off).</exception>
    public string ToHtml(string? title = null)
    {
        RequireEvents(nameof(ToHtml));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        HtmlViewExporter.Write(this, writer, title);
        return writer.ToString();
    }

    private void RequireEvents(string method)
    {
        if (!IsRecording)
        {
            throw new InvalidOperationException($"{method} needs the trace's events: run with SimulationOptions.RecordTrace = true (this trace kept none; seed {Seed})");
        }
    }

    /// <summary>The trace as a JSON Lines string.</summary>
    public string ToJsonLines()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteJsonLines(writer);
        return writer.ToString();
    }

    /// <summary>Whether the next event recorded is kept (in memory or in the stream), so that its payload is seen by anyone.</summary>
    internal bool KeepsNext => (IsRecording || (_writer is not null && WriterFailure is null)) && _recorded < _limit;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void Record(
        SimTime time, TraceEventKind kind, int node, int peer, long message, long packet, long timer, DropCause cause, object? payload, PacketMark mark, long[]? clock = null)
    {
        _fingerprint.Append(kind, time.Ticks, node, peer, message, packet, timer, cause, payload, mark);
        long index = Count++;
        if (_keeps)
        {
            Keep(index, time, kind, node, peer, message, packet, timer, cause, payload, mark, clock);
        }
    }

    /// <summary>Keeps an event (in memory, in the stream, or both), up to the limit: off the hot path of a run that only fingerprints.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Keep(
        long index, SimTime time, TraceEventKind kind, int node, int peer, long message, long packet, long timer, DropCause cause, object? payload, PacketMark mark, long[]? clock)
    {
        if (_recorded >= _limit)
        {
            IsTruncated = true;
            return;
        }

        _recorded++;
        payload = Links.FrameCarrier.Observe(payload); // a kept event shows the frame's record, never the kernel's pooled carrier
        var e = new TraceEvent(index, time, kind, new NodeId(node), peer < 0 ? null : new NodeId(peer), message, packet, timer, cause, payload, mark, clock);
        if (IsRecording)
        {
            _events.Add(e);
        }

        if (_writer is not null && WriterFailure is null)
        {
            Stream(e);
        }
    }

    /// <summary>Writes one event's line to the trace writer; a failure stops the stream, never the run.</summary>
    private void Stream(in TraceEvent e)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            using (RuntimeEscapeListener.Harness())
            {
                _lines!.WriteEvent(this, e, _writer!); // the user's writer may flush on the thread pool: not the node's escape
            }
        }
        catch (Exception ex)
        {
            // Node code may be on the stack (a Send records its event): an I/O error must not pass for its fault.
            WriterFailure = ex;
            _failedAt = e.Index;
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
