using System.Runtime.CompilerServices;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>
/// The state every ordered pair of nodes has from its first packet on, kept inline in one array: the
/// channel's generator, the two ends and the fair-loss link's counters. 56 bytes and no reference; nothing else is
/// allocated for a pair that uses the default channel and the fair-loss link.
/// </summary>
internal struct PairState
{
    /// <summary>The channel's stream (<c>link:&lt;from&gt;-&gt;&lt;to&gt;</c>): loss, duplication, delay, timing.</summary>
    public Xoshiro256 Channel;

    /// <summary>The sending node.</summary>
    public int From;

    /// <summary>The receiving node.</summary>
    public int To;

    /// <summary>Messages sent on the fair-loss link, low 32 bits (the carries go to <see cref="LinkPair.SentHigh"/>).</summary>
    public uint Sent;

    /// <summary>Messages delivered by the fair-loss link, low 32 bits (the carries go to <see cref="LinkPair.DeliveredHigh"/>).</summary>
    public uint Delivered;

    /// <summary>
    /// What only some pairs need — an override of the channel or the link, a protocol session, a capacity count — as
    /// 1 + its place in <see cref="PairTable"/>'s list of rich parts; 0 for the common pair; −(1 + its row) for a common
    /// pair with a session of the default link when that is a built-in reliable one (<see cref="ReliableTable"/>). An index, not a reference:
    /// the state holds no reference at all, so the garbage collector never scans the table (a million pairs).
    /// </summary>
    public int RichIndex;
}

/// <summary>
/// The pairs of a simulation: <see cref="PairState"/> in a dense array in order of first use (the pair index that
/// events and sessions carry), found by (from, to) through an open-addressing table of tagged indices. About 63 bytes a
/// pair in all (the state and the table at its average load), and no allocation per lookup: a K = 1,000 run with
/// all-to-all traffic has up to a million pairs.
/// </summary>
/// <remarks>
/// A bucket holds index + 1 (0 is empty) and, in the bits the index leaves free, a tag of the pair's hash: a probe reads a pair's state only when the
/// tag matches, so looking up a pair, or finding that it is new, costs one miss into the table rather than one per pair
/// probed past (each into a state array of up to 56 MB). It probes linearly from a Fibonacci hash of the packed key and grows at
/// 70% load. Nothing iterates it, so its layout cannot reach a run's results; iteration goes by pair index.
/// </remarks>
internal sealed class PairTable
{
    private const int MinimumBits = 4;
    private const int ChunkBits = 10; // 1,024 states a chunk: 57 KB, below the large-object heap's threshold
    private const int ChunkMask = (1 << ChunkBits) - 1;
    private const int FirstChunkStart = 16; // the first chunk doubles from here up to a full chunk
    private const int FirstChunkFull = 1 << ChunkBits;
    private PairState[][] _chunks = new PairState[4][];
    private uint[] _buckets = new uint[1 << MinimumBits];
    private int _bits = MinimumBits;
    private int _count;

    private readonly List<LinkPair> _rich = [];

    /// <summary>Pairs so far.</summary>
    public int Count => _count;

    /// <summary>The pairs that have a rich part (an override, a session, a capacity count), in the order they got it.</summary>
    public IReadOnlyList<LinkPair> RichParts => _rich;

    /// <summary>The rich part of the pair with index <paramref name="index"/>, or null for a common pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LinkPair? RichOf(int index)
    {
        int rich = this[index].RichIndex;
        return rich <= 0 ? null : _rich[rich - 1];
    }

    /// <summary>Gives the pair with index <paramref name="index"/> (which has none) its rich part.</summary>
    public void SetRich(int index, LinkPair rich)
    {
        _rich.Add(rich);
        this[index].RichIndex = _rich.Count;
    }

    /// <summary>The state of the pair with index <paramref name="index"/>. Do not hold the reference across an <see cref="Add"/>.</summary>
    public ref PairState this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _chunks[index >> ChunkBits][index & ChunkMask];
    }

    /// <summary>The index of the pair (<paramref name="from"/>, <paramref name="to"/>), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int from, int to)
    {
        uint[] buckets = _buckets;
        int bits = _bits;
        int mask = buckets.Length - 1;
        ulong hash = Hash(from, to);
        int b = (int)(hash >> (64 - bits));
        uint tag = Tag(hash, bits);
        uint indexMask = (1u << bits) - 1;
        while (true)
        {
            uint entry = buckets[b];
            if (entry == 0)
            {
                return -1;
            }

            // The tag rules out almost every other pair on the probe path without reading its state: with a million
            // pairs the states are far beyond the caches, and each read is a miss.
            if ((entry & ~indexMask) == tag)
            {
                int index = (int)(entry & indexMask) - 1;
                ref PairState s = ref this[index];
                if (s.From == from && s.To == to)
                {
                    return index;
                }
            }

            b = (b + 1) & mask;
        }
    }

    /// <summary>Adds a pair that <see cref="Find"/> did not find; returns its index.</summary>
    public int Add(int from, int to, ulong channelSeed)
    {
        if (_count > 0 && _count < FirstChunkFull && _count == _chunks[0].Length)
        {
            Array.Resize(ref _chunks[0], _count * 2); // the first chunk starts small: most simulations have a few dozen pairs
        }
        else if ((_count & ChunkMask) == 0)
        {
            // A new chunk, never a copy of the others: a million pairs grow by 57 KB steps on the small-object heap
            // instead of doubling a 56 MB array (each doubling a large-object allocation that forces a full collection).
            int chunk = _count >> ChunkBits;
            if (chunk == _chunks.Length)
            {
                Array.Resize(ref _chunks, _chunks.Length * 2);
            }

            _chunks[chunk] = new PairState[chunk == 0 ? FirstChunkStart : 1 << ChunkBits];
        }

        int index = _count++;
        this[index] = new PairState { Channel = new Xoshiro256(channelSeed), From = from, To = to };
        if (_count * 10 > _buckets.Length * 7)
        {
            Rehash(_bits + 1);
        }
        else
        {
            Insert(_buckets, _bits, from, to, index);
        }

        return index;
    }

    private void Rehash(int bits)
    {
        var buckets = new uint[1 << bits];
        for (int i = 0; i < _count; i++)
        {
            Insert(buckets, bits, this[i].From, this[i].To, i);
        }

        _buckets = buckets;
        _bits = bits;
    }

    private static void Insert(uint[] buckets, int bits, int from, int to, int index)
    {
        int mask = buckets.Length - 1;
        ulong hash = Hash(from, to);
        int b = (int)(hash >> (64 - bits));
        while (buckets[b] != 0)
        {
            b = (b + 1) & mask;
        }

        buckets[b] = Tag(hash, bits) | (uint)(index + 1);
    }

    /// <summary>
    /// Fibonacci hashing of the packed key: key × 2^64/φ, whose top bits pick the bucket. (.NET hashes a <c>long</c> as
    /// its halves XORed, <c>from ^ to</c> for a pair: a ring of 1,000 nodes would have about ten distinct codes.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(int from, int to) => (((ulong)(uint)from << 32) | (uint)to) * 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// The tag a bucket keeps in the bits its index leaves free (32 − <paramref name="bits"/>: an index is below the
    /// table's size, 2^bits): the hash's bits just below those that pick the bucket. Pairs on one probe path share most
    /// of their bucket bits but not these, which depend on both ends (in a table of 2^20 buckets a tag has 12 bits: one pair in
    /// 4,096 passes it by chance).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Tag(ulong hash, int bits) => (uint)(hash >> 32) << bits;
}
