using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DistSim.Tests.Messages;

/// <summary>One place in a graph that can be changed observably: a field (at any depth, private or not), an element, a collection.</summary>
public sealed record MutationSite(string Path, bool InsideImmutable, Func<int, bool> Apply);

/// <summary>
/// Finds every mutable place of a generated graph by reflection and changes one of them so that a receiver could tell:
/// a different value (raw bits for doubles, a lone surrogate in a string, another enum value, another DateTime kind),
/// null ↔ non-null, an object replaced by an instance of a twin type with the same fields, an element added, removed, or
/// two different elements swapped.
/// </summary>
public static partial class Mutations
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>How many kinds of places the graph has (a field name, the elements of a collection, …).</summary>
    public static int KindCount(object root, bool skipImmutable = false) => Kinds(root, skipImmutable).Count;

    /// <summary>
    /// Applies one mutation at a place of kind <paramref name="kind"/> (chosen by <paramref name="pick"/>), or, if no place of
    /// that kind accepts <paramref name="variant"/>, at the next place that does.
    /// </summary>
    public static string Mutate(object root, int kind, int pick, int variant, bool skipImmutable = false)
    {
        List<List<MutationSite>> kinds = Kinds(root, skipImmutable);
        List<MutationSite> sites = kinds.SelectMany(k => k).ToList();
        List<MutationSite> chosen = kinds[kind % kinds.Count];
        int first = sites.IndexOf(chosen[(int)((uint)pick % (uint)chosen.Count)]);
        for (int k = 0; k < sites.Count; k++)
        {
            MutationSite site = sites[(first + k) % sites.Count];
            for (int v = 0; v < 3; v++)
            {
                if (site.Apply(variant + v))
                {
                    return $"{site.Path} (variant {variant + v})";
                }
            }
        }

        throw new InvalidOperationException("no mutable site");
    }

    private static List<List<MutationSite>> Kinds(object root, bool skipImmutable) =>
        Sites(root).FindAll(s => !skipImmutable || !s.InsideImmutable)
            .GroupBy(s => Kind(s.Path)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();

    private static string Kind(string path)
    {
        string general = Regex.Replace(path, @"\[[^\]]*\]", "[]");
        return general[(general.LastIndexOf('.') + 1)..];
    }

    public static List<MutationSite> Sites(object root)
    {
        var sites = new List<MutationSite>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(root, "root", false);
        return sites;

        void Visit(object? o, string path, bool immutable)
        {
            if (o is null || o is string || o.GetType().IsPrimitive || o.GetType().IsEnum || !seen.Add(o))
            {
                return;
            }

            Type t = o.GetType();
            immutable |= IsImmutable(t);
            switch (o)
            {
                case Array { Rank: 1 } a:
                    Type e = t.GetElementType()!;
                    for (int i = 0; i < a.Length; i++)
                    {
                        int j = i;
                        Value($"{path}[{i}]", e, () => a.GetValue(j), v => a.SetValue(v, j), immutable);
                    }

                    sites.Add(new MutationSite(path + ".swap", immutable, _ => Swap(a.Length, a.GetValue, (x, y) =>
                    {
                        object? tmp = a.GetValue(x);
                        a.SetValue(a.GetValue(y), x);
                        a.SetValue(tmp, y);
                    })));
                    break;
                case Array a:
                    for (int i = 0; i < a.GetLength(0); i++)
                    {
                        for (int j = 0; j < a.GetLength(1); j++)
                        {
                            (int x, int y) = (i, j);
                            Value($"{path}[{i},{j}]", t.GetElementType()!, () => a.GetValue(x, y), v => a.SetValue(v, x, y), immutable);
                        }
                    }

                    break;
                case IList list when t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>):
                    Type le = t.GetGenericArguments()[0];
                    for (int i = 0; i < list.Count; i++)
                    {
                        int j = i;
                        Value($"{path}[{i}]", le, () => list[j], v => list[j] = v, immutable);
                    }

                    sites.Add(new MutationSite(path + ".shape", immutable, v => (v % 3) switch
                    {
                        0 => Do(() => list.Add(Fresh(le))),
                        1 => list.Count > 0 && Do(() => list.RemoveAt(list.Count - 1)),
                        _ => Swap(list.Count, i => list[i], (x, y) => (list[x], list[y]) = (list[y], list[x])),
                    }));
                    break;
                case IDictionary map:
                    Type ve = GenericDictionary(t).GetGenericArguments()[1];
                    if (map is Dictionary<string, int> { Comparer: FlipComparer flip })
                    {
                        // A comparer with state: flipping it changes what the dictionary finds.
                        sites.Add(new MutationSite(path + ".comparer", immutable, _ => Do(() => flip.IgnoreCase = !flip.IgnoreCase)));
                    }

                    foreach (object key in map.Keys.Cast<object>().ToList())
                    {
                        Value($"{path}[{key}]", ve, () => map[key], v => map[key] = v, immutable);
                    }

                    sites.Add(new MutationSite(path + ".shape", immutable, v => v % 2 == 0
                        ? Do(() => map[NewKey(map)] = Fresh(ve))
                        : map.Count > 0 && Do(() => map.Remove(map.Keys.Cast<object>().First()))));
                    break;
                case HashSet<string> set:
                    sites.Add(new MutationSite(path + ".shape", immutable, v => v % 2 == 0 ? set.Add("\uD800new") : set.Count > 0 && set.Remove(set.First())));
                    return;
                case LinkedList<Counter?> chain:
                    int n = 0;
                    for (LinkedListNode<Counter?>? node = chain.First; node is not null; node = node.Next, n++)
                    {
                        LinkedListNode<Counter?> current = node;
                        Value($"{path}[{n}]", typeof(Counter), () => current.Value, v => current.Value = (Counter?)v, immutable);
                    }

                    sites.Add(new MutationSite(path + ".shape", immutable, v => v % 2 == 0 ? Do(() => chain.AddFirst((Counter?)null)) : chain.Count > 0 && Do(chain.RemoveLast)));
                    break;
                case ImmutableList<string>:
                    return;
                default:
                    foreach (FieldInfo f in t.GetFields(Instance).Concat(BaseFields(t)))
                    {
                        object target = o;
                        Value($"{path}.{f.Name}", f.FieldType, () => f.GetValue(target), v => f.SetValue(target, v), immutable);
                    }

                    break;
            }
        }

        // A value of declared type `declared`: structs are walked field by field; everything else is a site.
        void Value(string path, Type declared, Func<object?> get, Action<object?> set, bool immutable)
        {
            if (declared.IsValueType && !declared.IsPrimitive && !declared.IsEnum && Nullable.GetUnderlyingType(declared) is null && !IsScalar(declared))
            {
                foreach (FieldInfo f in declared.GetFields(Instance))
                {
                    Value($"{path}.{f.Name}", f.FieldType, () => f.GetValue(get()), v =>
                    {
                        object box = get()!;
                        f.SetValue(box, v);
                        set(box);
                    }, immutable || IsImmutable(declared));
                }

                return;
            }

            sites.Add(new MutationSite(path, immutable, variant =>
            {
                object? current = get();
                if (!Change(declared, current, variant, out object? changed))
                {
                    return false;
                }

                set(changed);
                return true;
            }));
            object? value = get();
            if (value is null || declared.IsValueType || value is string || IsScalar(value.GetType()) || value.GetType().IsPrimitive || value.GetType().IsEnum)
            {
                return;
            }

            if (value.GetType().IsValueType)
            {
                // A boxed struct behind an object field: its fields are sites too (mutating the box in place).
                foreach (FieldInfo f in value.GetType().GetFields(Instance))
                {
                    Value($"{path}.{f.Name}", f.FieldType, () => f.GetValue(value), v => f.SetValue(value, v), immutable || IsImmutable(value.GetType()));
                }
            }
            else
            {
                Visit(value, path, immutable);
            }
        }
    }

    /// <summary>Test-side knowledge of which shapes are immutable (their insides must not be changed in a copy: they are shared).</summary>
    public static bool IsImmutable(Type t) =>
        t == typeof(string) || typeof(Leaf).IsAssignableFrom(t) || t == typeof(SealedLeaf) || t == typeof(Frozen) || t == typeof(Point)
        || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ImmutableList<>));

    private static IEnumerable<FieldInfo> BaseFields(Type t)
    {
        for (Type? b = t.BaseType; b is not null; b = b.BaseType)
        {
            foreach (FieldInfo f in b.GetFields(Instance | BindingFlags.DeclaredOnly))
            {
                if (f.IsPrivate)
                {
                    yield return f;
                }
            }
        }
    }

    private static bool IsScalar(Type t) => t == typeof(decimal) || t == typeof(DateTime) || t == typeof(Guid);

    private static bool Do(Action action)
    {
        action();
        return true;
    }

    /// <summary>Swaps the first two elements that differ in value (swapping equal values would change nothing observable).</summary>
    private static bool Swap(int count, Func<int, object?> get, Action<int, int> swap)
    {
        for (int i = 0; i < count; i++)
        {
            for (int j = i + 1; j < count; j++)
            {
                if (!StructuralComparisons.StructuralEqualityComparer.Equals(get(i), get(j)) && Comparable(get(i)) && Comparable(get(j)))
                {
                    swap(i, j);
                    return true;
                }
            }
        }

        return false;
    }

    // Values whose Equals is by value (a swap of two different ones is observable without looking at identities).
    private static bool Comparable(object? v) => v is null or string or Leaf or Array || v.GetType().IsValueType;

    private static Type GenericDictionary(Type t) =>
        Array.Find(t.GetInterfaces(), i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))!;

    private static object NewKey(IDictionary map) => map switch
    {
        SortedDictionary<int, string?> s => s.Count == 0 ? 0 : s.Keys.Max() + 1,
        CounterMap => new Counter { Value = -map.Count },
        _ => "\uD800new" + map.Count,
    };
}
