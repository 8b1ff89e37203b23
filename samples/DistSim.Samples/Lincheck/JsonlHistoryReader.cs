using System.Text.Json;

namespace DistSim.Samples.Lincheck;

/// <summary>
/// Reads a history in JSON Lines, one event per line (blank lines are skipped):
/// <c>{"process":0,"type":"invoke","f":"put","key":"x","value":"1","time":12}</c>. <c>process</c> is an integer
/// (or <c>"nemesis"</c>: skipped); <c>type</c> is <c>invoke</c>, <c>ok</c>, <c>fail</c> or <c>info</c>; <c>f</c> names
/// the operation; <c>key</c> (a string or number) is for key-value histories; <c>value</c> is a string, number,
/// boolean, null or array; <c>time</c> is an integer, given on every line or on none (then the line number is the
/// time). Other fields are ignored. The format is specified in <c>docs/concepts/checking.md</c>.
/// </summary>
public static class JsonlHistoryReader
{
    /// <summary>Reads the events of <paramref name="text"/> (named <paramref name="file"/> in errors).</summary>
    /// <exception cref="HistoryFileException">A line is not such an event: the message names the line and the text.</exception>
    public static List<HistoryEvent> Read(string file, string text)
    {
        var events = new List<HistoryEvent>();
        string[] lines = text.Split('\n');
        bool? timed = null;
        long last = long.MinValue;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            HistoryEvent e = ReadLine(file, i + 1, line);
            if ((timed ??= e.Time is not null) != e.Time is not null)
            {
                throw HistoryFileException.At(file, i + 1, "\"time\" must be given on every line or on none", line);
            }

            if (e.Time is { } t)
            {
                if (t < last)
                {
                    throw HistoryFileException.At(file, i + 1, $"\"time\" goes back (from {last} to {t}): events must be in time order", line);
                }

                last = t;
            }

            events.Add(e);
        }

        return events;
    }

    private static HistoryEvent ReadLine(string file, int number, string line)
    {
        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw HistoryFileException.At(file, number, $"not JSON ({ex.Message})", line);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw HistoryFileException.At(file, number, "an event must be a JSON object", line);
        }

        JsonElement Field(string name) => root.TryGetProperty(name, out JsonElement v) ? v
            : throw HistoryFileException.At(file, number, $"missing \"{name}\"", line);

        JsonElement process = Field("process");
        int? client = process.ValueKind switch
        {
            JsonValueKind.Number when process.TryGetInt32(out int p) => p,
            JsonValueKind.String when process.GetString() == "nemesis" => null,
            _ => throw HistoryFileException.At(file, number, "\"process\" must be an integer (or \"nemesis\")", line),
        };
        JsonElement type = Field("type");
        EventType kind = (type.ValueKind == JsonValueKind.String ? type.GetString() : null) switch
        {
            "invoke" => EventType.Invoke,
            "ok" => EventType.Ok,
            "fail" => EventType.Fail,
            "info" => EventType.Info,
            _ => throw HistoryFileException.At(file, number, "\"type\" must be \"invoke\", \"ok\", \"fail\" or \"info\"", line),
        };
        JsonElement f = Field("f");
        if (f.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(f.GetString()))
        {
            throw HistoryFileException.At(file, number, "\"f\" must be a non-empty string", line);
        }

        string? key = null;
        if (root.TryGetProperty("key", out JsonElement k))
        {
            key = k.ValueKind switch
            {
                JsonValueKind.String => k.GetString(),
                JsonValueKind.Number => k.GetRawText(),
                _ => throw HistoryFileException.At(file, number, "\"key\" must be a string or a number", line),
            };
        }

        HistoryDatum value = root.TryGetProperty("value", out JsonElement v) ? Datum(file, number, line, v) : HistoryDatum.Nil;
        long? time = null;
        if (root.TryGetProperty("time", out JsonElement t))
        {
            time = t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out long ticks) && ticks >= 0 && ticks < long.MaxValue ? ticks
                : throw HistoryFileException.At(file, number, "\"time\" must be an integer in [0, 2^63 - 1)", line);
        }

        return new HistoryEvent(number, client, kind, f.GetString()!, key, value, time, line);
    }

    private static HistoryDatum Datum(string file, int number, string line, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => HistoryDatum.Nil,
        JsonValueKind.String => HistoryDatum.Of(v.GetString()!),
        JsonValueKind.Number => HistoryDatum.Of(v.GetRawText()),
        JsonValueKind.True => HistoryDatum.Of("true"),
        JsonValueKind.False => HistoryDatum.Of("false"),
        JsonValueKind.Array => HistoryDatum.List([.. v.EnumerateArray().Select(item => Datum(file, number, line, item))]),
        _ => throw HistoryFileException.At(file, number, "\"value\" must be a string, number, boolean, null or array", line),
    };
}
