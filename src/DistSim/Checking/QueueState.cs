using System.Collections.Immutable;

namespace DistSim.Checking;

/// <summary>The state of <see cref="FifoQueueModel{TElement}"/>: an immutable queue with value equality (equal elements in equal order).</summary>
/// <typeparam name="TElement">The elements.</typeparam>
public sealed class QueueState<TElement> : IEquatable<QueueState<TElement>>
{
    private static readonly EqualityComparer<TElement> Elements = EqualityComparer<TElement>.Default;
    private readonly ImmutableList<TElement> _items;
    private readonly int _hash;

    private QueueState(ImmutableList<TElement> items)
    {
        _items = items;
        var hash = new HashCode();
        foreach (TElement e in items)
        {
            hash.Add(e, Elements);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The empty queue.</summary>
    public static QueueState<TElement> Empty { get; } = new(ImmutableList<TElement>.Empty);

    /// <summary>The elements, head first.</summary>
    public IReadOnlyList<TElement> Items => _items;

    /// <summary>How many elements are queued.</summary>
    public int Count => _items.Count;

    /// <summary>The element at the head.</summary>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    public TElement Head => _items.Count > 0 ? _items[0] : throw new InvalidOperationException("the queue is empty: it has no head");

    /// <summary>This queue with <paramref name="element"/> added at the tail.</summary>
    /// <param name="element">The element.</param>
    public QueueState<TElement> Enqueue(TElement element) => new(_items.Add(element));

    /// <summary>This queue without its head.</summary>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    public QueueState<TElement> Dequeue() => _items.Count > 0 ? new(_items.RemoveAt(0)) : throw new InvalidOperationException("the queue is empty: nothing to dequeue");

    /// <inheritdoc />
    public bool Equals(QueueState<TElement>? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _items.SequenceEqual(other._items, Elements)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as QueueState<TElement>);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>The elements, head first: <c>[a, b]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", _items.Select(e => Display.Of(e))) + "]";
}
