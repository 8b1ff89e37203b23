using System.Collections;
using System.Reflection;
using System.Text;

namespace DistSim.Messages;

/// <summary>
/// Names the path to an object the copier refused (only on that path, by reflection): given the chain of objects from the
/// root to it, finds how each holds the next — a field (through inline structs), an array element, a collection element
/// (<c>[3].value</c>) — and names it as the encoder names its slots (<c>Batch.Items[3].Payload</c>).
/// </summary>
internal static class PathFinder
{
    private const int StructDepth = 8;

    /// <summary>The member path and the type that declares its last member (the root's type for the root itself).</summary>
    public static (string Path, Type DeclaringType) Describe(ReadOnlySpan<object?> chain)
    {
        Type root = chain[0]!.GetType();
        var path = new StringBuilder(TypeNames.Friendly(root));
        Type declaring = root;
        for (int i = 0; i + 1 < chain.Length; i++)
        {
            object parent = chain[i]!;
            if (Locate(parent, chain[i + 1]!) is { } step)
            {
                path.Append(step.Segment);
                declaring = step.DeclaringType;
            }
            else
            {
                path.Append(".…");
                declaring = parent.GetType();
            }
        }

        return (path.ToString(), declaring);
    }

    private static (string Segment, Type DeclaringType)? Locate(object parent, object child)
    {
        Type type = parent.GetType();
        if (parent is Array array)
        {
            int index = 0;
            foreach (object? element in array)
            {
                if (Inside(element, child, 0) is { } inner)
                {
                    return ($"[{index}]{inner}", type);
                }

                index++;
            }

            return null;
        }

        Type? collection = TypeRules.IsSemanticCollection(type) ? type : TypeRules.IsBcl(type) ? null : TypeRules.CollectionBase(type);
        if (InFields(parent, type, child, collection is null ? null : type) is { } field)
        {
            return field;
        }

        if (collection is not null && InCollectionMembers(parent, collection, child) is { } member)
        {
            return member;
        }

        if (collection is not null && parent is IEnumerable elements)
        {
            int index = 0;
            foreach (object? element in elements)
            {
                if (Inside(element, child, 0) is { } inner)
                {
                    return ($"[{index}]{inner}", collection);
                }

                index++;
            }
        }

        return null;
    }

    /// <summary>"" when <paramref name="value"/> is the child; ".f.g" when the child is in a field of a struct value; else null.</summary>
    private static string? Inside(object? value, object child, int depth)
    {
        if (ReferenceEquals(value, child))
        {
            return "";
        }

        if (value is null || !value.GetType().IsValueType || TypeRules.IsLeaf(value.GetType()) || depth == StructDepth)
        {
            return null;
        }

        foreach (FieldInfo f in TypeRules.InstanceFields(value.GetType()))
        {
            if (!f.FieldType.IsPointer && Inside(f.GetValue(value), child, depth + 1) is { } inner)
            {
                return "." + TypeNames.Member(f) + inner;
            }
        }

        return null;
    }

    /// <summary>The child as a wrapped collection or a comparer of a BCL collection (named as the encoder names them).</summary>
    private static (string, Type)? InCollectionMembers(object parent, Type collection, object child)
    {
        foreach (FieldInfo f in CollectionRules.WrappedFields(collection))
        {
            if (ReferenceEquals(f.GetValue(parent), child))
            {
                return ("." + TypeNames.Member(f), f.DeclaringType!);
            }
        }

        foreach (MemberInfo m in CollectionRules.ComparerMembers(collection))
        {
            object? value = m is PropertyInfo p ? p.GetValue(parent) : ((FieldInfo)m).GetValue(parent);
            if (ReferenceEquals(value, child))
            {
                return ("." + TypeNames.Member(m), collection);
            }
        }

        return null;
    }

    /// <summary>The child in a field of the parent (user fields only, for a user type deriving from a BCL collection).</summary>
    private static (string, Type)? InFields(object parent, Type type, object child, Type? userCollection)
    {
        foreach (FieldInfo f in TypeRules.InstanceFields(type))
        {
            if ((userCollection is not null && TypeRules.IsBcl(f.DeclaringType!)) || f.FieldType.IsPointer)
            {
                continue;
            }

            if (Inside(f.GetValue(parent), child, 0) is { } inner)
            {
                return ("." + TypeNames.Member(f) + inner, f.DeclaringType!);
            }
        }

        return null;
    }
}
