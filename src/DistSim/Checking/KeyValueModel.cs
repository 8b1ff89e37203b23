namespace DistSim.Checking;

/// <summary>An operation on one key of a key-value store.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value put or appended (ignored for a get).</param>
public sealed record KvInput(KvOperation Kind, string Key, string Value);

/// <summary>The operations of <see cref="KeyValueModel"/>.</summary>
public enum KvOperation
{
    /// <summary>Read the value ("" when unset).</summary>
    Get,

    /// <summary>Set the value.</summary>
    Put,

    /// <summary>Append to the value.</summary>
    Append,
}

/// <summary>
/// The sequential specification of one key of a key-value store: a get returns the current value
/// ("" when unset), a put sets it, an append concatenates. The output of a put or an append is not checked.
/// Check each key on its own (operations on different keys are independent).
/// </summary>
public sealed class KeyValueModel : ISequentialModel<string, KvInput, string?>
{
    /// <summary>The model.</summary>
    public static KeyValueModel Instance { get; } = new();

    /// <inheritdoc />
    public string Initial => string.Empty;

    /// <inheritdoc />
    public (bool Legal, string Next) Step(string state, KvInput input, string? output) => input.Kind switch
    {
        KvOperation.Get => (output == state, state),
        KvOperation.Put => (true, input.Value),
        _ => (true, state + input.Value),
    };
}
