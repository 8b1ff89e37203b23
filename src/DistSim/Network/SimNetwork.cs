using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>
/// The simulated network. For every ordered pair of nodes: a fair-loss channel (loss, duplication, delay;
/// <see cref="SimulationOptions.Network"/>, overridden with <see cref="SetFairLoss"/>) and a link protocol
/// on top of it (<see cref="SimulationOptions.Link"/>, overridden with <see cref="SetLink"/>).
/// </summary>
/// <remarks>
/// Each ordered pair draws from its own streams (<c>link:A-&gt;B</c> for the channel,
/// <c>linkproto:A-&gt;B</c> for the protocol), created when the pair first carries a packet, so adding
/// nodes or links never shifts the draws of the others. Not thread-safe. See <c>docs/concepts/network.md</c>.
/// </remarks>
public sealed class SimNetwork
{
    private readonly Simulation _simulation;
    private readonly PairTable _pairs = new();
    private readonly ChannelConfig _defaultChannel;
    private readonly bool _defaultIsFairLoss;
    private readonly Dictionary<long, FairLossLinkOptions> _fairLoss = new(PairKeys.Instance);
    private readonly Dictionary<long, ILink> _links = new(PairKeys.Instance);
    private readonly PartitionTable _partitions = new();
    private List<int>?[]? _sessionsOf; // per node: the pairs with a session that have it at one end; made at the first crash
    private ReliableTable? _defaultTable; // the default link's sessions, when it is a built-in reliable link (made at its first)
    private Dictionary<ILink, ReliableTable>? _tables; // the sessions of other built-in reliable links set with SetLink

    internal SimNetwork(Simulation simulation, FairLossLinkOptions defaults, ILink link)
    {
        _simulation = simulation;
        Defaults = defaults;
        DefaultLink = link;
        _defaultChannel = new ChannelConfig(defaults);
        _defaultIsFairLoss = ReferenceEquals(link, FairLossLink.Instance);
    }

    /// <summary>The fair-loss behaviour of every pair without an override.</summary>
    public FairLossLinkOptions Defaults { get; }

    /// <summary>The link protocol of every pair without an override.</summary>
    public ILink DefaultLink { get; }

    /// <summary>Overrides the fair-loss behaviour from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    /// <param name="options">Loss, duplication and delay; validated now.</param>
    public void SetFairLoss(NodeId from, NodeId to, FairLossLinkOptions options)
    {
        using ThreadClaim claim = _simulation.Claim(nameof(SetFairLoss));
        RequirePair(from, to);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int index = _pairs.Find(from.Value, to.Value);
        if (index >= 0)
        {
            LinkPair rich = Rich(index); // before the override is recorded: it holds the channel in force until now
            if (options.Capacity is not null && rich.Channel.Capacity is null)
            {
                rich.InFlight += _simulation.Pipeline.CountInFlight(from.Value, to.Value); // packets on the wire count too
            }

            rich.Channel = new ChannelConfig(options);
        }

        _fairLoss[Key(from.Value, to.Value)] = options;
    }

    /// <summary>Overrides the fair-loss behaviour in both directions between two nodes.</summary>
    /// <param name="a">One node.</param>
    /// <param name="b">The other node.</param>
    /// <param name="options">Loss, duplication and delay.</param>
    public void SetFairLossBoth(NodeId a, NodeId b, FairLossLinkOptions options)
    {
        SetFairLoss(a, b, options);
        SetFairLoss(b, a, options);
    }

    /// <summary>The fair-loss behaviour in force from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    public FairLossLinkOptions GetFairLoss(NodeId from, NodeId to)
    {
        _simulation.CheckThread(nameof(GetFairLoss));
        RequirePair(from, to);
        return _fairLoss.TryGetValue(Key(from.Value, to.Value), out FairLossLinkOptions? o) ? o : Defaults;
    }

    /// <summary>
    /// Chooses the link protocol for messages from <paramref name="from"/> to <paramref name="to"/>.
    /// Must be done before that pair carries its first message.
    /// </summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    /// <param name="link">The protocol, e.g. <see cref="Links.Links.Reliable"/>.</param>
    /// <exception cref="InvalidOperationException">The pair already carried traffic under another link.</exception>
    public void SetLink(NodeId from, NodeId to, ILink link)
    {
        using ThreadClaim claim = _simulation.Claim(nameof(SetLink));
        RequirePair(from, to);
        ArgumentNullException.ThrowIfNull(link);
        int index = _pairs.Find(from.Value, to.Value);
        if (index >= 0 && HasCarried(index))
        {
            throw new InvalidOperationException(
                $"the link {Rich(index).Name} already carried messages; choose its protocol before the first send");
        }

        _links[Key(from.Value, to.Value)] = link;
        if (index >= 0)
        {
            Rich(index).Link = link; // the pair exists (its channel carried acknowledgements) but has no session yet
        }
    }

    /// <summary>Chooses the link protocol in both directions between two nodes.</summary>
    /// <param name="a">One node.</param>
    /// <param name="b">The other node.</param>
    /// <param name="link">The protocol.</param>
    public void SetLinkBoth(NodeId a, NodeId b, ILink link)
    {
        SetLink(a, b, link);
        SetLink(b, a, link);
    }

    /// <summary>The link protocol of messages from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    public ILink GetLink(NodeId from, NodeId to)
    {
        _simulation.CheckThread(nameof(GetLink));
        RequirePair(from, to);
        return _links.TryGetValue(Key(from.Value, to.Value), out ILink? l) ? l : DefaultLink;
    }

    /// <summary>The session of the link from <paramref name="from"/> to <paramref name="to"/> (created if needed), for its counters and state.</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    public ILinkSession Session(NodeId from, NodeId to)
    {
        using ThreadClaim claim = _simulation.Claim(nameof(Session));
        RequirePair(from, to);
        int index = PairIndex(from.Value, to.Value);
        if (IsFairLoss(index))
        {
            LinkPair rich = Rich(index);
            return rich.FairLossView ??= new FairLossSessionView(this, index);
        }

        if (ReliableRowOf(index, create: true, out ReliableTable? table, out int row))
        {
            // A built-in reliable link's session is a row: its view is kept in the pair's rich part (made now if the
            // pair had none; it takes the row over), so a pair's session is one object however often it is asked for.
            LinkPair withRow = Rich(index);
            return withRow.RowView ??= new ReliableSession(table!, row);
        }

        return Rich(index).Session;
    }

    /// <summary>Whether any partition, isolation or cut is in force.</summary>
    internal bool HasPartition => _partitions.Active;

    /// <summary>True while messages from <paramref name="from"/> to <paramref name="to"/> cannot cross the network.</summary>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    public bool IsCut(NodeId from, NodeId to)
    {
        _simulation.CheckThread(nameof(IsCut));
        RequirePair(from, to);
        return _partitions.IsCut(from.Value, to.Value);
    }

    /// <summary>
    /// Splits the network: nodes in different groups cannot reach each other, in either direction; nodes
    /// listed in no group form one more group. Replaces any earlier partition (one-way cuts and isolations stay).
    /// </summary>
    /// <param name="groups">Two or more disjoint groups of nodes.</param>
    public void Partition(params NodeId[][] groups)
    {
        using ThreadClaim claim = _simulation.Claim(nameof(Partition));
        ArgumentNullException.ThrowIfNull(groups);
        int[] group = new int[_simulation.Nodes.Count]; // 1 + the group of each node (0: in no group); checked before anything changes
        for (int g = 0; g < groups.Length; g++)
        {
            ArgumentNullException.ThrowIfNull(groups[g], nameof(groups));
            foreach (NodeId node in groups[g])
            {
                _simulation.RequireNode(node, nameof(groups));
                if (group[node.Value] != 0)
                {
                    throw new ArgumentException($"groups: node {_simulation.NodeName(node)} is in more than one group", nameof(groups));
                }

                group[node.Value] = g + 1;
            }
        }

        _partitions.SetGroups(group, InFlight);

        // The description names every node of every group: at a million nodes, megabytes a change. It is made only when
        // the trace keeps the event (in memory or in a stream); the fingerprint sees the payload's type, a string either way.
        string text = _simulation.TraceKeepsNextEvent
            ? "partition " + string.Join(" | ", groups.Select(g => string.Join(",", g.Select(_simulation.NodeName))))
            : "partition";
        _simulation.RecordNetworkChange(Tracing.TraceEventKind.Partition, groups.FirstOrDefault()?.FirstOrDefault() ?? default, null, text);
    }

    /// <summary>Cuts one direction only: <paramref name="to"/> stops hearing <paramref name="from"/>, but still reaches it.</summary>
    /// <param name="from">The node whose messages are cut.</param>
    /// <param name="to">The node that stops hearing it.</param>
    public void Cut(NodeId from, NodeId to)
    {
        using ThreadClaim claim = _simulation.Claim(nameof(Cut));
        RequirePair(from, to);
        _partitions.Cut(from.Value, to.Value, InFlight);
        _simulation.RecordNetworkChange(Tracing.TraceEventKind.Partition, from, to, $"cut {_simulation.NodeName(from)}->{_simulation.NodeName(to)}");
    }

    /// <summary>Isolates one node: nothing it sends arrives, nothing sent to it arrives.</summary>
    /// <param name="node">The node.</param>
    public void Isolate(NodeId node)
    {
        using ThreadClaim claim = _simulation.Claim(nameof(Isolate));
        _simulation.RequireNode(node, nameof(node));
        _partitions.Isolate(node.Value, InFlight);
        _simulation.RecordNetworkChange(Tracing.TraceEventKind.Partition, node, null, $"isolate {_simulation.NodeName(node)}");
    }

    /// <summary>Removes every partition, cut and isolation.</summary>
    public void Heal()
    {
        using ThreadClaim claim = _simulation.Claim(nameof(Heal));
        _partitions.Heal(InFlight);
        _simulation.RecordNetworkChange(Tracing.TraceEventKind.Heal, default, null, "heal");
    }

    /// <summary>The partition epoch: it changes with every partition, cut, isolation or heal.</summary>
    internal int PartitionEpoch => _partitions.Epoch;

    internal bool IsCutNow(int from, int to) => _partitions.Epoch != 0 && _partitions.IsCut(from, to);

    internal bool WasCutSince(int sentEpoch, int from, int to) => _partitions.Epoch != 0 && _partitions.WasCutSince(sentEpoch, from, to);

    /// <summary>A packet sent in <paramref name="epoch"/> (the current one) went on the wire.</summary>
    internal void PacketSent(int epoch) => _partitions.Sent(epoch);

    /// <summary>A packet sent in <paramref name="epoch"/> left the wire: the partition states no packet needs are released.</summary>
    internal void PacketLeft(int epoch) => _partitions.Left(epoch);

    /// <summary>States the partition table keeps now (for tests).</summary>
    internal int PartitionStatesKept => _partitions.KeptStates;

    /// <summary>Places the partition table holds for epochs (for tests).</summary>
    internal int PartitionPlaces => _partitions.Places;

    /// <summary>For tests: keep every partition epoch's state (the behaviour a run that releases them must equal).</summary>
    internal bool KeepEveryPartitionEpoch
    {
        get => _partitions.KeepEveryEpoch;
        set => _partitions.KeepEveryEpoch = value;
    }

    private long InFlight => _simulation.Pipeline.Messages.InFlight;

    /// <summary>The pairs' inline state.</summary>
    internal PairTable Pairs => _pairs;

    /// <summary>The index of the pair (<paramref name="from"/>, <paramref name="to"/>), created on first use.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal int PairIndex(int from, int to)
    {
        int index = _pairs.Find(from, to);
        return index >= 0 ? index : NewPair(from, to);
    }

    /// <summary>
    /// The index of the pair opposite to the pair <paramref name="index"/> (<paramref name="from"/> → <paramref name="to"/>
    /// being that opposite direction), created on first use as <see cref="PairIndex"/> would, and kept in the session's
    /// row or the pair's rich part: a session's acknowledgements take this path once per message.
    /// </summary>
    internal int ReverseIndex(int index, int from, int to)
    {
        if (ReliableRowOf(index, create: false, out ReliableTable? table, out int row))
        {
            // A session of a built-in reliable link: its row keeps the path (and keeps it when the pair gets a rich part).
            int known = table!.Row(row).Reverse;
            if (known != 0)
            {
                return known - 1;
            }

            int found = PairIndex(from, to);
            table.Row(row).Reverse = found + 1;
            return found;
        }

        if (_pairs.RichOf(index) is not { } rich)
        {
            return PairIndex(from, to);
        }

        int reverse = rich.ReverseIndex;
        if (reverse < 0)
        {
            rich.ReverseIndex = reverse = PairIndex(from, to);
        }

        return reverse;
    }

    /// <summary>The channel of a pair: its override, or the network's default.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal ChannelConfig ChannelOf(int index) => _pairs.RichOf(index)?.Channel ?? _defaultChannel;

    /// <summary>True when the pair's link is the built-in fair-loss link (no session object: the kernel delivers).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool IsFairLoss(int index) => _pairs.RichOf(index) is { } rich ? rich.IsFairLoss : _defaultIsFairLoss;

    /// <summary>The pair's rich part (override, session, capacity count), created on first need.</summary>
    internal LinkPair Rich(int index)
    {
        if (_pairs.RichOf(index) is { } rich)
        {
            return rich;
        }

        ref PairState state = ref _pairs[index];

        long key = Key(state.From, state.To);
        ChannelConfig channel = _fairLoss.Count > 0 && _fairLoss.TryGetValue(key, out FairLossLinkOptions? o) ? new ChannelConfig(o) : _defaultChannel;
        ILink link = _links.Count > 0 && _links.TryGetValue(key, out ILink? l) ? l : DefaultLink;
        rich = new LinkPair(_simulation, index, state.From, state.To, channel, link);
        if (state.RichIndex < 0)
        {
            // The pair already has a session of the default link as a row: the rich part keeps it from now on.
            rich.Table = _defaultTable;
            rich.Row = -state.RichIndex - 1;
        }

        _pairs.SetRich(index, rich);
        return rich;
    }

    /// <summary>Sessions kept as rows of the built-in reliable links' tables (for tests and diagnostics).</summary>
    internal int ReliableRows => (_defaultTable?.Count ?? 0) + (_tables?.Values.Sum(t => t.Count) ?? 0);

    /// <summary>Tables of rows made so far: one per built-in reliable link in use (for tests and diagnostics).</summary>
    internal int ReliableTables => (_defaultTable is null ? 0 : 1) + (_tables?.Count ?? 0);

    /// <summary>The link protocol of the pair with index <paramref name="index"/>.</summary>
    internal ILink LinkOf(int index) => _pairs.RichOf(index)?.Link ?? DefaultLink;

    /// <summary>
    /// The session of the pair with index <paramref name="index"/> when its link is a built-in reliable one (reliable,
    /// authenticated): its table and row, the row made now if it has none and <paramref name="create"/> says so. False
    /// for any other link (the fair-loss link has no session; a user's link has a session object in the rich part).
    /// </summary>
    internal bool ReliableRowOf(int index, bool create, out ReliableTable? table, out int row)
    {
        ref PairState state = ref _pairs[index];
        int richIndex = state.RichIndex;
        if (richIndex < 0)
        {
            (table, row) = (_defaultTable, -richIndex - 1);
            return true;
        }

        LinkPair? rich = richIndex == 0 ? null : _pairs.RichOf(index);
        if (rich is { Row: >= 0 })
        {
            (table, row) = (rich.Table, rich.Row);
            return true;
        }

        (table, row) = (null, -1);
        if ((rich?.Link ?? DefaultLink) is not IBuiltInReliableLink link || !create)
        {
            return false;
        }

        table = TableOf(link);
        row = table.Add(index); // pair states never move: state stays good
        if (rich is null)
        {
            state.RichIndex = -(row + 1); // a common pair: its inline state points at the row
        }
        else
        {
            (rich.Table, rich.Row) = (table, row);
        }

        SessionCreated(index, state.From, state.To);
        return true;
    }

    /// <summary>The table of a built-in reliable link's sessions in this simulation, made on first need.</summary>
    private ReliableTable TableOf(IBuiltInReliableLink link)
    {
        if (ReferenceEquals(link, DefaultLink))
        {
            return _defaultTable ??= new ReliableTable(_simulation, link);
        }

        _tables ??= new(ReferenceEqualityComparer.Instance);
        if (!_tables.TryGetValue(link, out ReliableTable? table))
        {
            _tables[link] = table = new ReliableTable(_simulation, link);
        }

        return table;
    }

    /// <summary>A timer of the session of the pair <paramref name="index"/> fired.</summary>
    internal void OnLinkTimer(int index, long token)
    {
        if (ReliableRowOf(index, create: false, out ReliableTable? table, out int row))
        {
            table!.OnTimer(row, token);
        }
        else
        {
            _pairs.RichOf(index)!.Session.OnTimer(token);
        }
    }

    /// <summary>Whether the pair's link carried traffic (a session exists, or the fair-loss link counted a message).</summary>
    private bool HasCarried(int index)
    {
        ref PairState state = ref _pairs[index];
        LinkPair? rich = _pairs.RichOf(index);
        return state.Sent != 0 || state.Delivered != 0 || state.RichIndex < 0 || rich is { HasSession: true } || rich is { SentHigh: not 0 } || rich is { DeliveredHigh: not 0 };
    }

    /// <summary>The fair-loss link's counters of a pair, from its inline state.</summary>
    internal Links.LinkCounters FairLossCounters(int index)
    {
        ref PairState state = ref _pairs[index];
        LinkPair? rich = _pairs.RichOf(index);
        return new Links.LinkCounters
        {
            Sent = state.Sent + (rich?.SentHigh ?? 0),
            Delivered = state.Delivered + (rich?.DeliveredHigh ?? 0),
        };
    }

    /// <summary>
    /// Tells every link session with <paramref name="node"/> at one end that it crashed, in pair order. Only that node's
    /// sessions are visited (an index per node): a crash costs what the node had, not what the whole network has
    /// (all-to-all traffic at K = 1,000 leaves up to a million pairs). The index is made by one pass over the pairs at the
    /// first crash and kept up to date from then on (<see cref="SessionCreated"/>), so a run without crashes never pays
    /// for it: keeping it from the start cost two list appends, each a likely cache miss, per new session.
    /// </summary>
    internal void OnCrash(NodeId node)
    {
        List<int>?[] sessionsOf = _sessionsOf ?? IndexSessions();
        if ((uint)node.Value >= (uint)sessionsOf.Length || sessionsOf[node.Value] is not { Count: > 0 } sessions)
        {
            return;
        }

        int[] inOrder = [.. sessions];
        Array.Sort(inOrder); // pair order, as a scan of the table would visit them
        int known = sessions.Count;
        for (int at = 0; at < inOrder.Length; at++)
        {
            int index = inOrder[at];
            if (ReliableRowOf(index, create: false, out ReliableTable? table, out int row))
            {
                table!.OnCrash(row, node);
            }
            else
            {
                _pairs.RichOf(index)!.Session.OnCrash(node);
            }

            if (sessions.Count != known)
            {
                // A link's OnCrash made sessions: a scan of the table reaches those past this pair, and so does this.
                int[] rest = [.. inOrder[(at + 1)..], .. sessions.Skip(known).Where(i => i > index)];
                Array.Sort(rest);
                (inOrder, at, known) = (rest, -1, sessions.Count);
            }
        }
    }

    /// <summary>The pair <paramref name="index"/> (<paramref name="from"/> → <paramref name="to"/>) got its link session.</summary>
    internal void SessionCreated(int index, int from, int to)
    {
        if (_sessionsOf is not null)
        {
            Track(from, index, to);
        }
    }

    /// <summary>
    /// The first crash: every pair with a session goes into the index of each of its ends. Only pairs with a rich part can
    /// have one, so only those are visited (a run of all-to-all traffic has as many pairs again that only carried
    /// acknowledgements); <see cref="OnCrash"/> sorts a node's pairs, so the order they are found in does not matter.
    /// </summary>
    private List<int>?[] IndexSessions()
    {
        _sessionsOf = [];
        foreach (LinkPair rich in _pairs.RichParts)
        {
            if (rich.HasSession)
            {
                Track(rich.From.Value, rich.Index, rich.To.Value);
            }
        }

        // Common pairs whose session is a row of the default link's table (a pair that got a rich part since is above).
        for (int row = 0; row < (_defaultTable?.Count ?? 0); row++)
        {
            int index = _defaultTable!.Row(row).Pair;
            ref PairState state = ref _pairs[index];
            if (state.RichIndex < 0)
            {
                Track(state.From, index, state.To);
            }
        }

        return _sessionsOf;
    }

    private void Track(int from, int index, int to)
    {
        TrackAt(from, index);
        if (to != from)
        {
            TrackAt(to, index);
        }
    }

    private void TrackAt(int node, int index)
    {
        if (node >= _sessionsOf!.Length)
        {
            Array.Resize(ref _sessionsOf, Math.Max(node + 1, _sessionsOf.Length * 2));
        }

        (_sessionsOf[node] ??= []).Add(index);
    }

    private int NewPair(int from, int to)
    {
        ulong seed = StreamSeed.Derive(_simulation.Seed, "link:", _simulation.NodeNameOf(from), "->", _simulation.NodeNameOf(to));
        int index = _pairs.Add(from, to, seed);
        bool overridden = (_fairLoss.Count > 0 && _fairLoss.ContainsKey(Key(from, to))) || (_links.Count > 0 && _links.ContainsKey(Key(from, to)));
        if (overridden)
        {
            Rich(index); // the common pair (default channel, default link) stays inline until it needs a session
        }

        return index;
    }

    private void RequirePair(NodeId from, NodeId to)
    {
        _simulation.RequireNode(from, nameof(from));
        _simulation.RequireNode(to, nameof(to));
    }

    internal static long Key(int from, int to) => ((long)from << 32) | (uint)to;

    /// <summary>
    /// Hashes a pair key by Fibonacci hashing for the override dictionaries (.NET hashes a <c>long</c> as
    /// <c>from ^ to</c>). Only lookups use it; nothing iterates these dictionaries.
    /// </summary>
    internal sealed class PairKeys : IEqualityComparer<long>
    {
        public static readonly PairKeys Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
