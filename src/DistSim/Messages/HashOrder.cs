using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.Specialized;

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

    /// <summary>The elements of <paramref name="collection"/>, sorted by the encoding of each one (of its key, for an entry); ties keep their order.</summary>
    public static object?[] Canonical(IEnumerable collection)
    {
        var items = new List<(byte[] Key, object? Item)>();
        foreach (object? item in collection)
        {
            items.Add((MessageCodec.Encode(KeyOf(item)), item));
        }

        return items.OrderBy(x => x.Key, ByteOrder.Instance).Select(x => x.Item).ToArray();
    }

    private static object? KeyOf(object? item) => item switch
    {
        DictionaryEntry entry => entry.Key,
        null => null,
        _ when item.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) => t.GetProperty("Key")!.GetValue(item),
        _ => item,
    };

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
