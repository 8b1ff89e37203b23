using System.Globalization;
using System.Text;
using System.Text.Json;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Failures;

/// <summary>
/// The JSON form of a <see cref="FaultSchedule"/>: <c>{"version":1,"scriptsMessages":…,"faultsEnd":ticks|null,"faults":[…]}</c>,
/// each fault an object with <c>type</c> (crash, restart, pause, partition, cut, isolate, heal, clock-step, message, none),
/// <c>at</c> in ticks, and its own members (see <c>docs/concepts/exploration.md</c>).
/// </summary>
internal static class FaultScheduleJson
{
    public static string Write(FaultSchedule schedule, bool indented)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteBoolean("scriptsMessages", schedule.ScriptsMessages);
            if (schedule.FaultsEnd is { } end)
            {
                json.WriteNumber("faultsEnd", end.Ticks);
            }
            else
            {
                json.WriteNull("faultsEnd");
            }

            json.WriteStartArray("faults");
            foreach (Fault fault in schedule.Faults)
            {
                WriteFault(json, fault);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteFault(Utf8JsonWriter json, Fault fault)
    {
        json.WriteStartObject();
        switch (fault)
        {
            case CrashFault c:
                Head(json, "crash", c.At);
                json.WriteNumber("node", c.Node.Value);
                Length(json, "downtime", c.Downtime);
                break;
            case RestartFault r:
                Head(json, "restart", r.At);
                json.WriteNumber("node", r.Node.Value);
                break;
            case PauseFault p:
                Head(json, "pause", p.At);
                json.WriteNumber("node", p.Node.Value);
                json.WriteNumber("duration", p.Duration.Ticks);
                break;
            case PartitionFault p:
                Head(json, "partition", p.At);
                json.WriteStartArray("groups");
                foreach (IReadOnlyList<NodeId> group in p.Groups)
                {
                    json.WriteStartArray();
                    foreach (NodeId node in group)
                    {
                        json.WriteNumberValue(node.Value);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                Length(json, "duration", p.Duration);
                break;
            case CutFault c:
                Head(json, "cut", c.At);
                json.WriteNumber("from", c.From.Value);
                json.WriteNumber("to", c.To.Value);
                Length(json, "duration", c.Duration);
                break;
            case IsolateFault i:
                Head(json, "isolate", i.At);
                json.WriteNumber("node", i.Node.Value);
                Length(json, "duration", i.Duration);
                break;
            case HealFault h:
                Head(json, "heal", h.At);
                break;
            case ClockStepFault s:
                Head(json, "clock-step", s.At);
                json.WriteNumber("node", s.Node.Value);
                json.WriteNumber("jump", s.Jump.Ticks);
                break;
            case NoFault n:
                Head(json, "none", n.At);
                json.WriteString("reason", n.Reason);
                break;
            case MessageFault m:
                Head(json, "message", m.At);
                json.WriteString("kind", KindName(m.Kind));
                json.WriteNumber("from", m.From.Value);
                json.WriteNumber("to", m.To.Value);
                json.WriteNumber("packet", m.Packet);
                if (m.Copy)
                {
                    json.WriteBoolean("copy", true);
                }

                break;
            default:
                throw new NotSupportedException($"fault type {fault.GetType().Name} has no JSON form");
        }

        json.WriteEndObject();
    }

    private static void Head(Utf8JsonWriter json, string type, SimTime at)
    {
        json.WriteString("type", type);
        json.WriteNumber("at", at.Ticks);
    }

    private static void Length(Utf8JsonWriter json, string name, TimeSpan? length)
    {
        if (length is { } d)
        {
            json.WriteNumber(name, d.Ticks);
        }
    }

    private static string KindName(MessageFaultKind kind) => kind switch
    {
        MessageFaultKind.Loss => "loss",
        MessageFaultKind.Duplicate => "duplicate",
        MessageFaultKind.SendOmission => "send-omission",
        _ => "receive-omission",
    };

    public static FaultSchedule Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a fault schedule: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"not a fault schedule: expected a JSON object, found {root.ValueKind}");
            }

            long version = Long(root, "version", "the schedule");
            if (version != 1)
            {
                throw new FormatException($"version: {version} is not a version this DistSim reads (1)");
            }

            bool scripts = Flag(root, "scriptsMessages", "the schedule");
            SimTime? end = root.TryGetProperty("faultsEnd", out JsonElement e) && e.ValueKind != JsonValueKind.Null
                ? new SimTime(NonNegative(e, "faultsEnd", "the schedule"))
                : null;
            if (!root.TryGetProperty("faults", out JsonElement faults) || faults.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("faults: missing, or not an array");
            }

            var list = new List<Fault>();
            int index = 0;
            foreach (JsonElement f in faults.EnumerateArray())
            {
                list.Add(ReadFault(f, string.Create(CultureInfo.InvariantCulture, $"fault {index}")));
                index++;
            }

            try
            {
                return new FaultSchedule(list, scripts) { FaultsEnd = end };
            }
            catch (ArgumentException x)
            {
                throw new FormatException(x.Message, x);
            }
        }
    }

    private static Fault ReadFault(JsonElement f, string where)
    {
        if (f.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: expected an object, found {f.ValueKind}");
        }

        string type = Text(f, "type", where);
        var at = new SimTime(NonNegative(Member(f, "at", where), "at", where));
        return type switch
        {
            "crash" => new CrashFault(at, Node(f, "node", where), Span(f, "downtime", where)),
            "restart" => new RestartFault(at, Node(f, "node", where)),
            "pause" => new PauseFault(at, Node(f, "node", where), Span(f, "duration", where) ?? throw new FormatException($"{where}: duration: missing")),
            "partition" => new PartitionFault(at, Groups(f, where), Span(f, "duration", where)),
            "cut" => new CutFault(at, Node(f, "from", where), Node(f, "to", where), Span(f, "duration", where)),
            "isolate" => new IsolateFault(at, Node(f, "node", where), Span(f, "duration", where)),
            "heal" => new HealFault(at),
            "none" => new NoFault(at, Text(f, "reason", where)),
            "clock-step" => new ClockStepFault(at, Node(f, "node", where), TimeSpan.FromTicks(Long(f, "jump", where))),
            "message" => new MessageFault(at, Node(f, "from", where), Node(f, "to", where), Long(f, "packet", where), Kind(Text(f, "kind", where), where),
                Flag(f, "copy", where)),
            _ => throw new FormatException($"{where}: type: \"{type}\" is not a fault type (crash, restart, pause, partition, cut, isolate, heal, clock-step, message, none)"),
        };
    }

    private static MessageFaultKind Kind(string kind, string where) => kind switch
    {
        "loss" => MessageFaultKind.Loss,
        "duplicate" => MessageFaultKind.Duplicate,
        "send-omission" => MessageFaultKind.SendOmission,
        "receive-omission" => MessageFaultKind.ReceiveOmission,
        _ => throw new FormatException($"{where}: kind: \"{kind}\" is not a message fault (loss, duplicate, send-omission, receive-omission)"),
    };

    private static IReadOnlyList<IReadOnlyList<NodeId>> Groups(JsonElement f, string where)
    {
        JsonElement groups = Member(f, "groups", where);
        if (groups.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{where}: groups: expected an array of arrays of node numbers");
        }

        var result = new List<IReadOnlyList<NodeId>>();
        foreach (JsonElement g in groups.EnumerateArray())
        {
            if (g.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{where}: groups: expected an array of arrays of node numbers");
            }

            result.Add([.. g.EnumerateArray().Select(n => new NodeId(checked((int)NonNegative(n, "groups", where))))]);
        }

        return result;
    }

    /// <summary>An optional boolean member: absent is false; anything but true or false is an error (never silently false).</summary>
    private static bool Flag(JsonElement f, string name, string where) =>
        !f.TryGetProperty(name, out JsonElement value) ? false
        : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException($"{where}: {name}: expected true or false, found {value}"),
        };

    private static JsonElement Member(JsonElement f, string name, string where) =>
        f.TryGetProperty(name, out JsonElement value) ? value : throw new FormatException($"{where}: {name}: missing");

    private static string Text(JsonElement f, string name, string where)
    {
        JsonElement value = Member(f, name, where);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{where}: {name}: expected a string, found {value.ValueKind}");
    }

    private static long Long(JsonElement f, string name, string where)
    {
        JsonElement value = Member(f, name, where);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n)
            ? n
            : throw new FormatException($"{where}: {name}: expected a whole number, found {value}");
    }

    private static long NonNegative(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n >= 0
            ? n
            : throw new FormatException($"{where}: {name}: expected a whole number >= 0, found {value}");

    private static NodeId Node(JsonElement f, string name, string where)
    {
        long n = NonNegative(Member(f, name, where), name, where);
        return n <= int.MaxValue ? new NodeId((int)n) : throw new FormatException($"{where}: {name}: {n} is not a node number");
    }

    private static TimeSpan? Span(JsonElement f, string name, string where) =>
        f.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? TimeSpan.FromTicks(NonNegative(value, name, where))
            : null;
}
