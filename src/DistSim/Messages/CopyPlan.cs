using System.Collections.Concurrent;
using System.Reflection;

namespace DistSim.Messages;

internal enum CopyKind
{
    /// <summary>Deeply immutable (or a string): the copy is the original.</summary>
    Share,

    /// <summary>Cannot be copied faithfully (same rules as the encoder).</summary>
    Refused,

    /// <summary>
    /// A class or a boxed struct: a memberwise clone, then its mutable references replaced by copies; a keyed collection
    /// is then checked, and rebuilt or refused if it no longer finds its keys (<see cref="KeyedCollections"/>).
    /// </summary>
    Object,

    /// <summary>An array of any rank: a clone, then its elements replaced by copies where they are mutable.</summary>
    Array,

    /// <summary>A <see cref="System.Text.StringBuilder"/>: a new one with its text.</summary>
    Rebuild,
}

/// <summary>How elements of an array are copied: not at all (plain data), as references, or as structs with references inside.</summary>
internal enum ElementKind
{
    None,
    References,
    Structs,
}

/// <summary>How to copy an instance of one runtime type: built once, cached, immutable.</summary>
internal sealed class CopyPlan
{
    private static readonly ConcurrentDictionary<Type, CopyPlan> Cache = new();

    private static readonly Func<object, object> Memberwise =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<Func<object, object>>();

    private static readonly Func<object, object> CloneArray = static a => ((Array)a).Clone();

    private CopyPlan(Type type, CopyKind kind)
    {
        Type = type;
        Kind = kind;
        IsBcl = type.IsArray || TypeRules.IsCollectionsNamespace(type);
    }

    public Type Type { get; }

    public CopyKind Kind { get; }

    /// <summary>An array or a <c>System.Collections*</c> type: at an internal position of a collection it is copied without cycle checks (views and linked nodes point back).</summary>
    public bool IsBcl { get; }

    public Refusal? Refusal { get; private init; }

    public Func<object, object>? Clone { get; private init; }

    /// <summary>For objects: replaces the mutable references of a clone by their copies (null when there are none).</summary>
    public Action<object, Copier>? Fix { get; private init; }

    public ElementKind Elements { get; private init; }

    /// <summary>For arrays of structs with references inside.</summary>
    public ArrayElementFixer? StructElements { get; private init; }

    /// <summary>For <see cref="CopyKind.Rebuild"/>: creates the copy, registers it, fills it.</summary>
    public Func<object, Copier, object>? Rebuild { get; private init; }

    /// <summary>For a keyed collection copied by its fields (any other hash- or comparer-based one): checks that the copy finds its keys.</summary>
    public KeyedCollections? Keyed { get; private init; }

    public bool NeedsFix => Fix is not null || Elements != ElementKind.None;

    public static CopyPlan For(Type type) =>
        Cache.TryGetValue(type, out CopyPlan? plan) ? plan : Cache.GetOrAdd(type, static t => Build(t));

    /// <summary>As <see cref="For(Type)"/>, through the caller's memo of the last few types (one per simulation or thread).</summary>
    public static CopyPlan For(Type type, TypeMemo<CopyPlan> memo)
    {
        if (!memo.TryGet(type, out CopyPlan plan))
        {
            plan = For(type);
            memo.Add(type, plan);
        }

        return plan;
    }

    private static CopyPlan Build(Type type)
    {
        TypeFacts facts = TypeFacts.Of(type);
        if (facts.Refusal is not null)
        {
            return new CopyPlan(type, CopyKind.Refused) { Refusal = facts.Refusal };
        }

        if (type == typeof(string) || facts.IsDeeplyImmutable)
        {
            return new CopyPlan(type, CopyKind.Share);
        }

        if (type.IsArray)
        {
            Type element = type.GetElementType()!;
            ElementKind kind = TypeFacts.Of(element).IsPlainData ? ElementKind.None : element.IsValueType ? ElementKind.Structs : ElementKind.References;
            return new CopyPlan(type, CopyKind.Array)
            {
                Clone = CloneArray,
                Elements = kind,
                StructElements = kind == ElementKind.Structs ? CopyCompiler.StructArrayFixer(element) : null,
            };
        }

        if (type == typeof(System.Text.StringBuilder))
        {
            return new CopyPlan(type, CopyKind.Rebuild) { Rebuild = CopyCompiler.RebuildStringBuilder };
        }

        return new CopyPlan(type, CopyKind.Object) { Clone = Memberwise, Fix = CopyCompiler.ObjectFixer(type), Keyed = KeyedCollections.For(type) };
    }
}
