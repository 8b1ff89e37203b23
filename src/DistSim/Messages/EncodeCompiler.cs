using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using System.Text;

namespace DistSim.Messages;

/// <summary>
/// Compiles, once per runtime type, an expression tree that writes an instance's body: every instance field in
/// order (structs inline, references through <see cref="Encoder.WriteRef"/>), the elements of arrays, or the
/// elements of BCL collections. Compiled lambdas read private fields of any class or struct directly.
/// </summary>
internal static partial class EncodeCompiler
{
    private static readonly ParameterExpression Enc = Expression.Parameter(typeof(Encoder), "enc");

    private static readonly Dictionary<Type, string> Writers = new()
    {
        [typeof(bool)] = nameof(Encoder.WriteBool),
        [typeof(byte)] = nameof(Encoder.WriteByte),
        [typeof(sbyte)] = nameof(Encoder.WriteSByte),
        [typeof(char)] = nameof(Encoder.WriteChar),
        [typeof(short)] = nameof(Encoder.WriteInt16),
        [typeof(ushort)] = nameof(Encoder.WriteUInt16),
        [typeof(int)] = nameof(Encoder.WriteInt32),
        [typeof(uint)] = nameof(Encoder.WriteUInt32),
        [typeof(long)] = nameof(Encoder.WriteInt64),
        [typeof(ulong)] = nameof(Encoder.WriteUInt64),
        [typeof(float)] = nameof(Encoder.WriteSingle),
        [typeof(double)] = nameof(Encoder.WriteDouble),
        [typeof(Half)] = nameof(Encoder.WriteHalf),
        [typeof(decimal)] = nameof(Encoder.WriteDecimal),
        [typeof(DateTime)] = nameof(Encoder.WriteDateTime),
        [typeof(DateTimeOffset)] = nameof(Encoder.WriteDateTimeOffset),
        [typeof(TimeSpan)] = nameof(Encoder.WriteTimeSpan),
        [typeof(DateOnly)] = nameof(Encoder.WriteDateOnly),
        [typeof(TimeOnly)] = nameof(Encoder.WriteTimeOnly),
        [typeof(Guid)] = nameof(Encoder.WriteGuid),
        [typeof(Int128)] = nameof(Encoder.WriteInt128),
        [typeof(UInt128)] = nameof(Encoder.WriteUInt128),
        [typeof(BigInteger)] = nameof(Encoder.WriteBigInteger),
        [typeof(string)] = nameof(Encoder.WriteString),
    };

    /// <summary>Where a value is written from: the slot's declaring type, member path and, for elements, the index.</summary>
    private readonly record struct Site(Type DeclaringType, string Name, bool IsElement, Expression Index)
    {
        public static Site Field(FieldInfo f) => new(f.DeclaringType!, TypeNames.Member(f), false, Expression.Constant(-1));

        public static Site Element(Type container, Expression index) => new(container, "", true, index);

        public Site Member(FieldInfo f) =>
            this with { DeclaringType = f.DeclaringType!, Name = Name.Length == 0 && !IsElement ? TypeNames.Member(f) : Name + "." + TypeNames.Member(f) };
    }

    public static Action<object, Encoder> Compile(Type type)
    {
        ParameterExpression obj = Expression.Parameter(typeof(object), "obj");
        ParameterExpression x = Expression.Variable(type, "x");
        var body = new List<Expression> { Expression.Assign(x, Expression.Convert(obj, type)) };
        if (type.IsArray)
        {
            body.Add(ArrayBody(x, type));
        }
        else if (type == typeof(StringBuilder))
        {
            body.Add(Call(nameof(Encoder.WriteStringBuilder), x));
        }
        else if (type == typeof(Uri))
        {
            body.Add(Call(nameof(Encoder.WriteUri), x));
        }
        else if (type == typeof(System.Globalization.CompareInfo))
        {
            body.Add(Call(nameof(Encoder.WriteString), Expression.Property(x, nameof(System.Globalization.CompareInfo.Name))));
        }
        else if (TypeRules.IsLeaf(type))
        {
            body.Add(Emit(x, type, new Site(type, "", false, Expression.Constant(-1))));
        }
        else if (TypeRules.IsSemanticCollection(type))
        {
            body.Add(type.IsValueType ? StructCollection(x, type) : SemanticBody(x, type));
        }
        else if (TypeRules.IsBcl(type) && typeof(IEqualityComparer<string?>).IsAssignableFrom(type))
        {
            // A culture-aware comparer holds the sender's CompareInfo (a native handle): written as its culture and options.
            body.Add(Expression.IfThen(Expression.Not(Call(nameof(Encoder.TryWriteStringComparer), Expression.Convert(x, typeof(IEqualityComparer<string?>)))), Fields(x, type)));
        }
        else
        {
            body.Add(Fields(x, type));
        }

        body.Add(Expression.Empty());
        return Expression.Lambda<Action<object, Encoder>>(Expression.Block([x], body), "Encode_" + type.Name, [obj, Enc]).Compile();
    }

    /// <summary>
    /// Every instance field in order. A user type deriving from a BCL collection writes its own fields, then the collection
    /// (not its internals). A delegate field of a BCL comparer (<c>Comparer&lt;T&gt;.Create</c>) is written as its method if it
    /// captures nothing, and refused otherwise.
    /// </summary>
    private static Expression Fields(Expression x, Type type)
    {
        var parts = new List<Expression>();
        Type? collection = TypeRules.IsBcl(type) ? null : TypeRules.CollectionBase(type);
        foreach (FieldInfo f in TypeRules.InstanceFields(type))
        {
            if (collection is not null && TypeRules.IsBcl(f.DeclaringType!))
            {
                continue;
            }

            parts.Add(TypeRules.IsValueCheckedDelegate(f)
                ? Expression.Call(Enc, nameof(Encoder.WriteStatelessDelegate), null, Expression.Field(x, f), Expression.Constant(new Slot(f.DeclaringType!, TypeNames.Member(f), f.FieldType, false)))
                : Emit(Expression.Field(x, f), f.FieldType, Site.Field(f)));
        }

        if (collection is not null)
        {
            parts.Add(SemanticBody(Expression.Convert(x, collection), collection));
        }

        parts.Add(Expression.Empty());
        return Expression.Block(parts);
    }

    /// <summary>Writes <paramref name="value"/> of static type <paramref name="type"/>: leaves by value, structs inline, references by slot.</summary>
    private static Expression Emit(Expression value, Type type, Site site)
    {
        if (Writers.TryGetValue(type, out string? writer))
        {
            return Call(writer, value);
        }

        if (type.IsEnum)
        {
            Type underlying = Enum.GetUnderlyingType(type);
            return Emit(Expression.Convert(value, underlying), underlying, site);
        }

        if (!type.IsValueType)
        {
            var slot = new Slot(site.DeclaringType, site.Name, type, site.IsElement);
            return Expression.Call(Enc, nameof(Encoder.WriteRef), null, Expression.Convert(value, typeof(object)), Expression.Constant(slot), site.Index);
        }

        ParameterExpression tmp = Expression.Variable(type, "s");
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Expression.Block(
                [tmp],
                Expression.Assign(tmp, value),
                Expression.IfThenElse(
                    Expression.Property(tmp, "HasValue"),
                    Expression.Block(Call(nameof(Encoder.WriteByte), Expression.Constant((byte)1)), Emit(Expression.Property(tmp, "Value"), inner, site)),
                    Call(nameof(Encoder.WriteByte), Expression.Constant((byte)0))));
        }

        if (TypeRules.IsSemanticCollection(type))
        {
            return Expression.Block([tmp], Expression.Assign(tmp, value), StructCollection(tmp, type));
        }

        var parts = new List<Expression> { Expression.Assign(tmp, value) };
        foreach (FieldInfo f in TypeRules.InstanceFields(type))
        {
            parts.Add(Emit(Expression.Field(tmp, f), f.FieldType, site.Member(f)));
        }

        parts.Add(Expression.Empty());
        return Expression.Block([tmp], parts);
    }

    private static MethodCallExpression Call(string method, Expression argument) => Expression.Call(Enc, method, null, argument);
}
