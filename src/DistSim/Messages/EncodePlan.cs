using System.Collections.Concurrent;

namespace DistSim.Messages;

/// <summary>
/// Where a reference is written from: a field (possibly inside inline structs, <c>Pos.Label</c>) or the
/// elements of an array or collection. Carries the static type (a value of exactly that type needs no type
/// tag) and a one-entry cache of the last runtime type's plan (a benign race: a reference write).
/// </summary>
internal sealed class Slot(Type declaringType, string name, Type staticType, bool isElement)
{
    public static readonly Slot Root = new(typeof(object), "", typeof(object), isElement: false);

    public Type DeclaringType { get; } = declaringType;

    /// <summary>The member (<c>Callback</c>, <c>Pos.Label</c>) or, for elements, what follows the index (<c>""</c>, <c>.key</c>).</summary>
    public string Name { get; } = name;

    public Type StaticType { get; } = staticType;

    public bool IsElement { get; } = isElement;

    public EncodePlan Cached { get; set; } = EncodePlan.None;
}

/// <summary>How to encode an instance of one runtime type: built once, cached, immutable.</summary>
internal sealed class EncodePlan
{
    public static readonly EncodePlan None = new(typeof(void), null, null);

    private static readonly ConcurrentDictionary<Type, EncodePlan> Cache = new();

    private EncodePlan(Type type, Refusal? refusal, Action<object, Encoder>? write)
    {
        Type = type;
        Refusal = refusal;
        Write = write;
        IsString = type == typeof(string);
        Tag = type == typeof(void) ? 0 : TypeNames.Tag(type);
        Tracked = !IsString && !(type.IsValueType && TypeFacts.Of(type).IsDeeplyImmutable);
    }

    public Type Type { get; }

    /// <summary>The stable type tag written when the runtime type differs from the slot's static type.</summary>
    public ulong Tag { get; }

    public bool IsString { get; }

    /// <summary>Has identity: a second occurrence is a back-reference (all but strings and boxed immutable structs).</summary>
    public bool Tracked { get; }

    public Refusal? Refusal { get; }

    /// <summary>Writes the body (no marker, no tag) of an instance; null for strings and refused types.</summary>
    public Action<object, Encoder>? Write { get; }

    public static EncodePlan For(Type type) =>
        Cache.TryGetValue(type, out EncodePlan? plan) ? plan : Cache.GetOrAdd(type, static t => Build(t));

    private static EncodePlan Build(Type type)
    {
        if (TypeFacts.Of(type).Refusal is { } refusal)
        {
            return new EncodePlan(type, refusal, null);
        }

        return type == typeof(string) ? new EncodePlan(type, null, null) : new EncodePlan(type, null, EncodeCompiler.Compile(type));
    }
}
