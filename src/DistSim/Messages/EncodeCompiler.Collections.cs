using System.Collections;
using System.Collections.Specialized;
using System.Linq.Expressions;
using System.Reflection;

namespace DistSim.Messages;

/// <summary>Arrays (bulk for primitives, any rank) and BCL collections (count, then elements in enumeration order).</summary>
internal static partial class EncodeCompiler
{
    private static readonly HashSet<Type> BulkTypes =
    [
        typeof(bool), typeof(char), typeof(sbyte), typeof(byte), typeof(short), typeof(ushort),
        typeof(int), typeof(uint), typeof(long), typeof(ulong), typeof(float), typeof(double),
    ];

    /// <summary>SZ arrays: length, elements. Other arrays: rank, each dimension's lower bound and length, elements in row-major order.</summary>
    private static Expression ArrayBody(Expression array, Type type)
    {
        Type element = type.GetElementType()!;
        Type raw = element.IsEnum ? Enum.GetUnderlyingType(element) : element;
        var parts = new List<Expression>();
        int rank = type.GetArrayRank();
        if (type.IsSZArray)
        {
            parts.Add(Call(nameof(Encoder.WriteInt32), Expression.ArrayLength(array)));
        }
        else
        {
            parts.Add(Call(nameof(Encoder.WriteInt32), Expression.Constant(rank)));
            for (int d = 0; d < rank; d++)
            {
                parts.Add(Call(nameof(Encoder.WriteInt32), Expression.Call(array, nameof(Array.GetLowerBound), null, Expression.Constant(d))));
                parts.Add(Call(nameof(Encoder.WriteInt32), Expression.Call(array, nameof(Array.GetLength), null, Expression.Constant(d))));
            }
        }

        if (BitConverter.IsLittleEndian && BulkTypes.Contains(raw))
        {
            parts.Add(Expression.Call(Enc, nameof(Encoder.WriteBulk), [raw], Expression.Convert(array, typeof(Array))));
            return Expression.Block(parts);
        }

        ParameterExpression flat = Expression.Variable(typeof(int), "k");
        var indexes = new ParameterExpression[rank];
        for (int d = 0; d < rank; d++)
        {
            indexes[d] = Expression.Variable(typeof(int), "i" + d);
        }

        Expression inner = Expression.Block(
            Emit(type.IsSZArray ? Expression.ArrayIndex(array, indexes[0]) : Expression.ArrayAccess(array, indexes), element, Site.Element(type, flat)),
            Expression.PreIncrementAssign(flat));
        for (int d = rank - 1; d >= 0; d--)
        {
            Expression lower = type.IsSZArray ? Expression.Constant(0) : Expression.Call(array, nameof(Array.GetLowerBound), null, Expression.Constant(d));
            Expression upper = type.IsSZArray ? Expression.ArrayLength(array) : Expression.Add(lower, Expression.Call(array, nameof(Array.GetLength), null, Expression.Constant(d)));
            inner = For(indexes[d], lower, upper, inner);
        }

        parts.Add(Expression.Assign(flat, Expression.Constant(0)));
        parts.Add(inner);
        return Expression.Block([flat, .. indexes], parts);
    }

    private static Expression For(ParameterExpression i, Expression from, Expression to, Expression body)
    {
        ParameterExpression end = Expression.Variable(typeof(int), "end");
        LabelTarget exit = Expression.Label();
        return Expression.Block(
            [end],
            Expression.Assign(i, from),
            Expression.Assign(end, to),
            Expression.Loop(
                Expression.IfThenElse(
                    Expression.LessThan(i, end),
                    Expression.Block(body, Expression.PreIncrementAssign(i)),
                    Expression.Break(exit)),
                exit));
    }

    /// <summary>
    /// Count (int32) then the elements in enumeration order (dictionaries: key/value pairs) — or, for a collection that
    /// enumerates in hash order (<see cref="HashOrder"/>), in a canonical order; a collection without a count
    /// writes <c>1</c> before each element and <c>0</c> at the end. A <see cref="NameObjectCollectionBase"/> (which
    /// enumerates only its keys) writes its key and value arrays.
    /// </summary>
    private static Expression CollectionBody(Expression collection, Type type)
    {
        if (typeof(NameObjectCollectionBase).IsAssignableFrom(type))
        {
            MethodInfo keys = typeof(NameObjectCollectionBase).GetMethod("BaseGetAllKeys", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!;
            MethodInfo values = typeof(NameObjectCollectionBase).GetMethod("BaseGetAllValues", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!;
            return Expression.Block(
                Emit(Expression.Call(collection, keys), keys.ReturnType, new Site(type, "Keys", false, Expression.Constant(-1))),
                Emit(Expression.Call(collection, values), values.ReturnType, new Site(type, "Values", false, Expression.Constant(-1))));
        }

        if (HashOrder.Applies(type))
        {
            // Enumerated in the order of hash codes, which differ between processes: written in a canonical order instead.
            MethodInfo canonical = typeof(HashOrder).GetMethod(nameof(HashOrder.Canonical))!;
            return CollectionBody(Expression.Call(canonical, Expression.Convert(collection, typeof(IEnumerable))), typeof(object[]));
        }

        if (BulkSpan(collection, type) is { } span)
        {
            return span;
        }

        (Expression getEnumerator, Type enumerator) = Enumeration(collection, type);
        MethodInfo moveNext = FindMethod(enumerator, nameof(IEnumerator.MoveNext))!;
        PropertyInfo current = FindProperty(enumerator, nameof(IEnumerator.Current))!;
        Expression? count = Count(collection, type, current.PropertyType);

        ParameterExpression e = Expression.Variable(enumerator, "e");
        ParameterExpression i = Expression.Variable(typeof(int), "i");
        ParameterExpression n = Expression.Variable(typeof(int), "n");
        LabelTarget exit = Expression.Label();
        var step = new List<Expression>();
        if (count is null)
        {
            step.Add(Call(nameof(Encoder.WriteByte), Expression.Constant((byte)1)));
        }

        step.Add(Emit(Expression.Property(e, current), current.PropertyType, Site.Element(type, i)));
        step.Add(Expression.PreIncrementAssign(i));
        Expression loop = Expression.Loop(
            Expression.IfThenElse(Expression.Call(e, moveNext), Expression.Block(step), Expression.Break(exit)),
            exit);
        Expression? dispose = Dispose(e, enumerator);
        var parts = new List<Expression> { Expression.Assign(i, Expression.Constant(0)) };
        if (count is not null)
        {
            parts.Add(Expression.Assign(n, count));
            parts.Add(Call(nameof(Encoder.WriteInt32), n));
        }

        parts.Add(Expression.Assign(e, getEnumerator));
        parts.Add(dispose is null ? loop : Expression.TryFinally(loop, dispose));
        parts.Add(count is null
            ? Call(nameof(Encoder.WriteByte), Expression.Constant((byte)0))
            : Expression.IfThen(Expression.NotEqual(i, n), Expression.Call(Enc, nameof(Encoder.ThrowInconsistent), null, n, i)));
        return Expression.Block([e, i, n], parts);
    }

    /// <summary>
    /// A <see cref="List{T}"/> or <see cref="System.Collections.Immutable.ImmutableArray{T}"/> of primitives: count, then the
    /// elements in one copy — the same bytes as element by element, only faster.
    /// </summary>
    private static Expression? BulkSpan(Expression collection, Type type)
    {
        if (!BitConverter.IsLittleEndian || !type.IsGenericType || !BulkTypes.Contains(type.GetGenericArguments()[0]))
        {
            return null;
        }

        Type element = type.GetGenericArguments()[0];
        Type def = type.GetGenericTypeDefinition();
        if (def == typeof(List<>))
        {
            return Expression.Call(Enc, nameof(Encoder.WriteListBulk), [element], collection);
        }

        return def == typeof(System.Collections.Immutable.ImmutableArray<>)
            ? Expression.Call(Enc, nameof(Encoder.WriteSpanBulk), [element], Expression.Call(collection, type.GetMethod("AsSpan", Type.EmptyTypes)!))
            : null;
    }

    /// <summary>The enumerator <c>foreach</c> would use: the public <c>GetEnumerator()</c>, else <c>IEnumerable&lt;T&gt;</c>, else <c>IEnumerable</c>.</summary>
    private static (Expression GetEnumerator, Type Enumerator) Enumeration(Expression collection, Type type)
    {
        MethodInfo? get = FindMethod(type, nameof(IEnumerable.GetEnumerator));
        if (get is not null && FindMethod(get.ReturnType, nameof(IEnumerator.MoveNext)) is not null && FindProperty(get.ReturnType, nameof(IEnumerator.Current)) is not null)
        {
            return (Expression.Call(collection, get), get.ReturnType);
        }

        Type[] generic = Array.FindAll(type.GetInterfaces(), static t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        Array.Sort(generic, static (a, b) => string.CompareOrdinal(TypeNames.StableName(a), TypeNames.StableName(b)));
        Type iface = generic.Length > 0 ? generic[0] : typeof(IEnumerable);
        MethodInfo ifaceGet = iface.GetMethod(nameof(IEnumerable.GetEnumerator))!;
        return (Expression.Call(Expression.Convert(collection, iface), ifaceGet), ifaceGet.ReturnType);
    }

    private static Expression? Count(Expression collection, Type type, Type element)
    {
        foreach (string name in (string[])["Count", "Length"])
        {
            if (FindProperty(type, name) is { PropertyType: var t } p && t == typeof(int) && p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
            {
                return Expression.Property(collection, p);
            }
        }

        foreach (Type iface in (Type[])[typeof(ICollection<>).MakeGenericType(element), typeof(IReadOnlyCollection<>).MakeGenericType(element), typeof(ICollection)])
        {
            if (iface.IsAssignableFrom(type))
            {
                return Expression.Property(Expression.Convert(collection, iface), iface.GetProperty("Count")!);
            }
        }

        return null;
    }

    private static Expression? Dispose(ParameterExpression e, Type enumerator)
    {
        if (!typeof(IDisposable).IsAssignableFrom(enumerator))
        {
            return enumerator.IsValueType || enumerator.IsSealed
                ? null
                : Expression.Call(typeof(EncodeCompiler), nameof(DisposeIfDisposable), null, Expression.Convert(e, typeof(object)));
        }

        MethodInfo? dispose = enumerator.IsInterface ? null : FindMethod(enumerator, nameof(IDisposable.Dispose));
        return dispose is not null
            ? Expression.Call(e, dispose)
            : Expression.Call(Expression.Convert(e, typeof(IDisposable)), typeof(IDisposable).GetMethod(nameof(IDisposable.Dispose))!);
    }

    private static void DisposeIfDisposable(object enumerator) => (enumerator as IDisposable)?.Dispose();

    /// <summary>A public instance method without parameters, on the type or (for interfaces) on its base interfaces.</summary>
    private static MethodInfo? FindMethod(Type type, string name)
    {
        MethodInfo? m = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (m is null && type.IsInterface)
        {
            foreach (Type i in type.GetInterfaces())
            {
                m ??= i.GetMethod(name, Type.EmptyTypes);
            }
        }

        return m;
    }

    /// <summary>A public instance property, the most derived if hidden, on the type or (for interfaces) its base interfaces.</summary>
    private static PropertyInfo? FindProperty(Type type, string name)
    {
        for (Type? t = type; t is not null; t = t.BaseType)
        {
            if (t.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly) is { } p)
            {
                return p;
            }
        }

        if (type.IsInterface)
        {
            foreach (Type i in type.GetInterfaces())
            {
                if (i.GetProperty(name) is { } p)
                {
                    return p;
                }
            }
        }

        return null;
    }
}
