using System.Globalization;
using System.Text.Json;

namespace DistSim.Tracing;

/// <summary>
/// Writes a trace in the Chrome trace-event format (JSON object form), which Perfetto and <c>chrome://tracing</c> open:
/// one process for the run, one track (thread) per node, every handler as a slice, every delivered packet as a flow
/// arrow from the handler that sent it to the handler that received it, and drops, faults, link and adversary events as
/// instant events. See <c>docs/concepts/trace.md</c>.
/// </summary>
/// <remarks>
/// Handlers take no virtual time, so each slice is drawn one tick (0.1 µs) wide; handlers of one node at one instant are
/// laid end to end. A slice's <c>args.time</c> is the exact virtual time in seconds and <c>args.index</c> the event's index
/// in the trace, so nothing is lost by the layout.
/// </remarks>
internal static class ChromeTraceExporter
{
    /// <summary>The process id of the run's tracks.</summary>
    public const int Pid = 1;

    /// <summary>The width of a handler slice, in microseconds (one tick).</summary>
    public const double SliceWidth = 0.1;

    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Trace trace, Stream utf8)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            using var json = new Utf8JsonWriter(utf8, Options);
            new Writer(trace, json).Write();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>The track (thread id) of a node: its id plus one (0 is the network's track).</summary>
    private static int Tid(Nodes.NodeId node) => node.Value + 1;

    private static double Micros(Time.SimTime t) => t.Ticks / 10.0;

    private sealed class Writer(Trace trace, Utf8JsonWriter json)
    {
        // Per node: where its last slice ends and the virtual time and start of the handler slice now open.
        private readonly Dictionary<int, double> _end = [];
        private readonly Dictionary<int, (long Ticks, double Ts)> _open = [];
        // Per origin position (the event that put a packet on the wire): the flows (delivery indices) that start there.
        private readonly Dictionary<int, List<long>> _flowsFrom = [];
        private readonly Dictionary<long, double> _flowStart = [];
        private int[] _origins = [];

        public void Write()
        {
            IReadOnlyList<TraceEvent> events = trace.Events;
            _origins = PacketOrigins.Compute(events);
            for (int k = 0; k < events.Count; k++)
            {
                if (events[k].Kind == TraceEventKind.Deliver && _origins[k] >= 0)
                {
                    if (!_flowsFrom.TryGetValue(_origins[k], out List<long>? flows))
                    {
                        _flowsFrom[_origins[k]] = flows = [];
                    }

                    flows.Add(events[k].Index);
                }
            }

            json.WriteStartObject();
            json.WriteStartArray("traceEvents");
            WriteMetadata();
            for (int k = 0; k < events.Count; k++)
            {
                WriteEvent(events[k], k);
            }

            json.WriteEndArray();
            json.WriteString("displayTimeUnit", "ms");
            json.WriteStartObject("otherData");
            json.WriteNumber("seed", trace.Seed);
            json.WriteString("fingerprint", trace.FingerprintHex);
            json.WriteNumber("events", trace.Count);
            json.WriteNumber("recorded", trace.Events.Count);
            json.WriteBoolean("truncated", trace.IsTruncated);
            json.WriteString("timeUnit", "virtual microseconds; handler slices are drawn one tick (0.1 us) wide");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        private void WriteMetadata()
        {
            Metadata(0, "process_name", "name", $"DistSim run, seed {trace.Seed}", process: true);
            Metadata(0, "thread_name", "name", "network");
            Metadata(0, "thread_sort_index", "sort_index", -1);
            var nodes = new SortedSet<int>();
            foreach (TraceEvent e in trace.Events)
            {
                nodes.Add(e.Node.Value);
                if (e.Peer is { } p)
                {
                    nodes.Add(p.Value);
                }
            }

            foreach (int n in nodes)
            {
                var id = new Nodes.NodeId(n);
                Metadata(Tid(id), "thread_name", "name", trace.NodeName(id));
                Metadata(Tid(id), "thread_sort_index", "sort_index", n);
            }
        }

        private void Metadata(int tid, string name, string key, object value, bool process = false)
        {
            json.WriteStartObject();
            json.WriteString("ph", "M");
            json.WriteString("name", name);
            json.WriteNumber("pid", Pid);
            if (!process)
            {
                json.WriteNumber("tid", tid);
            }

            json.WriteStartObject("args");
            if (value is int i)
            {
                json.WriteNumber(key, i);
            }
            else
            {
                json.WriteString(key, (string)value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        private void WriteEvent(TraceEvent e, int position)
        {
            if (_flowsFrom.TryGetValue(position, out List<long>? flows))
            {
                // A forged or replayed packet was put on the wire by the in-transit adversary, not by the node it names:
                // its arrow starts on the network's track.
                bool adversary = e.Kind is TraceEventKind.Forged or TraceEventKind.Replayed;
                double from = adversary ? Slice(e, JsonLinesExporter.KindName(e.Kind) + " " + Label(e.Payload), tid: 0, category: "adversary") : Binding(e);
                foreach (long flow in flows)
                {
                    Flow(e, flow, "s", from, adversary ? 0 : Tid(e.Node));
                    _flowStart[flow] = from;
                }
            }

            switch (e.Kind)
            {
                case TraceEventKind.NodeStarted:
                    Slice(e, e.Payload is "recover" ? "recover" : "start");
                    break;
                case TraceEventKind.Deliver:
                    // A delivery at the instant of its send (no delay) is laid out after the send's slice, so no arrow points back.
                    double at = Slice(e, Label(e.Payload), _flowStart.GetValueOrDefault(e.Index, 0));
                    if (_origins[position] >= 0)
                    {
                        Flow(e, e.Index, "f", at, Tid(e.Node));
                    }

                    break;
                case TraceEventKind.TimerFired:
                    Slice(e, "timer " + Label(e.Payload));
                    break;
                case TraceEventKind.Continued:
                    Slice(e, "continue");
                    break;
                case TraceEventKind.Send:
                    break;
                case TraceEventKind.Drop:
                    Instant(e, "drop", "t", $"drop ({JsonLinesExporter.CauseName(e.Cause)}) {Label(e.Payload)}");
                    break;
                case TraceEventKind.Partition or TraceEventKind.Heal:
                    Instant(e, "fault", "g");
                    break;
                case TraceEventKind.Crash or TraceEventKind.Restart or TraceEventKind.Pause or TraceEventKind.Resume or TraceEventKind.ClockStep
                    or TraceEventKind.TornWrite or TraceEventKind.Byzantine or TraceEventKind.NodeFaulted:
                    Instant(e, "fault", "t");
                    break;
                case TraceEventKind.TimerSet or TraceEventKind.TimerCancelled:
                    Instant(e, "timer", "t");
                    break;
                default:
                    Instant(e, e.Kind is TraceEventKind.Tampered or TraceEventKind.Forged or TraceEventKind.Replayed ? "adversary" : "link", "t");
                    break;
            }
        }

        /// <summary>Draws a handler slice at the node's next free place at or after its time; returns where its flows bind.</summary>
        private double Slice(TraceEvent e, string name, double notBefore = 0, int? tid = null, string category = "handler")
        {
            int track = tid ?? Tid(e.Node);
            double ts = Math.Max(Math.Max(Micros(e.Time), _end.GetValueOrDefault(track, 0)), notBefore);
            _end[track] = ts + SliceWidth;
            _open[track] = (e.Time.Ticks, ts);
            json.WriteStartObject();
            json.WriteString("ph", "X");
            json.WriteString("cat", category);
            json.WriteString("name", name);
            json.WriteNumber("pid", Pid);
            json.WriteNumber("tid", track);
            json.WriteNumber("ts", Round(ts));
            json.WriteNumber("dur", SliceWidth);
            Args(e);
            json.WriteEndObject();
            return ts + (SliceWidth / 2);
        }

        /// <summary>Where a send binds: inside the handler slice open at its instant, or a slice of its own if none is.</summary>
        private double Binding(TraceEvent e)
        {
            int tid = Tid(e.Node);
            return _open.TryGetValue(tid, out var open) && open.Ticks == e.Time.Ticks
                ? open.Ts + (SliceWidth / 2)
                : Slice(e, JsonLinesExporter.KindName(e.Kind) + " " + Label(e.Payload));
        }

        private void Flow(TraceEvent e, long id, string phase, double ts, int tid)
        {
            json.WriteStartObject();
            json.WriteString("ph", phase);
            json.WriteString("cat", "message");
            json.WriteString("name", "message");
            json.WriteNumber("id", id);
            json.WriteNumber("pid", Pid);
            json.WriteNumber("tid", tid);
            json.WriteNumber("ts", Round(ts));
            if (phase == "f")
            {
                json.WriteString("bp", "e");
            }

            json.WriteEndObject();
        }

        private void Instant(TraceEvent e, string category, string scope, string? name = null)
        {
            int tid = scope == "g" ? 0 : Tid(e.Node);
            json.WriteStartObject();
            json.WriteString("ph", "i");
            json.WriteString("cat", category);
            json.WriteString("name", name ?? JsonLinesExporter.KindName(e.Kind));
            json.WriteString("s", scope);
            json.WriteNumber("pid", Pid);
            json.WriteNumber("tid", tid);
            json.WriteNumber("ts", Round(Math.Max(Micros(e.Time), _end.GetValueOrDefault(tid, 0))));
            Args(e);
            json.WriteEndObject();
        }

        private void Args(TraceEvent e)
        {
            json.WriteStartObject("args");
            json.WriteString("kind", JsonLinesExporter.KindName(e.Kind));
            json.WriteNumber("index", e.Index);
            json.WriteNumber("time", e.Time.TotalSeconds);
            json.WriteString("node", trace.NodeName(e.Node));
            if (e.Peer is { } peer)
            {
                json.WriteString("peer", trace.NodeName(peer));
            }

            if (e.MessageId != 0)
            {
                json.WriteNumber("message", e.MessageId);
            }

            if (e.PacketId != 0)
            {
                json.WriteNumber("packet", e.PacketId);
            }

            if (e.TimerNumber != 0)
            {
                json.WriteNumber("timer", e.TimerNumber);
            }

            JsonLinesExporter.WriteCauseAndMark(json, e);
            JsonLinesExporter.WritePayload(json, e.Payload);
            json.WriteEndObject();
        }

        // Ticks are tenths of a microsecond: one decimal place is exact, and rounding removes binary noise.
        private static double Round(double micros) => Math.Round(micros, 2);

        private static string Label(object? payload) => payload switch
        {
            null => string.Empty,
            string s => s.Length > 60 ? s[..57] + "..." : s,
            _ => payload.GetType().Name,
        };
    }
}
