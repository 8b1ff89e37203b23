using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistSim.Samples.Bench;

/// <summary>
/// The bare reliable link's per-pair state, as a competent engineer would keep it: a flat K × K array of 24-byte
/// entries when K ≤ <see cref="FlatMax"/> (24 MiB at K = 1,000), else a dictionary keyed by the pair with a mixing
/// hash (a <see cref="long"/> key's own hash is <c>from ^ to</c>, which collides badly for rings).
/// </summary>
/// <param name="nodes">K.</param>
public sealed class BarePairTable(int nodes)
{
    /// <summary>The largest K with a flat table (at most 96 MiB).</summary>
    public const int FlatMax = 2048;

    private readonly State[]? _flat = nodes <= FlatMax ? new State[nodes * nodes] : null;
    private readonly Dictionary<long, State> _map = new(MixingComparer.Instance);

    /// <summary>The state of the ordered pair (<paramref name="from"/>, <paramref name="to"/>), created zeroed on first use.</summary>
    /// <param name="from">The data sender.</param>
    /// <param name="to">The data receiver.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref State Get(int from, int to)
    {
        if (_flat is { } flat)
        {
            return ref flat[(from * nodes) + to];
        }

        return ref CollectionsMarshal.GetValueRefOrAddDefault(_map, ((long)from << 32) | (uint)to, out _);
    }

    /// <summary>Both halves of one pair's state.</summary>
    public struct State
    {
        /// <summary>Sender: the last sequence number taken.</summary>
        public int SendNext;

        /// <summary>Sender: messages sent and not yet acknowledged.</summary>
        public int Unacknowledged;

        /// <summary>Receiver: every sequence number up to this one was delivered.</summary>
        public int Cumulative;

        /// <summary>Receiver: bit i set when sequence number <see cref="Cumulative"/> + 1 + i was delivered.</summary>
        public ulong Seen;
    }

    private sealed class MixingComparer : IEqualityComparer<long>
    {
        public static readonly MixingComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long obj) => (int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
