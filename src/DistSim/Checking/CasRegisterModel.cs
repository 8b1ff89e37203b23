namespace DistSim.Checking;

/// <summary>The operations of <see cref="CasRegisterModel{TValue}"/>.</summary>
public enum CasRegisterOperation
{
    /// <summary>Read the value.</summary>
    Read,

    /// <summary>Set the value.</summary>
    Write,

    /// <summary>Set the value to <see cref="CasRegisterInput{TValue}.Value"/> if it is <see cref="CasRegisterInput{TValue}.Expected"/>.</summary>
    CompareAndSet,
}

/// <summary>A call on a compare-and-set register.</summary>
/// <typeparam name="TValue">The register's values.</typeparam>
/// <param name="Kind">What it does.</param>
/// <param name="Value">The value written, or set by a successful compare-and-set (ignored for a read).</param>
/// <param name="Expected">The value a compare-and-set compares with (ignored otherwise).</param>
public sealed record CasRegisterInput<TValue>(CasRegisterOperation Kind, TValue Value, TValue Expected)
{
    /// <summary>A read.</summary>
    public static CasRegisterInput<TValue> Read { get; } = new(CasRegisterOperation.Read, default!, default!);

    /// <summary>A write of <paramref name="value"/>.</summary>
    /// <param name="value">The value written.</param>
    public static CasRegisterInput<TValue> Write(TValue value) => new(CasRegisterOperation.Write, value, default!);

    /// <summary>A compare-and-set: from <paramref name="expected"/> to <paramref name="value"/>.</summary>
    /// <param name="expected">The value it compares with.</param>
    /// <param name="value">The value it sets if the comparison holds.</param>
    public static CasRegisterInput<TValue> CompareAndSet(TValue expected, TValue value) => new(CasRegisterOperation.CompareAndSet, value, expected);

    /// <summary><c>read</c>, <c>write(v)</c> or <c>cas(expected→v)</c>.</summary>
    public override string ToString() => Kind switch
    {
        CasRegisterOperation.Read => "read",
        CasRegisterOperation.Write => $"write({Display.Of(Value)})",
        _ => $"cas({Display.Of(Expected)}→{Display.Of(Value)})",
    };
}

/// <summary>The answer of a compare-and-set register.</summary>
/// <typeparam name="TValue">The register's values.</typeparam>
/// <param name="Value">What a read returned (ignored for the other operations).</param>
/// <param name="Succeeded">Whether a compare-and-set found the expected value and set the new one (ignored for the other operations).</param>
public readonly record struct CasRegisterOutput<TValue>(TValue Value, bool Succeeded)
{
    /// <summary>The answer of a read that returned <paramref name="value"/>.</summary>
    /// <param name="value">The value read.</param>
    public static CasRegisterOutput<TValue> Read(TValue value) => new(value, false);

    /// <summary>The answer of a compare-and-set.</summary>
    /// <param name="succeeded">Whether it set the value.</param>
    public static CasRegisterOutput<TValue> CompareAndSet(bool succeeded) => new(default!, succeeded);

    /// <summary>The answer of a write (nothing to check).</summary>
    public static CasRegisterOutput<TValue> Written => default;

    /// <summary>The value and the success flag.</summary>
    public override string ToString() => $"{Display.Of(Value)}{(Succeeded ? " (swapped)" : string.Empty)}";
}

/// <summary>
/// A compare-and-set register (Knossos's <c>cas-register</c>, the etcd model of Porcupine): a read returns the current
/// value; a write sets it; a compare-and-set sets it to a new value exactly when it holds the expected one, and its
/// answer says whether it did. A compare-and-set that failed because it found another value is an answer
/// (<see cref="CasRegisterOutput{TValue}.CompareAndSet"/> with false: the register did not hold the expected value);
/// one that failed without running (refused, timed out before sending) should be left out of the history
/// (<see cref="History{TInput, TOutput}.Fail"/>), as Jepsen's <c>:fail</c>.
/// </summary>
/// <typeparam name="TValue">The values, compared with <see cref="EqualityComparer{T}.Default"/>; use a nullable type for a register that can be empty.</typeparam>
/// <param name="initial">The value before the first write.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CasRegisterModel<TValue>(TValue initial) : ISequentialModel<TValue, CasRegisterInput<TValue>, CasRegisterOutput<TValue>>
{
    private static readonly EqualityComparer<TValue> Values = EqualityComparer<TValue>.Default;

    /// <summary>The value before the first write.</summary>
    public TValue Initial { get; } = initial;

    /// <inheritdoc />
    public (bool Legal, TValue Next) Step(TValue state, CasRegisterInput<TValue> input, CasRegisterOutput<TValue> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (input.Kind)
        {
            case CasRegisterOperation.Read:
                return (Values.Equals(output.Value, state), state);
            case CasRegisterOperation.Write:
                return (true, input.Value);
            case CasRegisterOperation.CompareAndSet:
                bool matches = Values.Equals(state, input.Expected);
                return (matches == output.Succeeded, matches ? input.Value : state);
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "not a CasRegisterOperation");
        }
    }

    /// <summary>
    /// A pending read may have returned anything; a pending write takes effect; a pending compare-and-set, if it took
    /// effect, set the value exactly when the register held the expected one.
    /// </summary>
    /// <param name="state">The value before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">Ignored.</param>
    public (bool Legal, TValue Next) StepPending(TValue state, CasRegisterInput<TValue> input, CasRegisterOutput<TValue> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind switch
        {
            CasRegisterOperation.Read => (true, state),
            CasRegisterOperation.CompareAndSet => (true, Values.Equals(state, input.Expected) ? input.Value : state),
            _ => Step(state, input, output),
        };
    }
}
