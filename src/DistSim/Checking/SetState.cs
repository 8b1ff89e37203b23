using System.Collections.Immutable;

namespace DistSim.Checking;

/// <summary>The state of <see cref="SetModel{TElement}"/>: an immutable set with value equality (equal elements, any order).</summary>
/// <typeparam name="TElement">The elements.</typeparam>
public sealed class SetState<TElement> : IEquatable<SetState<TElement>>
{
    private readonly ImmutableHashSet<TElement> _elements;
    private readonly int _hash;

    private SetState(ImmutableHashSet<TElement> elements)
    {
        _elements = elements;
        int hash = elements.Count;
        foreach (TElement e in elements)
        {
            hash ^= e is null ? 0x2545F491 : EqualityComparer<TElement>.Default.GetHashCode(e) * 0x3C6EF372;
        }

        _hash = hash;
    }

    /// <summary>The empty set.</summary>
    public static SetState<TElement> Empty { get; } = new(ImmutableHashSet<TElement>.Empty);

    /// <summary>The elements, in no particular order.</summary>
    public IReadOnlyCollection<TElement> Elements => _elements;

    /// <summary>How many elements there are.</summary>
    public int Count => _elements.Count;

    /// <summary>Whether <paramref name="element"/> is present.</summary>
    /// <param name="element">The element.</param>
    public bool Contains(TElement element) => _elements.Contains(element);

    /// <summary>This set with <paramref name="element"/> added.</summary>
    /// <param name="element">The element.</param>
    public SetState<TElement> With(TElement element) => _elements.Contains(element) ? this : new(_elements.Add(element));

    /// <summary>This set without <paramref name="element"/>.</summary>
    /// <param name="element">The element.</param>
    public SetState<TElement> Without(TElement element) => _elements.Contains(element) ? new(_elements.Remove(element)) : this;

    /// <summary>Whether <paramref name="elements"/> holds exactly the elements of this set (order and repeats aside).</summary>
    /// <param name="elements">The elements to compare with.</param>
    public bool SetEquals(IEnumerable<TElement> elements) => _elements.SetEquals(elements);

    /// <inheritdoc />
    public bool Equals(SetState<TElement>? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _elements.SetEquals(other._elements)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SetState<TElement>);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>The elements sorted by their text: <c>{a, b}</c>.</summary>
    public override string ToString() => Show(_elements);

    internal static string Show(IEnumerable<TElement> elements) =>
        "{" + string.Join(", ", elements.Select(e => Display.Of(e)).Order(StringComparer.Ordinal)) + "}";
}
