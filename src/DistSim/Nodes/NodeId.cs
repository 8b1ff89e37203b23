using System.Globalization;

namespace DistSim.Nodes;

/// <summary>
/// Identifies a node within one simulation: the index in the order nodes were added (0, 1, 2, …).
/// The node's name (<see cref="Simulation.NodeName"/>) is its stable identity across runs.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>, IComparable<NodeId>
{
    /// <summary>Creates a node id from its index.</summary>
    /// <param name="value">The index, at least zero.</param>
    public NodeId(int value)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "must be >= 0");
        }

        Value = value;
    }

    /// <summary>The index of the node in the order it was added.</summary>
    public int Value { get; }

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeId left, NodeId right) => left.Value == right.Value;

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeId left, NodeId right) => left.Value != right.Value;

    /// <summary>Ordering by index.</summary>
    public static bool operator <(NodeId left, NodeId right) => left.Value < right.Value;

    /// <summary>Ordering by index.</summary>
    public static bool operator >(NodeId left, NodeId right) => left.Value > right.Value;

    /// <summary>Ordering by index.</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.Value <= right.Value;

    /// <summary>Ordering by index.</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.Value >= right.Value;

    /// <inheritdoc />
    public bool Equals(NodeId other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value;

    /// <inheritdoc />
    public int CompareTo(NodeId other) => Value.CompareTo(other.Value);

    /// <summary><c>#</c> followed by the index, e.g. <c>#3</c>.</summary>
    public override string ToString() => "#" + Value.ToString(CultureInfo.InvariantCulture);
}
