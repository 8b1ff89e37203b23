using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>
/// The sessions of one built-in reliable or authenticated link in one simulation, as rows of a table
/// (<see cref="ReliableRow"/>, 200 bytes and no reference each; the authenticated link adds each pair's 32-byte key, in an array per 64 rows) rather than an object graph per pair: a run of
/// all-to-all traffic at K = 1,000 has up to a million sessions, and a table of values is neither scanned nor moved by
/// the garbage collector. A row is made at its pair's first message (or first packet, or first look through
/// <see cref="SimNetwork.Session"/>) and found from the pair: a common pair keeps −(row + 1) in its inline state, a pair
/// with a rich part keeps its row there. Rows live in fixed chunks, so a reference to one stays good while rows are
/// added. Packets, deliveries, verdicts and timers go straight to the kernel by the row's pair index.
/// </summary>
internal sealed class ReliableTable : ReliableProtocol
{
    private const int ChunkBits = 6; // 64 rows a chunk: about 12 KB, so a small simulation pays little for its first row
    private const int ChunkMask = (1 << ChunkBits) - 1;

    private readonly Simulation _simulation;
    private ReliableRow[][] _chunks = new ReliableRow[1][];
    private const int KeyBytes = 32;
    private byte[]?[] _keys = []; // per chunk of rows: their keys, 32 bytes each, in one array (the authenticated link's)
    private ulong[] _keyMade = []; // per chunk of rows: a bit per row whose key is derived
    private int _count;

    public ReliableTable(Simulation simulation, IBuiltInReliableLink link)
        : base(link.Options, link.Authenticated, simulation.Pipeline.CarrierPool)
    {
        _simulation = simulation;
        Link = link;
    }

    /// <summary>The link whose sessions these are.</summary>
    public IBuiltInReliableLink Link { get; }

    /// <summary>Rows so far.</summary>
    public int Count => _count;

    public override ref ReliableRow Row(int row) => ref _chunks[row >> ChunkBits][row & ChunkMask];

    /// <summary>A fresh session for the pair with index <paramref name="pair"/>; returns its row.</summary>
    public int Add(int pair)
    {
        int chunk = _count >> ChunkBits;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        _chunks[chunk] ??= new ReliableRow[1 << ChunkBits];
        int row = _count++;
        Row(row) = ReliableRow.Fresh(pair);
        return row;
    }

    protected override NodeId From(int row) => new(_simulation.Network.Pairs[Row(row).Pair].From);

    protected override NodeId To(int row) => new(_simulation.Network.Pairs[Row(row).Pair].To);

    protected override string Name(int row) =>
        _simulation.NodeNameOf(From(row).Value) + "->" + _simulation.NodeNameOf(To(row).Value);

    /// <summary>
    /// 32 bytes from the pair's key stream (<c>key:A-&gt;B</c>): a secret of this ordered pair, derived at its first
    /// frame into the key array of its chunk of rows (2 KB for 64 rows: no object per pair).
    /// </summary>
    protected override ReadOnlySpan<byte> Key(int row)
    {
        int chunk = row >> ChunkBits;
        if (chunk >= _keys.Length)
        {
            Array.Resize(ref _keys, _chunks.Length);
            Array.Resize(ref _keyMade, _chunks.Length);
        }

        byte[] keys = _keys[chunk] ??= new byte[KeyBytes << ChunkBits];
        Span<byte> key = keys.AsSpan((row & ChunkMask) * KeyBytes, KeyBytes);
        ulong bit = 1UL << (row & ChunkMask);
        if ((_keyMade[chunk] & bit) == 0)
        {
            StreamSeed.PairKey(_simulation.Seed, _simulation.NodeNameOf(From(row).Value), _simulation.NodeNameOf(To(row).Value), key);
            _keyMade[chunk] |= bit;
        }

        return key;
    }

    protected override void Transmit(int row, bool reverse, long messageId, object frame, TransmitKind kind) =>
        _simulation.Pipeline.Transmit(Row(row).Pair, reverse, messageId, frame, kind);

    protected override void Deliver(int row, in LinkPacket packet, object message) => _simulation.Pipeline.Deliver(packet, message);

    protected override void Record(int row, LinkVerdict verdict, long messageId, in LinkPacket packet)
    {
        ref PairState pair = ref _simulation.Network.Pairs[Row(row).Pair];
        _simulation.Pipeline.RecordLinkVerdict(pair.From, pair.To, verdict, messageId, packet);
    }

    protected override TimerId SetTimer(int row, TimeSpan delay, long token) => _simulation.SetLinkTimer(Row(row).Pair, delay, token);

    protected override void CancelTimer(int row, TimerId timer) => _simulation.CancelLinkTimer(Row(row).Pair, timer);
}
