using System.Globalization;
using System.Text;
using DistSim.Network;
using DistSim.Nodes;

namespace DistSim.Tracing;

/// <summary>One trace event as a line of text, e.g. <c>#12 0.0150000s deliver B &lt;- A message 3 packet 3: Ping { Round = 1 }</c>.</summary>
internal static class EventText
{
    public static string Format(in TraceEvent e, Func<NodeId, string> name)
    {
        var text = new StringBuilder(96);
        text.Append(CultureInfo.InvariantCulture, $"#{e.Index} {e.Time} {JsonLinesExporter.KindName(e.Kind)} {name(e.Node)}");
        if (e.Peer is { } peer)
        {
            text.Append(e.Kind == TraceEventKind.Deliver ? " <- " : " -> ").Append(name(peer));
        }

        if (e.MessageId != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" message {e.MessageId}");
        }

        if (e.PacketId != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" packet {e.PacketId}");
        }

        if (e.TimerNumber != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" {(e.Kind == TraceEventKind.Continued ? "incarnation" : "timer")} {e.TimerNumber}");
        }

        if (e.Cause != DropCause.None)
        {
            text.Append(" (").Append(JsonLinesExporter.CauseName(e.Cause)).Append(')');
        }

        if (e.Mark != PacketMark.None)
        {
            text.Append(" [").Append(JsonLinesExporter.MarkName(e.Mark)).Append(']');
        }

        if (e.VectorClock is { } clock)
        {
            text.Append(" vc [").AppendJoin(", ", clock).Append(']');
        }

        switch (e.Payload)
        {
            case Exception ex:
                text.Append(": ").Append(ex.GetType().Name).Append(": ").Append(ex.Message);
                break;
            case { } payload:
                text.Append(": ").Append(Convert.ToString(payload, CultureInfo.InvariantCulture));
                break;
        }

        return text.ToString();
    }
}
