using System.Globalization;

namespace DistSim.Nodes;

/// <summary>
/// Identifies one timer set by a node. Every timer of a run gets a new <see cref="Number"/> (1, 2, 3, …),
/// so an id is never reused; cancelling a timer that already fired or was cancelled does nothing.
/// </summary>
public readonly struct TimerId : IEquatable<TimerId>
{
    internal TimerId(long number, int slot)
    {
        Number = number;
        Slot = slot;
    }

    /// <summary>The timer's number, unique within the run (0 for <c>default</c>, which names no timer).</summary>
    public long Number { get; }

    /// <summary>Where the scheduler keeps the timer; internal bookkeeping.</summary>
    internal int Slot { get; }

    /// <summary>Equality.</summary>
    public static bool operator ==(TimerId left, TimerId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TimerId left, TimerId right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(TimerId other) => Number == other.Number;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TimerId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Number.GetHashCode();

    /// <summary><c>timer#</c> followed by the number.</summary>
    public override string ToString() => "timer#" + Number.ToString(CultureInfo.InvariantCulture);
}
