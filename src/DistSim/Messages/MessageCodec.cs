using System.Buffers;

namespace DistSim.Messages;

/// <summary>
/// The canonical bytes of a message: everything a receiving node can observe, so that a MAC or a signature
/// over them detects any change. Equal contents give equal bytes (a list's capacity, a dictionary's history
/// or the process do not matter); any observable difference — a field at any depth, public or private, an
/// element, the order, the count, a runtime type, null or not, which objects are shared — gives different bytes.
/// </summary>
/// <remarks>
/// <para>What is encoded (format version 3, see <c>docs/concepts/messages.md</c>): every instance field of
/// the runtime type and its base classes, public or private (so auto-properties, records and primary
/// constructors, through their backing fields), in declaration order, base class first. Structs, enums
/// (underlying integer), primitives (little-endian; floating point as raw bits, so <c>-0.0 ≠ 0.0</c> and
/// NaN payloads differ), decimal (scale kept), DateTime (ticks and kind), DateTimeOffset, TimeSpan, Guid,
/// Half, Int128, BigInteger, Nullable, tuples are written inline. Strings are their UTF-16 code units
/// (lone surrogates stay distinct). Arrays of any rank are written with their shape; arrays of primitives
/// in one copy. BCL collections (<c>IEnumerable</c> types of the <c>System.Collections*</c> namespaces
/// defined by .NET's own assemblies — never judged by namespace alone: List, Dictionary, HashSet,
/// SortedDictionary, Queue, Stack, LinkedList, PriorityQueue, the immutable and concurrent collections,
/// ReadOnlyCollection, …) are written semantically: count and elements in enumeration order (key/value pairs
/// for dictionaries; hash-based collections in their documented enumeration order, which is what the
/// receiver observes), then their comparers (a case-insensitive and an ordinal dictionary differ), their
/// per-instance flags (a read-only OrderedDictionary) and the collection a wrapper wraps (by reference, so
/// a user list behind a ReadOnlyCollection is written by its fields). A <see cref="Uri"/> is its original
/// string and the options that changed its parsing. A user type is always written by its fields, even if it
/// implements <c>IEnumerable</c>; a user type deriving from a BCL collection writes its own fields and then
/// the collection. Every reference carries a marker: null, a back-reference to an object met earlier (so
/// shared objects stay shared), or a new object, with a stable 64-bit type tag (XxHash64 of the type's full
/// name without versions) whenever its runtime type is not exactly the static type of the field.</para>
/// <para>What is refused, with <see cref="MessageEncodingException"/> naming the member path and the type:
/// delegates and events (<see cref="MessageRefusalReason.Delegate"/>; an event of a BCL collection only when
/// it has a handler, a comparison a BCL comparer wraps only when it captures state), pointers and function
/// pointers, <see cref="IntPtr"/>/<see cref="UIntPtr"/>, reflection objects (<see cref="Type"/>, MemberInfo,
/// Assembly, Module, ParameterInfo), disposable BCL types outside the collections (streams, tasks, wait
/// handles, timers, locks, cancellation sources and tokens: resources of the sender), by-ref-like types,
/// fixed buffers and inline arrays, cycles (an object reachable from itself), and nesting deeper than
/// <see cref="DepthLimit"/> objects. A field whose declared type is refused refuses its type even when it
/// holds null; a value of a refused type behind an <c>object</c> or interface field is refused when met.</para>
/// <para>Thread-safe: plans are built once per type and cached (immutable); each thread reuses its own
/// encoding state. The encoding does not depend on the process, the thread, hash codes or timing.</para>
/// </remarks>
public static class MessageCodec
{
    /// <summary>The first byte of every encoding; bumped when the format changes.</summary>
    public const byte FormatVersion = 3;

    /// <summary>The most objects nested on one path from the root (the root counts as one); deeper graphs are refused.</summary>
    public const int DepthLimit = 1000;

    /// <summary>Appends the canonical encoding of <paramref name="value"/> to <paramref name="output"/>.</summary>
    /// <param name="value">The message (any object graph; null is encoded too).</param>
    /// <param name="output">Where the bytes go. If encoding fails, a prefix of the bytes may already have been written.</param>
    /// <exception cref="MessageEncodingException">The graph cannot be encoded faithfully (see remarks).</exception>
    public static void Encode(object? value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Encoder encoder = Encoder.Rent(output);
        try
        {
            encoder.EncodeRoot(value);
        }
        finally
        {
            encoder.Return();
        }
    }

    /// <summary>The canonical encoding of <paramref name="value"/> as a new array.</summary>
    /// <param name="value">The message (any object graph; null is encoded too).</param>
    /// <exception cref="MessageEncodingException">The graph cannot be encoded faithfully (see remarks).</exception>
    public static byte[] Encode(object? value)
    {
        Encoder encoder = Encoder.Rent(null);
        try
        {
            encoder.EncodeRoot(value);
            return encoder.ToArray();
        }
        finally
        {
            encoder.Return();
        }
    }
}
