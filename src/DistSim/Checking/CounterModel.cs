namespace DistSim.Checking;

/// <summary>The operations of <see cref="CounterModel"/>.</summary>
public enum CounterOperation
{
    /// <summary>Add an amount (an increment adds one).</summary>
    Add,

    /// <summary>Read the count.</summary>
    Read,
}

/// <summary>A call on a counter.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Amount">The amount added (ignored for a read); may be negative.</param>
public sealed record CounterInput(CounterOperation Kind, long Amount)
{
    /// <summary>A read.</summary>
    public static CounterInput Read { get; } = new(CounterOperation.Read, 0);

    /// <summary>An increment: adds one.</summary>
    public static CounterInput Increment { get; } = new(CounterOperation.Add, 1);

    /// <summary>Adds <paramref name="amount"/>.</summary>
    /// <param name="amount">The amount.</param>
    public static CounterInput Add(long amount) => new(CounterOperation.Add, amount);

    /// <summary><c>read</c> or <c>add(n)</c>.</summary>
    public override string ToString() => Kind == CounterOperation.Read ? "read" : $"add({Display.Of(Amount)})";
}

/// <summary>
/// A counter: an add (an increment) changes the count by its amount, wrapping around as 64-bit integers do; a read
/// returns the count. The output of an add is not checked.
/// </summary>
/// <param name="initial">The count before the first add.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CounterModel(long initial = 0) : ISequentialModel<long, CounterInput, long>
{
    /// <summary>A counter from zero.</summary>
    public static CounterModel Instance { get; } = new();

    /// <summary>The count before the first add.</summary>
    public long Initial { get; } = initial;

    /// <inheritdoc />
    public (bool Legal, long Next) Step(long state, CounterInput input, long output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind switch
        {
            CounterOperation.Add => (true, unchecked(state + input.Amount)),
            CounterOperation.Read => (output == state, state),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "not a CounterOperation"),
        };
    }

    /// <summary>A pending read may have returned anything and changes nothing; a pending add takes effect.</summary>
    /// <param name="state">The count before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">Ignored.</param>
    public (bool Legal, long Next) StepPending(long state, CounterInput input, long output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind == CounterOperation.Read ? (true, state) : Step(state, input, output);
    }
}
