using System.Collections;
using System.Reflection;

namespace DistSim.Tests.Messages;

/// <summary>Reflection walks over whole object graphs, BCL internals included, independent of the code under test.</summary>
public static class GraphChecks
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>The objects that both graphs reach and that could change (anything but strings, immutables, empty arrays, comparers, field-less objects).</summary>
    public static List<object> SharedMutable(object a, object b)
    {
        HashSet<object> left = Reachable(a);
        return Reachable(b).Where(left.Contains).ToList();
    }

    /// <summary>Every object reachable through instance fields and array elements, not entering objects that may be shared.</summary>
    public static HashSet<object> Reachable(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            object o = pending.Pop();
            if (MayBeShared(o) || !seen.Add(o))
            {
                continue;
            }

            if (o is Array array)
            {
                foreach (object? e in array)
                {
                    Follow(e);
                }

                continue;
            }

            Fields(o, Follow);
        }

        return seen;

        void Follow(object? value)
        {
            if (value is null)
            {
                return;
            }

            if (value.GetType().IsValueType)
            {
                Fields(value, Follow); // a struct: its fields are the container's
                if (value.GetType().IsPrimitive || value.GetType().IsEnum)
                {
                    return;
                }
            }

            if (!value.GetType().IsValueType)
            {
                pending.Push(value);
            }
        }
    }

    private static void Fields(object o, Action<object?> follow)
    {
        if (o.GetType().IsPrimitive || o.GetType().IsEnum || o is string or decimal or DateTime or Guid)
        {
            return;
        }

        for (Type? t = o.GetType(); t is not null; t = t.BaseType)
        {
            foreach (FieldInfo f in t.GetFields(Instance))
            {
                if (!f.FieldType.IsPointer && f.FieldType != typeof(IntPtr))
                {
                    follow(f.GetValue(o));
                }
            }
        }
    }

    private static bool MayBeShared(object o)
    {
        Type t = o.GetType();
        return Mutations.IsImmutable(t) || t.IsPrimitive || t.IsEnum
            || o is Array { Length: 0 } or IComparer or IEqualityComparer
            || Array.Exists(t.GetInterfaces(), i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IComparer<>) || i.GetGenericTypeDefinition() == typeof(IEqualityComparer<>)))
            || (!t.IsArray && !HasInstanceFields(t));
    }

    private static bool HasInstanceFields(Type t)
    {
        for (Type? c = t; c is not null; c = c.BaseType)
        {
            if (c.GetFields(Instance).Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Walks the original and the copy side by side (fields, array elements, collection elements in order) and checks that
    /// sharing is the same: two places hold the same object in the original iff they hold the same object in the copy.
    /// </summary>
    public static bool SameSharing(object original, object copy)
    {
        var forward = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
        var backward = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
        return Walk(original, copy);

        bool Walk(object? a, object? b)
        {
            if (a is null || b is null)
            {
                return a is null && b is null;
            }

            if (a.GetType() != b.GetType())
            {
                return false;
            }

            if (a is string || a.GetType().IsPrimitive || a.GetType().IsEnum || a is decimal or DateTime or Guid)
            {
                return a.Equals(b);
            }

            if (!a.GetType().IsValueType)
            {
                bool seenA = forward.TryGetValue(a, out object? mappedB);
                bool seenB = backward.TryGetValue(b, out object? mappedA);
                if (seenA || seenB)
                {
                    return ReferenceEquals(mappedB, b) && ReferenceEquals(mappedA, a);
                }

                forward[a] = b;
                backward[b] = a;
            }

            if (a is IEnumerable ea && (a is Array || a.GetType().Namespace!.StartsWith("System", StringComparison.Ordinal)))
            {
                List<object?> la = ea.Cast<object?>().ToList(), lb = ((IEnumerable)b).Cast<object?>().ToList();
                return la.Count == lb.Count && la.Zip(lb).All(p => Walk(p.First, p.Second));
            }

            for (Type? t = a.GetType(); t is not null; t = t.BaseType)
            {
                foreach (FieldInfo f in t.GetFields(Instance))
                {
                    if (!Walk(f.GetValue(a), f.GetValue(b)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
