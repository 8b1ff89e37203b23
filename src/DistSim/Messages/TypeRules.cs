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
    private static readonly ConcurrentDictionary<Assembly, bool> FrameworkAssemblies = new();
    private static readonly string FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";

    /// <summary>The public key tokens of the .NET runtime assemblies (Microsoft, ECMA, .NET Foundation, CoreLib).</summary>
    private static readonly FrozenSet<string> FrameworkKeyTokens =
        FrozenSet.Create(StringComparer.Ordinal, "b03f5f7f11d50a3a", "b77a5c561934e089", "cc7b13ffcd2ddd51", "7cec85d7bea7798e", "31bf3856ad364e35", "adb9793829ddae60");

    private static readonly HashSet<Type> Leaves =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid),
        typeof(Half), typeof(Int128), typeof(UInt128), typeof(BigInteger), typeof(DateOnly), typeof(TimeOnly),
    ];

    /// <summary>
    /// A type of the base class library: defined in an assembly of .NET itself (see <see cref="IsFrameworkAssembly"/>),
    /// never judged by its namespace (a user type may be declared in <c>namespace System.Collections.X</c>).
    /// Arrays, pointers and by-refs are judged by their element type; a generic type by its definition.
    /// </summary>
    public static bool IsBcl(Type type)
    {
        while (type.HasElementType)
        {
            type = type.GetElementType()!;
        }

        return !type.IsGenericParameter && FrameworkAssemblies.GetOrAdd(type.Assembly, IsFrameworkAssembly);
    }

    /// <summary>
    /// An assembly of .NET itself: signed with one of the public keys of the .NET runtime and library assemblies (which
    /// covers the shared framework and Microsoft's packages, as a file or inside a single-file app), or loaded from the
    /// directory of <c>System.Private.CoreLib</c>. A dynamic assembly never is; an unsigned user assembly never is.
    /// </summary>
    public static bool IsFrameworkAssembly(Assembly assembly)
    {
        if (assembly == typeof(object).Assembly)
        {
            return true;
        }

        if (assembly.IsDynamic)
        {
            return false;
        }

        byte[]? token = assembly.GetName().GetPublicKeyToken();
        if (token is { Length: 8 } && FrameworkKeyTokens.Contains(Convert.ToHexStringLower(token)))
        {
            return true;
        }

        string location = assembly.Location;
        return location.Length > 0 && FrameworkDirectory.Length > 0
            && string.Equals(Path.GetDirectoryName(location), FrameworkDirectory, StringComparison.Ordinal);
    }

    /// <summary>A type of the <c>System.Collections*</c> namespaces of the BCL: a collection, or one of its nodes, views, entries or comparers.</summary>
    public static bool IsCollectionsNamespace(Type type) =>
        type.Namespace is { } ns && (ns == "System.Collections" || ns.StartsWith("System.Collections.", StringComparison.Ordinal)) && IsBcl(type);

    /// <summary>A BCL collection encoded by its elements: an <see cref="IEnumerable"/> of <c>System.Collections*</c>, or a <see cref="PriorityQueue{TElement,TPriority}"/>.</summary>
    public static bool IsSemanticCollection(Type type) =>
        !type.IsArray && IsCollectionsNamespace(type) && (typeof(IEnumerable).IsAssignableFrom(type) || IsPriorityQueue(type));

    /// <summary>A <see cref="PriorityQueue{TElement,TPriority}"/> (not enumerable itself: its contents are its <c>UnorderedItems</c>).</summary>
    public static bool IsPriorityQueue(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(PriorityQueue<,>);

    /// <summary>Immutable values written by a dedicated routine: primitives (but native integers), enums, string, decimal, dates, Guid, …</summary>
    public static bool IsLeaf(Type type) =>
        (type.IsPrimitive && type != typeof(IntPtr) && type != typeof(UIntPtr)) || type.IsEnum || Leaves.Contains(type);

    /// <summary>
    /// An <see cref="System.Collections.Immutable.ImmutableArray{T}"/>: a view of an array that whoever built it through
    /// <c>ImmutableCollectionsMarshal.AsImmutableArray</c> may still hold and change, so it is copied, never shared.
    /// </summary>
    public static bool IsImmutableArray(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>);

    /// <summary>
    /// A BCL class whose instances cannot change through any member, though not by the field rule (lazily filled
    /// caches or native handles): exactly <see cref="Uri"/> (a subclass may add state) and
    /// <see cref="System.Globalization.CompareInfo"/> (culture data, named by its culture).
    /// </summary>
    public static bool IsImmutableBclReference(Type type) => type == typeof(Uri) || type == typeof(System.Globalization.CompareInfo);

    /// <summary>A <c>readonly struct</c>: every member sees <c>this</c> as read-only, so a boxed instance cannot be changed in place.</summary>
    public static bool IsReadOnlyStruct(Type type) => type.IsValueType && type.IsDefined(typeof(IsReadOnlyAttribute), inherit: false);

    /// <summary>The type argument list of an immutable BCL collection (<c>ImmutableX&lt;…&gt;</c>, <c>FrozenX&lt;…&gt;</c>), or null.</summary>
    public static Type[]? ImmutableFamilyArguments(Type type)
    {
        if (type.IsGenericType && !type.IsNested && type.Namespace == "System.Collections.Immutable"
            && type.Name.StartsWith("Immutable", StringComparison.Ordinal) && !IsImmutableArray(type) && IsBcl(type))
        {
            return type.GetGenericArguments();
        }

        for (Type? t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(FrozenDictionary<,>) || t.GetGenericTypeDefinition() == typeof(FrozenSet<>)) && IsBcl(type))
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

        // Disposable helpers of the collections (ObservableCollection's reentrancy monitor, enumerators) are not handles:
        // a collection that holds a real resource (BlockingCollection's semaphores) is refused through that field.
        if (IsBcl(type) && !IsCollectionsNamespace(type) && (typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type)))
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

    /// <summary>
    /// A delegate field declared by a BCL collection type: an event (<c>ObservableCollection.CollectionChanged</c>), or the
    /// comparison a comparer wraps (<c>Comparer&lt;T&gt;.Create</c>). Refused by its value rather than by its type: a null
    /// event, or a comparison that captures nothing, is not the sender's state.
    /// </summary>
    public static bool IsValueCheckedDelegate(FieldInfo field) =>
        typeof(Delegate).IsAssignableFrom(field.FieldType) && field.DeclaringType is { } owner && IsCollectionsNamespace(owner);

    /// <summary>A comparer: behaviour of a collection, shared by copies when it cannot change (see <see cref="ComparerSharing"/>).</summary>
    public static bool IsComparer(Type type) =>
        typeof(IComparer).IsAssignableFrom(type) || typeof(IEqualityComparer).IsAssignableFrom(type)
        || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(IComparer<>) || type.GetGenericTypeDefinition() == typeof(IEqualityComparer<>)))
        || Array.Exists(type.GetInterfaces(), static i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IComparer<>) || i.GetGenericTypeDefinition() == typeof(IEqualityComparer<>)));
}
