using System.Linq.Expressions;
using System.Reflection;

namespace DistSim.Messages;

/// <summary>What a BCL collection is besides its elements: flags, comparers, the collection it wraps, its events.</summary>
internal static partial class EncodeCompiler
{
    /// <summary>A struct collection (<c>ImmutableArray&lt;T&gt;</c>): <c>0</c> for the default value (which cannot be enumerated), else <c>1</c> and the elements.</summary>
    private static Expression StructCollection(Expression value, Type type)
    {
        MethodInfo equals = typeof(EqualityComparer<>).MakeGenericType(type).GetMethod(nameof(EqualityComparer<>.Equals), [type, type])!;
        Expression comparer = Expression.Property(null, typeof(EqualityComparer<>).MakeGenericType(type), nameof(EqualityComparer<>.Default));
        return Expression.IfThenElse(
            Expression.Call(comparer, equals, value, Expression.Default(type)),
            Call(nameof(Encoder.WriteByte), Expression.Constant((byte)0)),
            Expression.Block(Call(nameof(Encoder.WriteByte), Expression.Constant((byte)1)), SemanticBody(value, type)));
    }

    /// <summary>
    /// A BCL collection: its contents (<see cref="CollectionBody"/>), then what else a receiver can observe of it — its
    /// per-instance flags (read-only, case-insensitive), its comparers (by reference: type, and fields for a user comparer),
    /// the collections it wraps (by reference: type, and fields for a user collection) — and a check that its events
    /// have no handler.
    /// </summary>
    private static Expression SemanticBody(Expression collection, Type type)
    {
        var parts = new List<Expression> { Contents(collection, type) };
        foreach (FieldInfo f in CollectionRules.StateFields(type))
        {
            parts.Add(Call(nameof(Encoder.WriteBool), Expression.Field(Expression.Convert(collection, f.DeclaringType!), f)));
        }

        foreach (MemberInfo m in CollectionRules.ComparerMembers(type))
        {
            Expression owner = Expression.Convert(collection, m.DeclaringType!);
            (Expression value, Type declared) = m is PropertyInfo p ? (Expression.Property(owner, p), p.PropertyType) : (Expression.Field(owner, (FieldInfo)m), ((FieldInfo)m).FieldType);
            parts.Add(Emit(value, declared, new Site(type, TypeNames.Member(m), false, Expression.Constant(-1))));
        }

        foreach (FieldInfo f in CollectionRules.WrappedFields(type))
        {
            parts.Add(Emit(Expression.Field(Expression.Convert(collection, f.DeclaringType!), f), f.FieldType, Site.Field(f)));
        }

        foreach (FieldInfo f in CollectionRules.EventFields(type))
        {
            Expression handler = Expression.Field(Expression.Convert(collection, f.DeclaringType!), f);
            var slot = new Slot(f.DeclaringType!, TypeNames.Member(f), f.FieldType, isElement: false);
            parts.Add(Expression.IfThen(
                Expression.NotEqual(handler, Expression.Constant(null, f.FieldType)),
                Expression.Call(Enc, nameof(Encoder.WriteRef), null, Expression.Convert(handler, typeof(object)), Expression.Constant(slot), Expression.Constant(-1))));
        }

        parts.Add(Expression.Empty());
        return Expression.Block(parts);
    }

    /// <summary>The elements: a <see cref="PriorityQueue{TElement,TPriority}"/> by its unordered items (the heap order a receiver enumerates), others by themselves.</summary>
    private static Expression Contents(Expression collection, Type type)
    {
        if (TypeRules.IsPriorityQueue(type))
        {
            PropertyInfo items = type.GetProperty(nameof(PriorityQueue<,>.UnorderedItems))!;
            return CollectionBody(Expression.Property(collection, items), items.PropertyType);
        }

        return CollectionBody(collection, type);
    }
}
