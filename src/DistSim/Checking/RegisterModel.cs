namespace DistSim.Checking;

/// <summary>The operations of <see cref="RegisterModel{TValue}"/>.</summary>
public enum RegisterOperation
{
    /// <summary>Read the value.</summary>
    Read,

    /// <summary>Set the value.</summary>
    Write,
}

/// <summary>A call on a read/write register.</summary>
/// <typeparam name="TValue">The register's values.</typeparam>
/// <param name="Kind">What it does.</param>
/// <param name="Value">The value written (ignored for a read).</param>
public sealed record RegisterInput<TValue>(RegisterOperation Kind, TValue Value)
{
    /// <summary>A read.</summary>
    public static RegisterInput<TValue> Read { get; } = new(RegisterOperation.Read, default!);

    /// <summary>A write of <paramref name="value"/>.</summary>
    /// <param name="value">The value written.</param>
    public static RegisterInput<TValue> Write(TValue value) => new(RegisterOperation.Write, value);

    /// <summary><c>read</c> or <c>write(v)</c>.</summary>
    public override string ToString() => Kind == RegisterOperation.Read ? "read" : $"write({Display.Of(Value)})";
}

/// <summary>
/// A read/write register (Knossos's <c>register</c>): a read returns the last value written, or the initial value.
/// The output of a read is the value it returned; the output of a write is not checked.
/// </summary>
/// <typeparam name="TValue">The values, compared with <see cref="EqualityComparer{T}.Default"/>; use a nullable type (<c>int?</c>,
/// <c>string?</c>) for a register that can be empty.</typeparam>
/// <param name="initial">The value before the first write.</param>
/// <remarks>Immutable and thread-safe. For compare-and-set, see <see cref="CasRegisterModel{TValue}"/>.</remarks>
public sealed class RegisterModel<TValue>(TValue initial) : ISequentialModel<TValue, RegisterInput<TValue>, TValue>
{
    private static readonly EqualityComparer<TValue> Values = EqualityComparer<TValue>.Default;

    /// <summary>The value before the first write.</summary>
    public TValue Initial { get; } = initial;

    /// <inheritdoc />
    public (bool Legal, TValue Next) Step(TValue state, RegisterInput<TValue> input, TValue output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind switch
        {
            RegisterOperation.Read => (Values.Equals(output, state), state),
            RegisterOperation.Write => (true, input.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "not a RegisterOperation"),
        };
    }

    /// <summary>A pending read may have returned anything and changes nothing; a pending write takes effect as usual.</summary>
    /// <param name="state">The value before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">Ignored.</param>
    public (bool Legal, TValue Next) StepPending(TValue state, RegisterInput<TValue> input, TValue output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind == RegisterOperation.Read ? (true, state) : Step(state, input, output);
    }
}
