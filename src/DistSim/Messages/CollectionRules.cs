using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Reflection;

namespace DistSim.Messages;

/// <summary>
/// What, besides its elements, a receiver can observe of a BCL collection, so that the encoder writes it and the copier
/// keeps it: the comparers, per-instance flags, the collection a wrapper wraps, and its events (refused when subscribed).
/// Pure functions of the type, cached.
/// </summary>
internal static class CollectionRules
{
    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly string[] ComparerNames = ["Comparer", "EqualityComparer", "KeyComparer", "ValueComparer"];

    /// <summary>Per-instance state that the type does not show: a read-only copy of an OrderedDictionary has the type of a writable one.</summary>
    private static readonly (Type Owner, string Field)[] StateFieldNames =
    [
        (typeof(OrderedDictionary), "_readOnly"),
        (typeof(NameObjectCollectionBase), "_readOnly"),
        (typeof(HybridDictionary), "caseInsensitive"),
    ];

    private static readonly ConcurrentDictionary<Type, MemberInfo[]> Comparers = new();
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> States = new();
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Wrapped = new();
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Events = new();

    /// <summary>
    /// The comparers of a BCL collection, in name order: its <c>Comparer</c>, <c>EqualityComparer</c>, <c>KeyComparer</c> and
    /// <c>ValueComparer</c> properties (public or not), or else its comparer-typed fields. A case-insensitive and an
    /// ordinal dictionary with the same entries answer <c>ContainsKey("A")</c> differently.
    /// </summary>
    public static MemberInfo[] ComparerMembers(Type type) => Comparers.GetOrAdd(type, static t =>
    {
        var found = new List<MemberInfo>();
        foreach (string name in ComparerNames)
        {
            for (Type? c = t; c is not null && TypeRules.IsBcl(c); c = c.BaseType)
            {
                if (c.GetProperty(name, AnyInstance) is { GetMethod: not null } p && p.GetIndexParameters().Length == 0 && TypeRules.IsComparer(p.PropertyType))
                {
                    found.Add(p);
                    break;
                }
            }
        }

        if (found.Count == 0)
        {
            found.AddRange(Array.FindAll(TypeRules.InstanceFields(t), static f => TypeRules.IsCollectionsNamespace(f.DeclaringType!) && TypeRules.IsComparer(f.FieldType)));
        }

        return [.. found];
    });

    /// <summary>Boolean fields that change what the collection does (a read-only flag, case-insensitivity) but not its type.</summary>
    public static FieldInfo[] StateFields(Type type) => States.GetOrAdd(type, static t =>
    {
        var found = new List<FieldInfo>();
        foreach ((Type owner, string name) in StateFieldNames)
        {
            if (owner.IsAssignableFrom(t))
            {
                found.Add(owner.GetField(name, AnyInstance)
                    ?? throw new InvalidOperationException($"{owner}.{name} is missing: this runtime's collections differ from what the encoder knows."));
            }
        }

        return [.. found];
    });

    /// <summary>
    /// The fields through which a BCL collection wraps another collection: a readonly field of an interface or abstract type
    /// (<c>ReadOnlyCollection.list</c>, <c>Collection.items</c>, <c>ReadOnlyDictionary.m_dictionary</c>, <c>ReadOnlySet._set</c>),
    /// or a field of a class the wrapper derives from (<c>ArrayList.ReadOnly</c>, <c>Hashtable.Synchronized</c>). What the
    /// wrapper does depends on the wrapped object's type and, for a user type, on its fields, not only on its enumeration.
    /// </summary>
    public static FieldInfo[] WrappedFields(Type type) => Wrapped.GetOrAdd(type, static t => Array.FindAll(TypeRules.InstanceFields(t), IsWrappedField));

    /// <summary>See <see cref="WrappedFields"/>: a value of the message (the copier copies it as one, with cycle checks), not internal structure.</summary>
    public static bool IsWrappedField(FieldInfo field)
    {
        Type declared = field.FieldType;
        Type owner = field.DeclaringType!;
        if (!TypeRules.IsCollectionsNamespace(owner) || declared == typeof(object) || declared.IsGenericParameter || declared.IsValueType
            || TypeRules.IsComparer(declared) || typeof(Delegate).IsAssignableFrom(declared))
        {
            return false;
        }

        return (field.IsInitOnly && (declared.IsInterface || declared.IsAbstract) && typeof(IEnumerable).IsAssignableFrom(declared))
            || (!declared.IsSealed && !declared.IsInterface && declared.IsAssignableFrom(owner));
    }

    /// <summary>The event (delegate) fields of a BCL collection: null, or refused (a subscribed handler is code of the sender).</summary>
    public static FieldInfo[] EventFields(Type type) => Events.GetOrAdd(type, static t => Array.FindAll(TypeRules.InstanceFields(t), TypeRules.IsValueCheckedDelegate));
}
