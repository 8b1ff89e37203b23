namespace DistSim.Checking;

/// <summary>
/// A configuration of the search, as Lowe's memoisation stores it: the set of operations linearized (a bitset, with a
/// Zobrist hash kept up to date as bits flip) and the model's state. Equal configurations lead to the same futures,
/// so the search explores each once.
/// </summary>
internal readonly struct MemoKey<TState>(ulong[] bits, ulong bitsHash, TState state, int stateHash)
{
    public ulong[] Bits { get; } = bits;

    public ulong BitsHash { get; } = bitsHash;

    public TState State { get; } = state;

    public int StateHash { get; } = stateHash;
}

/// <summary>Equality of <see cref="MemoKey{TState}"/>: hashes first, then the bits, then the states by the model's equality.</summary>
internal sealed class MemoKeyComparer<TState> : IEqualityComparer<MemoKey<TState>>
{
    public static MemoKeyComparer<TState> Instance { get; } = new();

    private static readonly EqualityComparer<TState> States = EqualityComparer<TState>.Default;

    public bool Equals(MemoKey<TState> x, MemoKey<TState> y) =>
        x.BitsHash == y.BitsHash
        && x.StateHash == y.StateHash
        && x.Bits.AsSpan().SequenceEqual(y.Bits)
        && States.Equals(x.State, y.State);

    public int GetHashCode(MemoKey<TState> key) => HashCode.Combine(key.BitsHash, key.StateHash);

    /// <summary>The state's hash by the model's equality (0 for null).</summary>
    public static int HashOf(TState state) => state is null ? 0 : States.GetHashCode(state);
}
