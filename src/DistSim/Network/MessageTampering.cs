using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DistSim.Messages;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>Generic ways for an adversary to modify a message it does not know the type of.</summary>
public static class MessageTampering
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    /// <summary>
    /// Serialises the message to JSON (public properties and public fields), changes one number (adds 1 to 1,000) or one string (appends a
    /// character), chosen with <paramref name="random"/>, and deserialises it back to the same type.
    /// Returns null when the message has no such field or does not round-trip.
    /// </summary>
    /// <param name="message">The message in flight.</param>
    /// <param name="random">The adversary's stream.</param>
    public static object? ChangeOneField(object message, RandomStream random)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(random);
        Type type = message.GetType();
        try
        {
            JsonNode? root = JsonSerializer.SerializeToNode(message, type, Json);
            var leaves = new List<(JsonNode? Parent, string? Name, JsonValue Value)>();
            Collect(root, null, null, leaves);
            if (leaves.Count == 0)
            {
                return null;
            }

            (JsonNode? parent, string? name, JsonValue value) = leaves[(int)random.NextBelow((ulong)leaves.Count)];
            JsonNode changed = Change(value, random);
            if (parent is JsonObject obj && name is not null)
            {
                obj[name] = changed;
            }
            else
            {
                root = changed;
            }

            object? tampered = root.Deserialize(type, Json);
            return tampered is null ? null : MessageCopier.DeepCopy(tampered); // a result the network can carry, or none (e.g. an object field became a JsonElement)
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null; // includes MessageEncodingException, and a constructor that rejects the changed value
        }
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? name, List<(JsonNode?, string?, JsonValue)> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (KeyValuePair<string, JsonNode?> property in obj)
                {
                    Collect(property.Value, obj, property.Key, leaves);
                }

                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.String:
                if (parent is null || parent is JsonObject)
                {
                    leaves.Add((parent, name, value));
                }

                break;
        }
    }

    private static JsonNode Change(JsonValue value, RandomStream random)
    {
        long delta = 1 + (long)random.NextBelow(1000);
        if (value.GetValueKind() == JsonValueKind.String)
        {
            return JsonValue.Create(value.GetValue<string>() + "~")!;
        }

        string text = value.ToJsonString();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
            ? JsonValue.Create(unchecked(n + delta))
            : JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture) + delta);
    }
}
