using System.IO.Hashing;
using System.Text;
using DistSim.Network;

namespace DistSim.Tracing;

/// <summary>
/// The incremental 64-bit trace fingerprint ("fingerprint v1", see <c>docs/concepts/trace.md</c>).
/// Each event becomes six 64-bit words, folded into one accumulator with xxHash64's round function
/// (<c>acc = rotl(acc + w·P2, 31)·P1</c>); <see cref="Current"/> applies xxHash64's avalanche to the
/// accumulator and the event count. Words per event:
/// <list type="number">
/// <item><c>(uint)node | (uint)peer &lt;&lt; 32</c> (peer −1 when none)</item>
/// <item>time in ticks</item>
/// <item>message id</item>
/// <item>packet id</item>
/// <item><c>timer number ^ kind &lt;&lt; 56 ^ cause &lt;&lt; 48 ^ mark &lt;&lt; 40</c></item>
/// <item>XxHash64 of the UTF-8 full name of the payload's type (0 without payload)</item>
/// </list>
/// </summary>
/// <remarks>
/// Cheaper than streaming a byte record through <see cref="XxHash64"/> (it is on the hot path of
/// every event) and just as stable: only integers and type names go in, never
/// <see cref="object.GetHashCode"/>, which .NET randomises per process.
/// </remarks>
internal sealed class Fingerprint
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;
    private readonly Dictionary<Type, ulong> _typeHashes = [];
    private readonly Messages.TypeMemo<ulong> _recentTypes = new(); // the last few types: a protocol's messages alternate
    private ulong _acc = Prime5;
    private ulong _count;
    private Type? _lastType;
    private ulong _lastTypeHash;

    public ulong Current
    {
        get
        {
            ulong h = _acc ^ (_count * Prime1);
            h ^= h >> 33;
            h *= Prime2;
            h ^= h >> 29;
            h *= Prime3;
            h ^= h >> 32;
            return h;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Append(
        TraceEventKind kind, long ticks, int node, int peer, long message, long packet, long timer, DropCause cause, object? payload, PacketMark mark)
    {
        ulong acc = _acc;
        acc = Round(acc, (uint)node | ((ulong)(uint)peer << 32));
        acc = Round(acc, (ulong)ticks);
        acc = Round(acc, (ulong)message);
        acc = Round(acc, (ulong)packet);
        acc = Round(acc, (ulong)timer ^ ((ulong)kind << 56) ^ ((ulong)cause << 48) ^ ((ulong)mark << 40));
        acc = Round(acc, payload is null ? 0 : TypeHash(payload.GetType()));
        _acc = (acc * Prime1) + Prime4;
        _count++;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong acc, ulong word) => ulong.RotateLeft(acc + (word * Prime2), 31) * Prime1;

    /// <summary>XxHash64 of the UTF-8 full name of the type: stable across processes, unlike <see cref="object.GetHashCode"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private ulong TypeHash(Type type) => ReferenceEquals(type, _lastType) ? _lastTypeHash : SlowTypeHash(type);

    private ulong SlowTypeHash(Type type)
    {
        if (!_recentTypes.TryGet(type, out ulong h))
        {
            if (!_typeHashes.TryGetValue(type, out h))
            {
                Type seen = Links.FrameCarrier.ObservedType(type); // a carrier hashes as its frame's record
                h = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(seen.FullName ?? seen.Name));
                _typeHashes.Add(type, h);
            }

            _recentTypes.Add(type, h);
        }

        _lastType = type;
        _lastTypeHash = h;
        return h;
    }
}
