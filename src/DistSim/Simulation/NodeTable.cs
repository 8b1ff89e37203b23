using DistSim.Nodes;

namespace DistSim;

/// <summary>
/// The nodes of a simulation, by index (their <see cref="NodeId"/>) and by name: the node table the event loop and the
/// send path look nodes up in. Records sit in one array, so a lookup is an index and a bounds check.
/// </summary>
internal sealed class NodeTable
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private NodeRecord[] _records = new NodeRecord[16];

    public NodeTable() => Ids = new NodeIdList(this);

    /// <summary>Nodes so far.</summary>
    public int Count { get; private set; }

    /// <summary>The ids 0 … <see cref="Count"/> − 1 as a read-only list (computed, not stored).</summary>
    public IReadOnlyList<NodeId> Ids { get; }

    /// <summary>The record of node <paramref name="index"/>.</summary>
    public NodeRecord this[int index]
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => (uint)index < (uint)Count ? _records[index] : throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {Count})");
    }

    /// <summary>Prefetches the record of node <paramref name="index"/> (any value: out of range, nothing). See <see cref="Prefetch"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void PrefetchRecord(int index)
    {
        if ((uint)index < (uint)Count)
        {
            Prefetch.Object(_records[index]);
        }
    }

    /// <summary>
    /// Prefetches what a handler of node <paramref name="index"/> reads beyond its record: the node object and its
    /// context (any index: out of range, nothing). Reads the record, so call it once <see cref="PrefetchRecord"/> has had time.
    /// </summary>
    public void PrefetchHandler(int index)
    {
        if ((uint)index < (uint)Count)
        {
            NodeRecord record = _records[index];
            Prefetch.Object(record.Instance);
            Prefetch.Object(record.Context);
        }
    }

    /// <summary>Whether a node is called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The index of the node called <paramref name="name"/>.</summary>
    public bool TryFind(string name, out int index) => _byName.TryGetValue(name, out index);

    /// <summary>Adds the record of node <see cref="Count"/>.</summary>
    public void Add(NodeRecord record)
    {
        if (Count == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        _records[Count++] = record;
        _byName.Add(record.Name, record.Index);
    }

    /// <summary>The ids of a table's nodes, as a read-only list computed from its count.</summary>
    private sealed class NodeIdList(NodeTable table) : IReadOnlyList<NodeId>
    {
        public int Count => table.Count;

        public NodeId this[int index] => (uint)index < (uint)table.Count
            ? new NodeId(index)
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {table.Count})");

        public IEnumerator<NodeId> GetEnumerator()
        {
            for (int i = 0; i < table.Count; i++)
            {
                yield return new NodeId(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
