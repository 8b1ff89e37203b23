using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace DistSim.Messages;

/// <summary>Why every instance of a type is refused: the reason, the type declaring the offending member and the member (null for the type itself).</summary>
internal sealed record Refusal(MessageRefusalReason Reason, Type DeclaringType, string? Member, Type Offending);

/// <summary>What the encoder and the copier need to know about a type, computed once per type (thread-safe, immutable).</summary>
/// <remarks>
/// Each fact has its own cache and recurses only where it must: refusals through struct fields (inline, so finite),
/// immutability by a search over declared types, plain data through struct fields and the immutability of class fields.
/// No fact needs another type's full set of facts, so a struct that holds a class that holds the struct terminates.
/// </remarks>
internal sealed class TypeFacts
{
    private static readonly ConcurrentDictionary<Type, TypeFacts> Cache = new();
    private static readonly ConcurrentDictionary<Type, Refusal?> Refusals = new();
    private static readonly ConcurrentDictionary<Type, bool> Immutables = new();
    private static readonly ConcurrentDictionary<Type, bool> InlineImmutables = new();
    private static readonly ConcurrentDictionary<Type, bool> Plains = new();

    private TypeFacts(Type type)
    {
        Refusal = RefusalOf(type);
        IsDeeplyImmutable = ImmutableOf(type);
        IsImmutableAsDeclared = ImmutableAsDeclared(type);
        IsPlainData = PlainOf(type);
    }

    /// <summary>Non-null when no instance of this type can be encoded (its own kind, or one of its fields' declared types).</summary>
    public Refusal? Refusal { get; }

    /// <summary>No instance of exactly this runtime type can change, boxed or not (see <see cref="MessageCopier.IsDeeplyImmutable"/>).</summary>
    public bool IsDeeplyImmutable { get; }

    /// <summary>Every value of a field declared with this type is deeply immutable (the type is also sealed or a struct).</summary>
    public bool IsImmutableAsDeclared { get; }

    /// <summary>Copying a value of this type bit by bit makes an independent copy (immutable, or a struct of such).</summary>
    public bool IsPlainData { get; }

    public static TypeFacts Of(Type type) => Cache.TryGetValue(type, out TypeFacts? f) ? f : Cache.GetOrAdd(type, static t => new TypeFacts(t));

    private static Refusal? RefusalOf(Type type) => Refusals.TryGetValue(type, out Refusal? r) ? r : Refusals.GetOrAdd(type, ComputeRefusal);

    /// <summary>
    /// As a runtime type, i.e. also as a box: a struct must be a <c>readonly struct</c>, since any other struct can replace
    /// itself (<c>this = …</c>) in a method called through an interface or <c>object</c> reference to its box.
    /// </summary>
    private static bool ImmutableOf(Type type) =>
        Immutables.TryGetValue(type, out bool b) ? b : Immutables.GetOrAdd(type, static t =>
            InlineImmutableOf(t) && (!t.IsValueType || TypeRules.IsLeaf(t) || TypeRules.IsReadOnlyStruct(t)));

    /// <summary>
    /// As the value of a readonly field (or of a field of a readonly struct): C# calls a member of such a value on a
    /// defensive copy, so a non-readonly struct whose fields are all readonly and immutable cannot change there.
    /// </summary>
    private static bool InlineImmutableOf(Type type) =>
        InlineImmutables.TryGetValue(type, out bool b) ? b : InlineImmutables.GetOrAdd(type, static t => RefusalOf(t) is null && ComputeImmutable(t));

    private static bool ImmutableAsDeclared(Type type) =>
        !type.IsArray && (type.IsValueType ? InlineImmutableOf(type) : (type.IsSealed || TypeRules.ImmutableFamilyArguments(type) is not null) && ImmutableOf(type));

    private static bool PlainOf(Type type) =>
        Plains.TryGetValue(type, out bool b) ? b : Plains.GetOrAdd(type, static t => RefusalOf(t) is null && (ImmutableAsDeclared(t) || (t.IsValueType && AllFieldsPlain(t))));

    private static Refusal? ComputeRefusal(Type type)
    {
        if (TypeRules.IsImmutableBclReference(type))
        {
            return null; // written by what it is (a URI, a culture's name), not by its fields
        }

        if (TypeRules.RefusedKind(type) is { } kind)
        {
            return new Refusal(kind, type, null, type);
        }

        if (type.IsArray)
        {
            return DeclaredRefusal(type.GetElementType()!, type, "[]");
        }

        foreach (FieldInfo f in TypeRules.InstanceFields(type))
        {
            if (f.IsDefined(typeof(FixedBufferAttribute), inherit: false))
            {
                return new Refusal(MessageRefusalReason.InlineBuffer, f.DeclaringType!, TypeNames.Member(f), f.FieldType);
            }

            if (TypeRules.IsValueCheckedDelegate(f))
            {
                continue; // an event of a BCL collection: refused when it holds a handler (see CollectionRules)
            }

            if (DeclaredRefusal(f.FieldType, f.DeclaringType!, TypeNames.Member(f)) is { } r)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>The refusal of a field (or array element) declared with <paramref name="declared"/>, whatever its value.</summary>
    private static Refusal? DeclaredRefusal(Type declared, Type owner, string member)
    {
        if (TypeRules.RefusedKind(declared) is { } kind)
        {
            return new Refusal(kind, owner, member, declared);
        }

        if (declared.IsArray)
        {
            return DeclaredRefusal(declared.GetElementType()!, owner, member + "[]");
        }

        if (declared.IsValueType && !TypeRules.IsLeaf(declared) && RefusalOf(declared) is { } inner)
        {
            // A struct is stored inline: its refused member is a member of the owner.
            return inner with { Member = member + (inner.Member is null ? "" : "." + inner.Member) };
        }

        return null;
    }

    private static bool AllFieldsPlain(Type type)
    {
        foreach (FieldInfo f in TypeRules.InstanceFields(type))
        {
            if (!PlainOf(f.FieldType))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Greatest fixed point over the graph of declared field types: every reachable field is readonly and its
    /// declared type is a leaf, an immutable BCL collection of such, or a sealed class or struct that is itself
    /// immutable. Cycles (a sealed node type pointing to itself) are assumed immutable unless proven otherwise.
    /// </summary>
    private static bool ComputeImmutable(Type root)
    {
        if (TypeRules.IsLeaf(root) || TypeRules.IsImmutableBclReference(root))
        {
            return true;
        }

        if (TypeRules.ImmutableFamilyArguments(root) is { } args)
        {
            return Array.TrueForAll(args, ImmutableAsDeclared);
        }

        if (root.IsInterface || root.IsAbstract || root.IsArray || root.ContainsGenericParameters || TypeRules.IsImmutableArray(root))
        {
            return false;
        }

        var visited = new HashSet<Type> { root };
        var pending = new Stack<Type>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            Type t = pending.Pop();
            if (RefusalOf(t) is not null)
            {
                return false;
            }

            foreach (FieldInfo f in TypeRules.InstanceFields(t))
            {
                if (!f.IsInitOnly || !Follow(f.FieldType, visited, pending))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool Follow(Type declared, HashSet<Type> visited, Stack<Type> pending)
    {
        if (TypeRules.IsLeaf(declared) || (declared.IsSealed && TypeRules.IsImmutableBclReference(declared)))
        {
            return true;
        }

        if (TypeRules.ImmutableFamilyArguments(declared) is { } args)
        {
            foreach (Type a in args)
            {
                if (!Follow(a, visited, pending))
                {
                    return false;
                }
            }

            return true;
        }

        if (declared.IsArray || TypeRules.RefusedKind(declared) is not null || TypeRules.IsImmutableArray(declared) || !(declared.IsValueType || declared.IsSealed))
        {
            return false;
        }

        if (visited.Add(declared))
        {
            pending.Push(declared);
        }

        return true;
    }
}
