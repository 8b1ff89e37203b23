using System.Runtime.CompilerServices;

namespace DistSim.Messages;

/// <summary>
/// A map keyed by object identity (open addressing, linear probing, insert-only until <see cref="Clear"/>): the objects
/// met while encoding or copying one message. Cheaper than a <see cref="Dictionary{TKey,TValue}"/> with a reference
/// comparer on the hot path; not thread-safe (one per thread's encoder or copier).
/// </summary>
internal sealed class IdentityMap<TValue>
{
    private const int InitialCapacity = 32;
    private const int KeptCapacity = 1 << 14;

    private object?[] _keys = new object?[InitialCapacity];
    private TValue[] _values = new TValue[InitialCapacity];
    private int _count;

    public int Count => _count;

    /// <summary>The value slot of <paramref name="key"/>, added (default) if absent. Valid until the next call.</summary>
    public ref TValue GetOrAdd(object key, out bool exists)
    {
        if ((_count + 1) * 2 > _keys.Length)
        {
            Grow();
        }

        int mask = _keys.Length - 1;
        int i = RuntimeHelpers.GetHashCode(key) & mask;
        while (true)
        {
            object? k = _keys[i];
            if (k is null)
            {
                _keys[i] = key;
                _count++;
                exists = false;
                return ref _values[i];
            }

            if (ReferenceEquals(k, key))
            {
                exists = true;
                return ref _values[i];
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>The value of <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(object key, out TValue value)
    {
        int mask = _keys.Length - 1;
        int i = RuntimeHelpers.GetHashCode(key) & mask;
        while (true)
        {
            object? k = _keys[i];
            if (k is null)
            {
                value = default!;
                return false;
            }

            if (ReferenceEquals(k, key))
            {
                value = _values[i];
                return true;
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>Forgets every entry (and drops the storage if one message made it large).</summary>
    public void Clear()
    {
        if (_count == 0)
        {
            return;
        }

        if (_keys.Length > KeptCapacity)
        {
            _keys = new object?[InitialCapacity];
            _values = new TValue[InitialCapacity];
        }
        else
        {
            Array.Clear(_keys);
            if (RuntimeHelpers.IsReferenceOrContainsReferences<TValue>())
            {
                Array.Clear(_values);
            }
        }

        _count = 0;
    }

    private void Grow()
    {
        object?[] keys = _keys;
        TValue[] values = _values;
        _keys = new object?[keys.Length * 2];
        _values = new TValue[keys.Length * 2];
        int mask = _keys.Length - 1;
        for (int j = 0; j < keys.Length; j++)
        {
            if (keys[j] is { } key)
            {
                int i = RuntimeHelpers.GetHashCode(key) & mask;
                while (_keys[i] is not null)
                {
                    i = (i + 1) & mask;
                }

                _keys[i] = key;
                _values[i] = values[j];
            }
        }
    }
}
