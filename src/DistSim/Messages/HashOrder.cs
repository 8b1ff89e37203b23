using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.Specialized;
using System.Reflection;

namespace DistSim.Messages;

/// <summary>
/// Collections that enumerate in the order of their elements' hash codes, which for strings (and anything hashed by
/// identity) .NET draws anew in every process: their enumeration order is not a property of their contents. The
/// encoding writes their elements in a canonical order instead — sorted by each element's own encoding (a dictionary
/// entry by its key's) — so that the bytes, and every MAC and signature over them, are the same in every process.
/// </summary>
/// <remarks>
/// <see cref="Dictionary{TKey,TValue}"/> and <see cref="HashSet{T}"/> enumerate in insertion order (whatever the hash
/// codes), so they keep their enumeration order, as do sorted and ordered collections.
/// </remarks>
internal static class HashOrder
{
    /// <summary>Whether <paramref name="type"/> (or a base of it) enumerates in hash order.</summary>
    public static bool Applies(Type type)
    {
        for (Type? b = type; b is not null; b = b.BaseType)
        {
            if (b == typeof(Hashtable) || b == typeof(HybridDictionary) || b == typeof(StringDictionary))
            {
                return true;
            }

            if (b.IsGenericType)
            {
                Type d = b.GetGenericTypeDefinition();
                if (d == typeof(ImmutableHashSet<>) || d == typeof(ImmutableDictionary<,>) || d == typeof(ConcurrentDictionary<,>)
                    || d == typeof(FrozenSet<>) || d == typeof(FrozenDictionary<,>)
                    || d == typeof(ImmutableHashSet<>.Builder) || d == typeof(ImmutableDictionary<,>.Builder))
                {
                    return true;
                }
            }
        }

        return false;
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_keys;

    private static readonly ConcurrentDictionary<Type, PropertyInfo> PairKeys = new();

    /// <summary>The elements of <paramref name="collection"/>, sorted by the encoding of each one (of its key, for an entry); ties keep their order.</summary>
    public static object?[] Canonical(IEnumerable collection)
    {
        // All keys are encoded into one reused buffer (offset, length per element), then an index is sorted.
        ArrayBufferWriter<byte> keys = t_keys ?? new ArrayBufferWriter<byte>(1024);
        t_keys = null; // a key holding a hash-ordered collection of its own gets another buffer
        keys.ResetWrittenCount();
        var items = new List<object?>();
        var spans = new List<(int Start, int Length)>();
        foreach (object? item in collection)
        {
            int start = keys.WrittenCount;
            MessageCodec.Encode(KeyOf(item), keys);
            items.Add(item);
            spans.Add((start, keys.WrittenCount - start));
        }

        ReadOnlyMemory<byte> written = keys.WrittenMemory;
        int[] order = new int[items.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = written.Span.Slice(spans[a].Start, spans[a].Length).SequenceCompareTo(written.Span.Slice(spans[b].Start, spans[b].Length));
            return c != 0 ? c : a.CompareTo(b); // stable
        });
        var sorted = new object?[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            sorted[i] = items[order[i]];
        }

        t_keys = keys;
        return sorted;
    }

    private static object? KeyOf(object? item) => item switch
    {
        DictionaryEntry entry => entry.Key,
        null => null,
        _ when item.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
            => PairKeys.GetOrAdd(t, static type => type.GetProperty("Key")!).GetValue(item),
        _ => item,
    };
}
