using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DistSim.Network;

namespace DistSim.Tracing;

/// <summary>Writes a <see cref="Trace"/> as JSON Lines (one object per line, UTF-8, invariant formatting).</summary>
internal static class JsonLinesExporter
{
    // Relaxed escaping: the file is data, never embedded in HTML, and "a>b" should read as a>b.
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Trace trace, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // Payloads are rendered with ToString(); records format their numbers with the current culture,
        // so the export runs under the invariant culture: the same trace gives the same bytes on every machine.
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            var line = new LineWriter();
            line.WriteHeader(trace, trace.Events.Count, trace.IsTruncated, writer);
            foreach (TraceEvent e in trace.Events)
            {
                line.WriteEvent(trace, e, writer);
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>
    /// Writes JSON Lines one line at a time, reusing its buffers: the in-memory export and the streamed trace
    /// (<see cref="SimulationOptions.TraceWriter"/>) both go through it, so their lines are the same bytes.
    /// The caller sets the invariant culture.
    /// </summary>
    internal sealed class LineWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _json;
        private char[] _chars = new char[256];

        public LineWriter() => _json = new Utf8JsonWriter(_buffer, Options);

        /// <summary>The first line: the run, the fingerprint algorithm, how many events follow and whether recording was cut.</summary>
        public void WriteHeader(Trace trace, long recorded, bool truncated, TextWriter writer)
        {
            Start();
            _json.WriteStartObject();
            _json.WriteString("kind", "run");
            _json.WriteNumber("seed", trace.Seed);
            _json.WriteString("fingerprintAlgorithm", "distsim-fingerprint-v1");
            _json.WriteNumber("recorded", recorded);
            _json.WriteBoolean("truncated", truncated);
            _json.WriteEndObject();
            Finish(writer);
        }

        /// <summary>One event's line.</summary>
        public void WriteEvent(Trace trace, in TraceEvent e, TextWriter writer)
        {
            Start();
            JsonLinesExporter.WriteEvent(_json, trace, e);
            Finish(writer);
        }

        private void Start()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
        }

        private void Finish(TextWriter writer)
        {
            _json.Flush();
            ReadOnlySpan<byte> bytes = _buffer.WrittenSpan;
            int length = Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1;
            if (_chars.Length < length)
            {
                _chars = new char[Math.Max(length, _chars.Length * 2)];
            }

            int count = Encoding.UTF8.GetChars(bytes, _chars);
            _chars[count] = '\n';
            writer.Write(_chars, 0, count + 1);
        }
    }

    /// <summary>The kind as it appears in exports: lower-case words joined by hyphens.</summary>
    public static string KindName(TraceEventKind kind) => kind switch
    {
        TraceEventKind.NodeStarted => "node-started",
        TraceEventKind.Send => "send",
        TraceEventKind.Drop => "drop",
        TraceEventKind.Duplicate => "duplicate",
        TraceEventKind.Deliver => "deliver",
        TraceEventKind.TimerSet => "timer-set",
        TraceEventKind.TimerFired => "timer-fired",
        TraceEventKind.TimerCancelled => "timer-cancelled",
        TraceEventKind.NodeFaulted => "node-faulted",
        TraceEventKind.Retransmit => "retransmit",
        TraceEventKind.AckSent => "ack-sent",
        TraceEventKind.Acknowledged => "acknowledged",
        TraceEventKind.DuplicateSuppressed => "duplicate-suppressed",
        TraceEventKind.Rejected => "rejected",
        TraceEventKind.Abandoned => "abandoned",
        TraceEventKind.Tampered => "tampered",
        TraceEventKind.Forged => "forged",
        TraceEventKind.Replayed => "replayed",
        TraceEventKind.Partition => "partition",
        TraceEventKind.Heal => "heal",
        TraceEventKind.Crash => "crash",
        TraceEventKind.Restart => "restart",
        TraceEventKind.TornWrite => "torn-write",
        TraceEventKind.Byzantine => "byzantine",
        TraceEventKind.Pause => "pause",
        TraceEventKind.Resume => "resume",
        TraceEventKind.ClockStep => "clock-step",
        TraceEventKind.Stale => "stale",
        TraceEventKind.Handshake => "handshake",
        TraceEventKind.Continued => "continued",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown trace event kind"),
    };

    public static string CauseName(DropCause cause) => cause switch
    {
        DropCause.Loss => "loss",
        DropCause.ReceiverNotStarted => "receiver-not-started",
        DropCause.OutOfWindow => "out-of-window",
        DropCause.Partition => "partition",
        DropCause.Capacity => "capacity",
        DropCause.NodeDown => "node-down",
        DropCause.SendOmission => "send-omission",
        DropCause.ReceiveOmission => "receive-omission",
        _ => "none",
    };

    /// <summary>The adversary's marks, e.g. <c>tampered</c> or <c>forged+replayed</c>.</summary>
    public static string MarkName(PacketMark mark)
    {
        var parts = new List<string>(3);
        if (mark.HasFlag(PacketMark.Tampered))
        {
            parts.Add("tampered");
        }

        if (mark.HasFlag(PacketMark.Forged))
        {
            parts.Add("forged");
        }

        if (mark.HasFlag(PacketMark.Replayed))
        {
            parts.Add("replayed");
        }

        return string.Join('+', parts);
    }

    private static void WriteEvent(Utf8JsonWriter json, Trace trace, TraceEvent e)
    {
        json.WriteStartObject();
        json.WriteNumber("i", e.Index);
        json.WriteNumber("t", e.Time.Ticks);
        json.WriteString("kind", KindName(e.Kind));
        json.WriteString("node", trace.NodeName(e.Node));
        if (e.Peer is { } peer)
        {
            json.WriteString("peer", trace.NodeName(peer));
        }

        if (e.MessageId != 0)
        {
            json.WriteNumber("msg", e.MessageId);
        }

        if (e.PacketId != 0)
        {
            json.WriteNumber("packet", e.PacketId);
        }

        if (e.TimerNumber != 0)
        {
            json.WriteNumber("timer", e.TimerNumber);
        }

        WriteCauseAndMark(json, e);
        if (e.VectorClock is { } clock)
        {
            json.WriteStartObject("vc");
            for (int i = 0; i < clock.Count; i++)
            {
                if (clock[i] != 0)
                {
                    json.WriteNumber(trace.NodeName(new Nodes.NodeId(i)), clock[i]);
                }
            }

            json.WriteEndObject();
        }

        WritePayload(json, e.Payload);
        json.WriteEndObject();
    }

    /// <summary>The drop cause and the adversary's mark, when there are any (<c>cause</c>, <c>mark</c>); shared with the Chrome trace's args.</summary>
    internal static void WriteCauseAndMark(Utf8JsonWriter json, in TraceEvent e)
    {
        if (e.Cause != DropCause.None)
        {
            json.WriteString("cause", CauseName(e.Cause));
        }

        if (e.Mark != PacketMark.None)
        {
            json.WriteString("mark", MarkName(e.Mark));
        }
    }

    /// <summary>The payload: <c>type</c> and <c>payload</c> (its text), or for an exception <c>type</c> (full name) and <c>error</c>.</summary>
    internal static void WritePayload(Utf8JsonWriter json, object? payload)
    {
        if (payload is Exception ex)
        {
            json.WriteString("type", ex.GetType().FullName);
            json.WriteString("error", ex.Message);
        }
        else if (payload is not null)
        {
            json.WriteString("type", payload.GetType().Name);
            json.WriteString("payload", payload.ToString());
        }
    }
}
