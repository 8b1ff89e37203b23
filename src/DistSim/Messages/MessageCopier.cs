namespace DistSim.Messages;

/// <summary>
/// Deep copies of messages, so that what a receiver sees is what the sender sent at <c>Send</c>, whatever
/// either side does to its objects afterwards (determinism rule 5).
/// </summary>
/// <remarks>
/// <para>A copy shares no mutable object with the original and preserves everything observable: all fields
/// (public, private, of base classes, readonly ones), runtime types, which objects are shared within the graph,
/// and the contents, order and comparers of collections (their capacity may differ). Deeply immutable objects
/// (see <see cref="IsDeeplyImmutable"/>), strings, zero-length arrays and comparers that cannot change are
/// shared rather than copied; a deeply immutable root is returned as is, at the cost of one cached lookup.</para>
/// <para>Technique: a memberwise clone, then every mutable reference replaced by its copy (emitted code that
/// also writes readonly fields); arrays are cloned and their mutable elements replaced. BCL collections
/// (<c>System.Collections*</c>) are copied by their fields (their internal nodes and views too, without
/// recursion); a comparer with state is copied. A keyed collection (dictionary or set) whose copied keys the
/// copy no longer finds — keys hashed by identity — is rebuilt in place in its enumeration order when that order
/// is its insertion order (Dictionary, HashSet, OrderedDictionary, and classes deriving from them), and refused
/// otherwise (<see cref="MessageRefusalReason.InconsistentCollection"/>), as is one whose keys have become equal
/// since they were added. A <see cref="System.Text.StringBuilder"/> is copied as its text.</para>
/// <para>The refusals of <see cref="MessageCodec"/> apply, with the same <see cref="MessageEncodingException"/>:
/// delegates, pointers, native integers, reflection objects, BCL resources, cycles, nesting deeper than
/// <see cref="MessageCodec.DepthLimit"/>; so do the copier's own, for keyed collections it cannot reproduce.
/// Immutable subgraphs are shared without being walked, so only the encoder sees a cycle or an excessive depth
/// inside one. Thread-safe (plans are cached and immutable; each thread reuses its own state). See
/// <c>docs/concepts/messages.md</c>.</para>
/// </remarks>
public static class MessageCopier
{
    // One memo per thread: a static written by every copy would bounce one cache line between the cores of a
    // parallel sweep (it made --parallel 2 barely faster than 1). The kernel keeps one per simulation.
    [ThreadStatic]
    private static TypeMemo<CopyPlan>? t_plans;

    /// <summary>A copy of <paramref name="message"/> that shares no mutable object with it.</summary>
    /// <param name="message">The message graph.</param>
    /// <exception cref="MessageEncodingException">The graph cannot be copied faithfully (same rules as <see cref="MessageCodec"/>).</exception>
    public static object DeepCopy(object message) => DeepCopy(message, t_plans ??= new TypeMemo<CopyPlan>());

    /// <summary>As <see cref="DeepCopy(object)"/>, with the caller's own memo of plans (the kernel's: one per simulation).</summary>
    internal static object DeepCopy(object message, TypeMemo<CopyPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(message);
        CopyPlan plan = CopyPlan.For(message.GetType(), plans);
        if (plan.Kind == CopyKind.Share)
        {
            return message;
        }

        Copier copier = Copier.Rent();
        try
        {
            return copier.CopySemantic(message)!;
        }
        catch (CopyRefusedException refused)
        {
            throw Diagnose(message, refused);
        }
        finally
        {
            copier.Return();
        }
    }

    /// <summary>A copy of <paramref name="message"/> that shares no mutable object with it.</summary>
    /// <typeparam name="T">The message's static type.</typeparam>
    /// <param name="message">The message graph.</param>
    /// <exception cref="MessageEncodingException">The graph cannot be copied faithfully (same rules as <see cref="MessageCodec"/>).</exception>
    public static T DeepCopy<T>(T message)
        where T : notnull => (T)DeepCopy((object)message);

    /// <summary>
    /// True when no instance of exactly this runtime type can change, boxed or not: every instance field, through
    /// the class hierarchy, is readonly (init-only auto-properties have readonly backing fields), and every field's
    /// declared type is itself deeply immutable — a primitive, an enum, a string, decimal, a date, Guid, BigInteger, …,
    /// an immutable BCL collection (<c>ImmutableList&lt;T&gt;</c>, <c>FrozenSet&lt;T&gt;</c>, …, but not
    /// <c>ImmutableArray&lt;T&gt;</c>, a view of an array someone may hold) of such, or a sealed class or struct that
    /// is deeply immutable. A struct must moreover be a <c>readonly struct</c>: any other can replace itself
    /// (<c>this = …</c>) in a method called on its box. (A readonly field of such a struct cannot change, since C#
    /// calls members on a copy of it, so the type holding it may be immutable.) <c>object</c>, interfaces, unsealed
    /// classes and arrays are never immutable as declared types; delegates and other refused types never are.
    /// <see cref="Uri"/> is immutable too.
    /// </summary>
    /// <param name="type">The runtime type.</param>
    public static bool IsDeeplyImmutable(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return TypeFacts.Of(type).IsDeeplyImmutable;
    }

    /// <summary>The encoder's exception for the same graph: it names the member path. The copier's own description is the fallback.</summary>
    private static MessageEncodingException Diagnose(object message, CopyRefusedException refused)
    {
        if (refused.Own is ({ } path, { } declaring, { } detail))
        {
            return new MessageEncodingException($"Cannot copy {path}: {detail}.", declaring, path, refused.Reason);
        }

        try
        {
            MessageCodec.Encode(message);
        }
        catch (MessageEncodingException e)
        {
            return e;
        }

        string name = TypeNames.Friendly(message.GetType());
        return new MessageEncodingException(
            $"Cannot copy {name}: it reaches a {TypeNames.Friendly(refused.RefusedType)} ({refused.Reason}).", refused.RefusedType, name, refused.Reason);
    }
}
