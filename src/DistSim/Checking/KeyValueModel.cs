namespace DistSim.Checking;

/// <summary>An operation on one key of a key-value store.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value put or appended (ignored for a get).</param>
public sealed record KvInput(KvOperation Kind, string Key, string Value)
{
    /// <summary><c>get(k)</c>, <c>put(k, v)</c> or <c>append(k, v)</c>.</summary>
    public override string ToString() => Kind == KvOperation.Get ? $"get({Key})" : $"{Kind.ToString().ToLowerInvariant()}({Key}, {Value})";
}

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
/// The sequential specification of a key-value store of strings: a get returns the current value
/// ("" when unset; a null answer counts as ""), a put sets it, an append concatenates. The output of a put or an
/// append is not checked. Keys are independent: the model is partitioned by key (<see cref="IPartitionedModel{TInput}"/>),
/// so <see cref="Linearizability.Analyze"/> checks each key on its own and the state is the value of one key.
/// </summary>
/// <remarks>Immutable and thread-safe. The model of Porcupine's key-value tests.</remarks>
public sealed class KeyValueModel : ISequentialModel<string, KvInput, string?>, IPartitionedModel<KvInput>
{
    /// <summary>The model.</summary>
    public static KeyValueModel Instance { get; } = new();

    /// <summary>The value of a key before anything was put: the empty string.</summary>
    public string Initial => string.Empty;

    /// <inheritdoc />
    public (bool Legal, string Next) Step(string state, KvInput input, string? output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind switch
        {
            KvOperation.Get => ((output ?? string.Empty) == state, state),
            KvOperation.Put => (true, input.Value),
            KvOperation.Append => (true, state + input.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "not a KvOperation"),
        };
    }

    /// <summary>A pending get may have read anything and changes nothing; a pending put or append takes effect as usual.</summary>
    /// <param name="state">The value before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">Ignored.</param>
    public (bool Legal, string Next) StepPending(string state, KvInput input, string? output)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind == KvOperation.Get ? (true, state) : Step(state, input, output);
    }

    /// <summary>The key: operations on different keys are independent.</summary>
    /// <param name="input">The call.</param>
    public string PartitionKey(KvInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Key;
    }
}
