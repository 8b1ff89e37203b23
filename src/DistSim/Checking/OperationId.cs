using System.Globalization;

namespace DistSim.Checking;

/// <summary>
/// Names one operation of a <see cref="History{TInput, TOutput}"/>: what <see cref="History{TInput, TOutput}.Invoke(int, TInput)"/>
/// returns and what completes it. Ids count from 1 in invocation order; the default value names no operation.
/// </summary>
public readonly struct OperationId : IEquatable<OperationId>
{
    internal OperationId(int value) => Value = value;

    /// <summary>The operation's number: 1 for the first one invoked, 2 for the next, …; 0 for the default value.</summary>
    public int Value { get; }

    /// <summary>Equality.</summary>
    public static bool operator ==(OperationId left, OperationId right) => left.Value == right.Value;

    /// <summary>Inequality.</summary>
    public static bool operator !=(OperationId left, OperationId right) => left.Value != right.Value;

    /// <inheritdoc />
    public bool Equals(OperationId other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OperationId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value;

    /// <summary><c>#n</c>.</summary>
    public override string ToString() => "#" + Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How an operation of a <see cref="History{TInput, TOutput}"/> stands.</summary>
public enum OperationOutcome
{
    /// <summary>Invoked, not completed yet (pending if the history ends now).</summary>
    Open,

    /// <summary>Completed with an answer (<see cref="History{TInput, TOutput}.Ok"/>).</summary>
    Ok,

    /// <summary>Definitely did not take effect (<see cref="History{TInput, TOutput}.Fail"/>): left out of the checked history.</summary>
    Fail,

    /// <summary>Unknown outcome (<see cref="History{TInput, TOutput}.Info"/>): it may take effect at any time after its call, so it stays pending.</summary>
    Info,
}
