namespace DistSim.Messages;

/// <summary>Why a message graph was refused by <see cref="MessageCodec"/> or <see cref="MessageCopier"/>.</summary>
/// <remarks>See <c>docs/concepts/messages.md</c> for the full list and the reasons behind it.</remarks>
public enum MessageRefusalReason
{
    /// <summary>A delegate or an event: code bound to the sender's objects, not data.</summary>
    Delegate,

    /// <summary>An unmanaged or function pointer: an address in the sender's memory.</summary>
    Pointer,

    /// <summary>An <see cref="IntPtr"/> or <see cref="UIntPtr"/>: a native handle or address of the sender's process.</summary>
    NativeInteger,

    /// <summary>A <see cref="Type"/>, <see cref="System.Reflection.MemberInfo"/>, <see cref="System.Reflection.Assembly"/> or similar: a description of code, not data.</summary>
    Reflection,

    /// <summary>A disposable BCL type outside the collections (stream, task, wait handle, timer, lock, cancellation source, …): a handle to the sender's resources.</summary>
    Resource,

    /// <summary>A by-ref or by-ref-like type (<see cref="Span{T}"/> and friends), which cannot live in a message.</summary>
    RefLike,

    /// <summary>A fixed-size buffer or an inline array, whose elements are not fields and are not supported.</summary>
    InlineBuffer,

    /// <summary>An object reachable from itself.</summary>
    Cycle,

    /// <summary>Objects nested deeper than <see cref="MessageCodec.DepthLimit"/>.</summary>
    TooDeep,

    /// <summary>
    /// A collection whose enumeration did not yield as many elements as its count said; or (copier only) a keyed
    /// collection that no copy can reproduce: keys hashed by identity in a collection enumerated in hash order, or
    /// keys that have become equal since they were added.
    /// </summary>
    InconsistentCollection,
}
