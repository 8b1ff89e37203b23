namespace DistSim.Messages;

/// <summary>
/// Deep copies of messages, so that what a receiver sees is what the sender sent at <c>Send</c>, whatever
/// either side does to its objects afterwards (determinism rule 5).
/// </summary>
/// <remarks>
/// <para>A copy shares no mutable object with the original and preserves everything observable: all fields
/// (public, private, of base classes, readonly ones), runtime types, which objects are shared within the graph,
/// and the contents and order of collections (their capacity may differ). Deeply immutable objects (see
/// <see cref="IsDeeplyImmutable"/>), strings, zero-length arrays and comparers are shared rather than copied; a
/// deeply immutable root is returned as is, at the cost of one cached lookup.</para>
/// <para>Technique: a memberwise clone, then every mutable reference replaced by its copy (emitted code that
/// also writes readonly fields); arrays are cloned and their mutable elements replaced. BCL collections
/// (<c>System.Collections*</c>) are copied by their fields (their internal nodes and views too, without
/// recursion), except <see cref="Dictionary{TKey,TValue}"/> and <see cref="HashSet{T}"/>, which are rebuilt in
/// enumeration order with the same comparer so that keys hashed by identity still work in the copy (other
/// hash-based BCL collections need keys hashed by value). A <see cref="System.Text.StringBuilder"/> is copied as its text.</para>
/// <para>The refusals of <see cref="MessageCodec"/> apply, with the same <see cref="MessageEncodingException"/>:
/// delegates, pointers, native integers, reflection objects, BCL resources, cycles, nesting deeper than
/// <see cref="MessageCodec.DepthLimit"/>. Immutable subgraphs are shared without being walked, so only the
/// encoder sees a cycle or an excessive depth inside one. Thread-safe (plans are cached and immutable; each
/// thread reuses its own state). See <c>docs/concepts/messages.md</c>.</para>
/// </remarks>
public static class MessageCopier
{
    private static CopyPlan? s_lastPlan;

    /// <summary>A copy of <paramref name="message"/> that shares no mutable object with it.</summary>
    /// <param name="message">The message graph.</param>
    /// <exception cref="MessageEncodingException">The graph cannot be copied faithfully (same rules as <see cref="MessageCodec"/>).</exception>
    public static object DeepCopy(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        CopyPlan plan = CopyPlan.For(message.GetType(), ref s_lastPlan);
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
    /// True when no instance of exactly this runtime type can change: every instance field, through the class
    /// hierarchy, is readonly (init-only auto-properties have readonly backing fields), and every field's declared
    /// type is itself deeply immutable — a primitive, an enum, a string, decimal, a date, Guid, BigInteger, …, an
    /// immutable BCL collection (<c>ImmutableList&lt;T&gt;</c>, <c>FrozenSet&lt;T&gt;</c>, …) of such, or a sealed class or
    /// struct that is deeply immutable. <c>object</c>, interfaces, unsealed classes and arrays are never immutable
    /// as declared types; delegates and other refused types never are.
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
