using System.Collections;

namespace DistSim.Tests.Messages;

/// <summary>A user list whose indexer does not read what its enumerator yields: a wrapper's indexer reads the list, not its enumeration.</summary>
public sealed class OffsetList(int offset, params int[] items) : IList<int>
{
    private readonly List<int> _items = [.. items];

    public int Offset { get; set; } = offset;

    public int Count => _items.Count;

    public bool IsReadOnly => false;

    public int this[int index]
    {
        get => _items[index] + Offset;
        set => _items[index] = value;
    }

    public IEnumerator<int> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(int item) => _items.IndexOf(item);

    public void Insert(int index, int item) => _items.Insert(index, item);

    public void RemoveAt(int index) => _items.RemoveAt(index);

    public void Add(int item) => _items.Add(item);

    public void Clear() => _items.Clear();

    public bool Contains(int item) => _items.Contains(item);

    public void CopyTo(int[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

    public bool Remove(int item) => _items.Remove(item);
}

/// <summary>A comparer with state: flipping <see cref="IgnoreCase"/> changes what a dictionary using it finds.</summary>
public sealed class FlipComparer(bool ignoreCase) : IEqualityComparer<string>, IComparer<string>
{
    public bool IgnoreCase { get; set; } = ignoreCase;

    private StringComparer Inner => IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public bool Equals(string? x, string? y) => Inner.Equals(x, y);

    public int GetHashCode(string obj) => StringComparer.OrdinalIgnoreCase.GetHashCode(obj); // right in both modes

    public int Compare(string? x, string? y) => Inner.Compare(x, y);
}
