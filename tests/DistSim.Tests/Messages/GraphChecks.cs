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
                bool boxes = !o.GetType().GetElementType()!.IsValueType;
                foreach (object? e in array)
                {
                    Follow(e, boxes);
                }

                continue;
            }

            Fields(o, Follow);
        }

        return seen;

        // A struct read from a struct-typed slot is part of its container; one read from a reference-typed slot is a box,
        // an object with its own identity (which a copy must not share unless it cannot change).
        void Follow(object? value, bool boxed)
        {
            if (value is null)
            {
                return;
            }

            if (value.GetType().IsValueType && !boxed)
            {
                Fields(value, Follow); // a struct: its fields are the container's
                return;
            }

            pending.Push(value);
        }
    }

    private static void Fields(object o, Action<object?, bool> follow)
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
                    follow(f.GetValue(o), !f.FieldType.IsValueType);
                }
            }
        }
    }

    /// <summary>Every dictionary and set reachable from <paramref name="root"/> finds each of its own keys (none has stale buckets).</summary>
    public static List<string> KeysNotFound(object root)
    {
        var lost = new List<string>();
        foreach (object o in Reachable(root))
        {
            switch (o)
            {
                case IDictionary d:
                    lost.AddRange(d.Keys.Cast<object>().Where(k => !d.Contains(k)).Select(k => $"{o.GetType().Name}[{k}]"));
                    break;
                case HashSet<string> set:
                    lost.AddRange(set.Where(k => !set.Contains(k)));
                    break;
            }
        }

        return lost;
    }

    private static bool IsSystem(Type t) => t.Namespace?.StartsWith("System", StringComparison.Ordinal) == true;

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

            // A System collection, or a user type deriving from one: its elements, then (for the user type) its own fields.
            bool collection = a is IEnumerable && (a is Array || IsSystem(a.GetType())
                || (a.GetType().BaseType is { } @base && @base != typeof(object) && typeof(IEnumerable).IsAssignableFrom(@base) && IsSystem(@base)));
            if (collection)
            {
                List<object?> la = ((IEnumerable)a).Cast<object?>().ToList(), lb = ((IEnumerable)b).Cast<object?>().ToList();
                if (la.Count != lb.Count || !la.Zip(lb).All(p => Walk(p.First, p.Second)))
                {
                    return false;
                }
            }

            for (Type? t = a.GetType(); t is not null && !(collection && IsSystem(t)); t = t.BaseType)
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
