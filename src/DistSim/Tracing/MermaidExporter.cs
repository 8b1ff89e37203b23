using System.Globalization;
using System.Text;

namespace DistSim.Tracing;

/// <summary>
/// Writes a trace as a Mermaid sequence diagram: one participant per node, an arrow per delivered packet
/// (labelled with its message and send → arrival times), a crossed arrow per dropped one (with the cause),
/// and notes for crashes, restarts, partitions, pauses and Byzantine deviations. Timers are left out.
/// </summary>
internal static class MermaidExporter
{
    public static string Write(Trace trace, int maxEvents)
    {
        var sb = new StringBuilder();
        sb.Append("sequenceDiagram\n");
        var participants = trace.Events.SelectMany(e => e.Peer is { } p ? new[] { e.Node, p } : [e.Node]).Distinct().Order().ToList();
        foreach (Nodes.NodeId node in participants)
        {
            sb.Append("    participant ").Append(Name(trace, node)).Append('\n');
        }

        var sentAt = new Dictionary<long, Time.SimTime>();
        int written = 0;
        foreach (TraceEvent e in trace.Events)
        {
            if (written >= maxEvents)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    Note over {Name(trace, participants[0])}: … {trace.Events.Count - e.Index} more events (see the JSON Lines trace)\n");
                break;
            }

            string? line = e.Kind switch
            {
                TraceEventKind.Send => Remember(sentAt, e),
                TraceEventKind.Deliver =>
                    $"{Name(trace, e.Peer!.Value)}->>{Name(trace, e.Node)}: {Label(e.Payload)} [{Since(sentAt, e)} → {e.Time}]{Marked(e)}",
                TraceEventKind.Drop =>
                    $"{Name(trace, e.Node)}-x{Name(trace, e.Peer!.Value)}: {Label(e.Payload)} lost ({JsonLinesExporter.CauseName(e.Cause)}) at {e.Time}",
                TraceEventKind.DuplicateSuppressed or TraceEventKind.Rejected or TraceEventKind.Stale =>
                    $"Note over {Name(trace, e.Node)}: {JsonLinesExporter.KindName(e.Kind)} {Label(e.Payload)} at {e.Time}",
                TraceEventKind.Crash or TraceEventKind.Restart or TraceEventKind.Pause or TraceEventKind.Resume or TraceEventKind.TornWrite
                    or TraceEventKind.Byzantine or TraceEventKind.NodeFaulted =>
                    $"Note over {Name(trace, e.Node)}: {JsonLinesExporter.KindName(e.Kind)} at {e.Time}{(e.Payload is string s ? ": " + Clean(s) : string.Empty)}",
                TraceEventKind.Partition or TraceEventKind.Heal =>
                    $"Note over {Name(trace, participants[0])},{Name(trace, participants[^1])}: {Clean(e.Payload as string ?? string.Empty)} at {e.Time}",
                _ => null,
            };
            if (line is { Length: > 0 })
            {
                sb.Append("    ").Append(line).Append('\n');
                written++;
            }
        }

        return sb.ToString();
    }

    private static string Remember(Dictionary<long, Time.SimTime> sentAt, TraceEvent e)
    {
        sentAt.TryAdd(e.MessageId, e.Time);
        return string.Empty;
    }

    private static string Since(Dictionary<long, Time.SimTime> sentAt, TraceEvent e) =>
        sentAt.TryGetValue(e.MessageId, out Time.SimTime t) ? t.ToString() : "?";

    private static string Marked(TraceEvent e) => e.Mark == Network.PacketMark.None ? string.Empty : " " + JsonLinesExporter.MarkName(e.Mark).ToUpperInvariant();

    private static string Name(Trace trace, Nodes.NodeId node) => Clean(trace.NodeName(node)).Replace(' ', '_');

    private static string Label(object? payload)
    {
        string text = payload?.ToString() ?? string.Empty;
        return Clean(text.Length > 80 ? text[..77] + "…" : text);
    }

    /// <summary>Characters Mermaid reads as syntax become harmless ones.</summary>
    private static string Clean(string text) =>
        text.Replace(';', ',').Replace('#', '№').Replace('\n', ' ').Replace(':', '∶').Replace("->", "→", StringComparison.Ordinal);
}
