using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace DistSim.Messages;

/// <summary>Classifications of types shared by the encoder and the copier (pure functions of the type).</summary>
internal static class TypeRules
{
    private const BindingFlags DeclaredInstance =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    private static readonly HashSet<Type> Leaves =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid),
        typeof(Half), typeof(Int128), typeof(UInt128), typeof(BigInteger), typeof(DateOnly), typeof(TimeOnly),
    ];

    /// <summary>A type of the base class library: its namespace is <c>System</c> or <c>System.*</c>.</summary>
    public static bool IsBcl(Type type) => type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal));

    /// <summary>A type of the <c>System.Collections*</c> namespaces: a collection, or one of its nodes, views, entries or comparers.</summary>
    public static bool IsCollectionsNamespace(Type type) =>
        type.Namespace is { } ns && (ns == "System.Collections" || ns.StartsWith("System.Collections.", StringComparison.Ordinal));

    /// <summary>A BCL collection encoded by its elements: an <see cref="IEnumerable"/> of <c>System.Collections*</c>.</summary>
    public static bool IsSemanticCollection(Type type) =>
        !type.IsArray && IsCollectionsNamespace(type) && typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>Immutable values written by a dedicated routine: primitives (but native integers), enums, string, decimal, dates, Guid, …</summary>
    public static bool IsLeaf(Type type) =>
        (type.IsPrimitive && type != typeof(IntPtr) && type != typeof(UIntPtr)) || type.IsEnum || Leaves.Contains(type);

    /// <summary>The type argument list of an immutable BCL collection (<c>ImmutableX&lt;…&gt;</c>, <c>FrozenX&lt;…&gt;</c>), or null.</summary>
    public static Type[]? ImmutableFamilyArguments(Type type)
    {
        if (type.IsGenericType && !type.IsNested && type.Namespace == "System.Collections.Immutable"
            && type.Name.StartsWith("Immutable", StringComparison.Ordinal))
        {
            return type.GetGenericArguments();
        }

        for (Type? t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(FrozenDictionary<,>) || t.GetGenericTypeDefinition() == typeof(FrozenSet<>)))
            {
                return t.GetGenericArguments();
            }
        }

        return null;
    }

    /// <summary>The refusal that applies to every value or field of exactly this type, whatever its contents.</summary>
    public static MessageRefusalReason? RefusedKind(Type type)
    {
        if (type.IsByRef || type.IsByRefLike)
        {
            return MessageRefusalReason.RefLike;
        }

        if (type.IsPointer || type.IsFunctionPointer || type.IsUnmanagedFunctionPointer)
        {
            return MessageRefusalReason.Pointer;
        }

        if (type == typeof(IntPtr) || type == typeof(UIntPtr))
        {
            return MessageRefusalReason.NativeInteger;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return MessageRefusalReason.Delegate;
        }

        if (typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type)
            || typeof(Module).IsAssignableFrom(type) || typeof(ParameterInfo).IsAssignableFrom(type))
        {
            return MessageRefusalReason.Reflection;
        }

        if (IsBcl(type) && (typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type)))
        {
            return MessageRefusalReason.Resource;
        }

        if (type.IsValueType && type.IsDefined(typeof(InlineArrayAttribute), inherit: false))
        {
            return MessageRefusalReason.InlineBuffer;
        }

        return null;
    }

    /// <summary>All instance fields, public and private, from the root base class to the type itself; each level in declaration order.</summary>
    public static FieldInfo[] InstanceFields(Type type) => Fields.GetOrAdd(type, static t =>
    {
        var levels = new List<Type>();
        for (Type? c = t; c is not null && !c.IsInterface; c = c.BaseType)
        {
            levels.Add(c);
        }

        var all = new List<FieldInfo>();
        for (int i = levels.Count - 1; i >= 0; i--)
        {
            FieldInfo[] declared = levels[i].GetFields(DeclaredInstance);
            Array.Sort(declared, static (a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            all.AddRange(declared);
        }

        return [.. all];
    });

    /// <summary>The closest semantic-collection base class of a user type that derives from one, or null.</summary>
    public static Type? CollectionBase(Type type)
    {
        for (Type? b = type.BaseType; b is not null; b = b.BaseType)
        {
            if (IsSemanticCollection(b))
            {
                return b;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="field"/> has the field type of the generic definition that declares it, as a type parameter (an element position).</summary>
    public static bool IsElementPosition(FieldInfo field, out bool arrayOfElements)
    {
        arrayOfElements = false;
        Type open = OpenFieldType(field);
        if (open.IsGenericParameter || open == typeof(object))
        {
            return true;
        }

        if (open.IsArray && open.GetElementType() is { } element && (element.IsGenericParameter || element == typeof(object)))
        {
            arrayOfElements = true;
        }

        return false;
    }

    private static Type OpenFieldType(FieldInfo field)
    {
        Type? declaring = field.DeclaringType;
        if (declaring is null || !declaring.IsGenericType || declaring.IsGenericTypeDefinition)
        {
            return field.FieldType;
        }

        FieldInfo? open = declaring.GetGenericTypeDefinition().GetField(field.Name, DeclaredInstance);
        return open?.FieldType ?? field.FieldType;
    }

    /// <summary>A comparer: behaviour of a collection, shared by copies rather than copied.</summary>
    public static bool IsComparer(Type type) =>
        typeof(IComparer).IsAssignableFrom(type) || typeof(IEqualityComparer).IsAssignableFrom(type)
        || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(IComparer<>) || type.GetGenericTypeDefinition() == typeof(IEqualityComparer<>)))
        || Array.Exists(type.GetInterfaces(), static i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IComparer<>) || i.GetGenericTypeDefinition() == typeof(IEqualityComparer<>)));
}
