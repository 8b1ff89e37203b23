namespace DistSim.Network;

/// <summary>
/// Which directed paths are cut, and since when. Every change (partition, cut, isolation, heal) starts a
/// new epoch with an immutable state: a group per node (different groups cannot talk), isolated nodes,
/// and one-way cuts. A packet remembers the epoch it was sent in; it is lost if its path was cut in any
/// epoch of its flight, because a packet on the wire when the cable is cut does not arrive.
/// </summary>
internal sealed class PartitionTable
{
    private readonly List<State> _epochs = [State.Empty];

    /// <summary>The current epoch (0 until the first change).</summary>
    public int Epoch => _epochs.Count - 1;

    private State Current => _epochs[^1];

    public bool IsCut(int from, int to) => Current.IsCut(from, to);

    /// <summary>Whether any partition, isolation or cut is in force.</summary>
    public bool Active => Current.Active;

    /// <summary>Whether the path was cut at any time from <paramref name="sentEpoch"/> until now.</summary>
    public bool WasCutSince(int sentEpoch, int from, int to)
    {
        for (int e = sentEpoch; e < _epochs.Count; e++)
        {
            if (_epochs[e].IsCut(from, to))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Nodes of different groups are cut from each other; nodes in no group form one more group.</summary>
    public void SetGroups(IReadOnlyList<IReadOnlyList<int>> groups, int nodes)
    {
        var group = new int[nodes];
        for (int g = 0; g < groups.Count; g++)
        {
            foreach (int node in groups[g])
            {
                group[node] = g + 1;
            }
        }

        Push(Current with { Group = group });
    }

    public void Isolate(int node, int nodes)
    {
        bool[] isolated = new bool[Math.Max(nodes, Current.Isolated.Length)];
        Current.Isolated.CopyTo(isolated, 0);
        isolated[node] = true;
        Push(Current with { Isolated = isolated });
    }

    public void Cut(int from, int to) => Push(Current with { OneWay = new HashSet<long>(Current.OneWay) { Key(from, to) } });

    public void Heal() => Push(State.Empty);

    /// <summary>Starts a new epoch; a run is limited to <see cref="ScheduledEvent.EpochMax"/> partition changes (packets carry the epoch in 23 bits).</summary>
    private void Push(State state)
    {
        if (_epochs.Count > ScheduledEvent.EpochMax)
        {
            throw new InvalidOperationException($"more than {ScheduledEvent.EpochMax} partition changes in one run");
        }

        _epochs.Add(state);
    }

    private static long Key(int from, int to) => ((long)from << 32) | (uint)to;

    private sealed record State(int[] Group, bool[] Isolated, HashSet<long> OneWay)
    {
        public static readonly State Empty = new([], [], []);

        public bool Active => Group.Length > 0 || Isolated.Length > 0 || OneWay.Count > 0;

        public bool IsCut(int from, int to)
        {
            if (from == to || !Active)
            {
                return false;
            }

            return IsIsolated(from) || IsIsolated(to) || GroupOf(from) != GroupOf(to) || OneWay.Contains(Key(from, to));
        }

        private int GroupOf(int node) => node < Group.Length ? Group[node] : 0;

        private bool IsIsolated(int node) => node < Isolated.Length && Isolated[node];
    }
}
