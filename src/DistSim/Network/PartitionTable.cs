namespace DistSim.Network;

/// <summary>
/// Which directed paths are cut, and since when. Every change (partition, cut, isolation, heal) starts a
/// new epoch with an immutable state: a group per node (different groups cannot talk), isolated nodes,
/// and one-way cuts. A packet remembers the epoch it was sent in; it is lost if its path was cut in any
/// epoch of its flight, because a packet on the wire when the cable is cut does not arrive.
/// </summary>
/// <remarks>
/// Only the epochs a packet on the wire can still ask about are kept: from the oldest epoch in which a packet now in
/// flight was sent, to the current one. Each epoch counts its packets in flight (<see cref="Sent"/>, <see cref="Left"/>);
/// when the oldest kept epoch has none left, its state is released. A state holds a group per node, so at a million
/// nodes a long partition nemesis would otherwise keep 4 MB per change for the rest of the run. Counting starts at the
/// first change (until then no state but the empty one exists, and every packet in flight was sent in epoch 0). The
/// places of released epochs are reclaimed once they are half of all places, so the table's size follows the epochs
/// kept, not the number of changes.
/// </remarks>
internal sealed class PartitionTable
{
    private readonly List<State?> _epochs = [State.Empty]; // epoch _base + i at i; null once released
    private int[] _inFlight = new int[4]; // the same places, from the first change on: packets on the wire sent in it
    private int _base; // the epoch at place 0 (the places of released epochs are reclaimed now and then)
    private int _oldest; // the oldest epoch whose state is kept

    /// <summary>The current epoch (0 until the first change).</summary>
    public int Epoch => _base + _epochs.Count - 1;

    /// <summary>For tests: keep every epoch's state, as before states were released (the oracle a released run must equal).</summary>
    internal bool KeepEveryEpoch { get; set; }

    /// <summary>States kept now (for tests: it must not grow with the number of changes).</summary>
    internal int KeptStates => Epoch + 1 - _oldest;

    /// <summary>Places held for epochs (for tests: bounded by the epochs kept, not by the changes made).</summary>
    internal int Places => Math.Max(_epochs.Count, _inFlight.Length);

    private State Current => _epochs[^1]!;

    public bool IsCut(int from, int to) => Current.IsCut(from, to);

    /// <summary>Whether any partition, isolation or cut is in force.</summary>
    public bool Active => Current.Active;

    /// <summary>Whether the path was cut at any time from <paramref name="sentEpoch"/> until now.</summary>
    public bool WasCutSince(int sentEpoch, int from, int to)
    {
        if (sentEpoch < _oldest)
        {
            throw new InvalidOperationException($"partition epoch {sentEpoch} was released while a packet sent in it was in flight (oldest kept: {_oldest})");
        }

        for (int e = sentEpoch - _base; e < _epochs.Count; e++)
        {
            if (_epochs[e]!.IsCut(from, to))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A packet sent in the current epoch went on the wire.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Sent(int epoch)
    {
        if (Epoch != 0)
        {
            _inFlight[epoch - _base]++;
        }
    }

    /// <summary>
    /// A packet sent in <paramref name="epoch"/> left the wire (it arrived, or was dropped with a machine that held it).
    /// Ask <see cref="WasCutSince"/> about it first: this may release the states it needs.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Left(int epoch)
    {
        if (Epoch != 0 && --_inFlight[epoch - _base] == 0 && epoch == _oldest)
        {
            Release();
        }
    }

    private void Release()
    {
        while (!KeepEveryEpoch && _oldest < Epoch && _inFlight[_oldest - _base] == 0)
        {
            _epochs[_oldest++ - _base] = null;
        }

        int released = _oldest - _base;
        if (released >= 64 && released * 2 >= _epochs.Count)
        {
            // Reclaim the released places once they are half of them: amortised O(1) a change, and a run of any length
            // holds places only for the epochs a packet in flight still needs.
            _epochs.RemoveRange(0, released);
            Array.Copy(_inFlight, released, _inFlight, 0, _epochs.Count);
            Array.Clear(_inFlight, _epochs.Count, _inFlight.Length - _epochs.Count);
            _base = _oldest;
        }
    }

    /// <summary>Nodes of different groups are cut from each other; nodes in no group form one more group.</summary>
    /// <param name="group">1 + the group of each node, 0 for a node in no group (the table keeps the array).</param>
    /// <param name="inFlight">Packets on the wire now.</param>
    public void SetGroups(int[] group, long inFlight) => Push(Current with { Group = group }, inFlight);

    /// <summary>
    /// Cuts <paramref name="node"/> from every other node. The isolated nodes are a sorted array of their ids, copied
    /// with one more (O(isolated nodes) a change, not O(nodes): a bool per node made every isolation at a million nodes
    /// copy and allocate a megabyte, most of a partition nemesis's cost there). Isolating a node isolated already is
    /// still a change (a new epoch), as before.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <param name="inFlight">Packets on the wire now.</param>
    public void Isolate(int node, long inFlight)
    {
        int[] isolated = Current.Isolated;
        int at = Array.BinarySearch(isolated, node);
        if (at < 0)
        {
            at = ~at;
            int[] more = new int[isolated.Length + 1];
            Array.Copy(isolated, more, at);
            more[at] = node;
            Array.Copy(isolated, at, more, at + 1, isolated.Length - at);
            isolated = more;
        }

        Push(Current with { Isolated = isolated }, inFlight);
    }

    public void Cut(int from, int to, long inFlight) => Push(Current with { OneWay = new HashSet<long>(Current.OneWay) { Key(from, to) } }, inFlight);

    public void Heal(long inFlight) => Push(State.Empty, inFlight);

    /// <summary>
    /// Starts a new epoch; a run is limited to <see cref="ScheduledEvent.EpochMax"/> partition changes (packets carry the epoch in 23 bits).
    /// </summary>
    /// <param name="state">The new epoch's state.</param>
    /// <param name="inFlight">Packets on the wire now: at the first change, all of them were sent in epoch 0.</param>
    private void Push(State state, long inFlight)
    {
        if (Epoch >= ScheduledEvent.EpochMax)
        {
            throw new InvalidOperationException($"more than {ScheduledEvent.EpochMax} partition changes in one run");
        }

        if (Epoch == 0)
        {
            _inFlight[0] = checked((int)inFlight);
        }

        _epochs.Add(state);
        if (_epochs.Count > _inFlight.Length)
        {
            Array.Resize(ref _inFlight, _inFlight.Length * 2);
        }

        Release();
    }

    private static long Key(int from, int to) => ((long)from << 32) | (uint)to;

    /// <summary>One epoch's cuts: a group per node (none: one group), the isolated nodes (sorted ids), one-way cuts.</summary>
    private sealed record State(int[] Group, int[] Isolated, HashSet<long> OneWay)
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

        private bool IsIsolated(int node) => Isolated.Length != 0 && Array.BinarySearch(Isolated, node) >= 0;
    }
}
