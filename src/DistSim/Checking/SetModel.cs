namespace DistSim.Checking;

/// <summary>The operations of <see cref="SetModel{TElement}"/>.</summary>
public enum SetOperation
{
    /// <summary>Add an element (no effect if present).</summary>
    Add,

    /// <summary>Remove an element (no effect if absent).</summary>
    Remove,

    /// <summary>Ask whether an element is present.</summary>
    Contains,

    /// <summary>Read every element.</summary>
    Read,
}

/// <summary>A call on a set.</summary>
/// <typeparam name="TElement">The elements.</typeparam>
/// <param name="Kind">What it does.</param>
/// <param name="Element">The element added, removed or looked for (ignored for a read).</param>
public sealed record SetInput<TElement>(SetOperation Kind, TElement Element)
{
    /// <summary>A read of every element.</summary>
    public static SetInput<TElement> Read { get; } = new(SetOperation.Read, default!);

    /// <summary>Adds <paramref name="element"/>.</summary>
    /// <param name="element">The element.</param>
    public static SetInput<TElement> Add(TElement element) => new(SetOperation.Add, element);

    /// <summary>Removes <paramref name="element"/>.</summary>
    /// <param name="element">The element.</param>
    public static SetInput<TElement> Remove(TElement element) => new(SetOperation.Remove, element);

    /// <summary>Asks whether <paramref name="element"/> is present.</summary>
    /// <param name="element">The element.</param>
    public static SetInput<TElement> Contains(TElement element) => new(SetOperation.Contains, element);

    /// <summary><c>read</c>, or the operation and its element: <c>add(x)</c>.</summary>
    public override string ToString() => Kind == SetOperation.Read ? "read" : $"{Kind.ToString().ToLowerInvariant()}({Display.Of(Element)})";
}

/// <summary>The answer of a set.</summary>
/// <typeparam name="TElement">The elements.</typeparam>
/// <param name="Found">What a contains answered (ignored for the other operations).</param>
/// <param name="Elements">What a read returned, in any order (ignored for the other operations).</param>
public sealed record SetOutput<TElement>(bool Found, IReadOnlyCollection<TElement>? Elements)
{
    /// <summary>The answer of an add or a remove (nothing to check).</summary>
    public static SetOutput<TElement> None { get; } = new(false, null);

    /// <summary>The answer of a contains.</summary>
    /// <param name="found">Whether the element was present.</param>
    public static SetOutput<TElement> Contains(bool found) => new(found, null);

    /// <summary>The answer of a read.</summary>
    /// <param name="elements">The elements returned.</param>
    public static SetOutput<TElement> Read(IEnumerable<TElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        return new(false, [.. elements]);
    }

    /// <summary>The elements read (sorted by their text), or what a contains found.</summary>
    public override string ToString() => Elements is null ? (Found ? "true" : "false") : SetState<TElement>.Show(Elements);
}

/// <summary>
/// A set (Knossos's <c>set</c>, with removal and membership added): add and remove change it; contains answers whether
/// an element is present; a read returns every element, compared as a set (order and repeats do not matter).
/// The outputs of add and remove are not checked.
/// </summary>
/// <typeparam name="TElement">The elements, compared with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
/// <remarks>Immutable and thread-safe; the state is an immutable <see cref="SetState{TElement}"/> with value equality.</remarks>
public sealed class SetModel<TElement> : ISequentialModel<SetState<TElement>, SetInput<TElement>, SetOutput<TElement>>
{
    /// <summary>The model of a set that starts empty.</summary>
    public static SetModel<TElement> Instance { get; } = new();

    /// <summary>The empty set.</summary>
    public SetState<TElement> Initial => SetState<TElement>.Empty;

    /// <inheritdoc />
    public (bool Legal, SetState<TElement> Next) Step(SetState<TElement> state, SetInput<TElement> input, SetOutput<TElement> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind switch
        {
            SetOperation.Add => (true, state.With(input.Element)),
            SetOperation.Remove => (true, state.Without(input.Element)),
            SetOperation.Contains => (output is not null && output.Found == state.Contains(input.Element), state),
            SetOperation.Read => (output?.Elements is { } read && state.SetEquals(read), state),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "not a SetOperation"),
        };
    }

    /// <summary>A pending contains or read may have answered anything and changes nothing; a pending add or remove takes effect.</summary>
    /// <param name="state">The set before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">Ignored.</param>
    public (bool Legal, SetState<TElement> Next) StepPending(SetState<TElement> state, SetInput<TElement> input, SetOutput<TElement> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind is SetOperation.Contains or SetOperation.Read ? (true, state) : Step(state, input, output);
    }
}
