namespace DistSim.Messages;

/// <summary>
/// The last few types looked up and what was found for each (a copy plan, a type's hash), compared by reference: the
/// kernel asks per message what to do with its type, and a simulation sends a handful of types in turn, so a one-entry
/// cache missed at nearly every message of a request/reply protocol and fell through to a hash table. A miss tells the
/// caller to look in its own table and <see cref="Add"/> the answer. Not thread-safe: one per simulation or per thread.
/// </summary>
/// <typeparam name="T">What is kept per type.</typeparam>
internal sealed class TypeMemo<T>
{
    /// <summary>How many types are kept; beyond that the oldest entry is replaced.</summary>
    public const int Capacity = 8;

    private readonly Type?[] _types = new Type?[Capacity];
    private readonly T[] _values = new T[Capacity];
    private int _next;

    /// <summary>Finds what was kept for <paramref name="type"/>, if it is among the last types added.</summary>
    /// <param name="type">The type (compared by reference: a type has one <see cref="Type"/> object).</param>
    /// <param name="value">What was kept for it.</param>
    public bool TryGet(Type type, out T value)
    {
        Type?[] types = _types;
        for (int i = 0; i < types.Length; i++)
        {
            if (ReferenceEquals(types[i], type))
            {
                value = _values[i];
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> for <paramref name="type"/>, in place of the oldest entry once full.</summary>
    /// <param name="type">The type, not kept yet.</param>
    /// <param name="value">What to keep for it.</param>
    public void Add(Type type, T value)
    {
        int at = _next;
        _types[at] = type;
        _values[at] = value;
        _next = (at + 1) % Capacity;
    }
}
