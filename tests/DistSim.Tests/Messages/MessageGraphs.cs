using FsCheck;
using FsCheck.Fluent;

namespace DistSim.Tests.Messages;

/// <summary>One build of a recipe: the shared counters (aliasing) and whether to build collections another way.</summary>
public sealed class BuildContext(bool variant)
{
    public Counter[] Pool { get; set; } = [];

    /// <summary>A list with other capacity and history (an element added and removed) but the same contents.</summary>
    public List<T> List<T>(IEnumerable<T> items)
    {
        if (!variant)
        {
            return [.. items];
        }

        var list = new List<T>(37) { default! };
        list.AddRange(items);
        list.RemoveAt(0);
        return list;
    }

    /// <summary>A dictionary with other capacity and a key added and removed first (the enumeration order is unchanged).</summary>
    public Dictionary<string, TValue> Dictionary<TValue>(IEnumerable<(string Key, TValue Value)> items)
    {
        var d = variant ? new Dictionary<string, TValue>(53) { ["\u0001junk"] = default! } : [];
        foreach ((string k, TValue v) in items)
        {
            d[k] = v;
        }

        d.Remove("\u0001junk");
        return d;
    }

    public HashSet<string> Set(IEnumerable<string> items)
    {
        var s = variant ? new HashSet<string>(41) { "\u0001junk" } : [];
        s.UnionWith(items);
        s.Remove("\u0001junk");
        return s;
    }
}

/// <summary>
/// A generated message graph, as a recipe: each <see cref="Build"/> makes a new, independent graph with the same
/// contents and the same sharing (items that point to the same counter of the pool).
/// </summary>
public sealed class Recipe(Func<BuildContext, Item> build, Func<BuildContext, Counter>[] pool)
{
    public Item Build(bool variant = false)
    {
        var context = new BuildContext(variant);
        context.Pool = Array.ConvertAll(pool, p => p(context));
        return build(context);
    }

    public override string ToString() => $"Recipe({Convert.ToHexString(DistSim.Messages.MessageCodec.Encode(Build()))})";
}

/// <summary>FsCheck generators of message graphs (the types of Shapes.cs): everything the codec must cover.</summary>
public static partial class MessageGraphs
{
    private static readonly Gen<int> Ints = ArbMap.Default.GeneratorFor<int>();
    private static readonly Gen<int> Small = Gen.Choose(-3, 3);

    private static readonly Gen<string?> Strings = Gen.Frequency(
        (1, Gen.Constant<string?>(null)),
        (4, Gen.Elements<string?>("", "a", "hello", "\uD800", "x\uDC00", "\uD83D\uDE00", "é", "a\0b", "\uFFFD")),
        (2, ArbMap.Default.GeneratorFor<string>().Select(s => (string?)s)));

    private static readonly Gen<string> Keys = Gen.Elements("k", "key", "\uD800", "é", "", "zz", "a\0", "long key");

    private static readonly Gen<double> Doubles = Gen.OneOf(
        Gen.Elements(0.0, -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001), double.NegativeInfinity, double.Epsilon, 1.5),
        ArbMap.Default.GeneratorFor<double>());

    public static Arbitrary<Recipe> Recipes() => RecipeGen.ToArbitrary();

    public static Arbitrary<Frozen> FrozenMessages() =>
        (from a in Ints
         from b in Strings
         from x in ArbMap.Default.GeneratorFor<long>()
         from tags in Arrays(Keys)
         from p in Doubles
         from m in Gen.Elements(Mood.Calm, Mood.Busy, Mood.Lost)
         from amount in ArbMap.Default.GeneratorFor<decimal>()
         select new Frozen(a, b, x % 2 == 0 ? null : new SealedLeaf(x, m), [.. tags], new Point(p, -p), m, amount)).ToArbitrary();

    public static Gen<Recipe> RecipeGen =>
        from poolSize in Gen.Choose(1, 3)
        from pool in CounterGen.ArrayOf(poolSize)
        from item in ItemGen(2, poolSize)
        select new Recipe(item, pool);

    private static Gen<Func<BuildContext, Counter>> CounterGen =>
        from value in Ints
        from history in Arrays(Small)
        from same in ArbMap.Default.GeneratorFor<bool>()
        select (Func<BuildContext, Counter>)(c =>
        {
            Counter counter = same ? new SameCounter() : new Counter();
            counter.Value = value;
            counter.History = c.List(history);
            return counter;
        });

    private static Gen<Func<BuildContext, Leaf?>> LeafGen =>
        Gen.Frequency(
            (1, Gen.Constant<Func<BuildContext, Leaf?>>(_ => null)),
            (4, from a in Small
                from b in Strings
                from kind in Gen.Choose(0, 2)
                select (Func<BuildContext, Leaf?>)(_ => kind switch
                {
                    0 => new Leaf(a, b),
                    1 => new SameLeaf(a, b),
                    _ => new DerivedLeaf(a, b, 0.5),
                })));

    private static Gen<T?> OrNull<T>(Gen<T> gen)
        where T : class => Gen.Frequency((1, Gen.Constant<T?>(null)), (3, gen.Select(x => (T?)x)));

    /// <summary>Arrays of up to 12 elements, whatever the size (the mutation properties visit every element).</summary>
    private static Gen<T[]> Arrays<T>(Gen<T> gen) => Gen.Choose(0, 12).SelectMany(n => gen.ArrayOf(n));

    private static Gen<Func<BuildContext, T>[]> Several<T>(Gen<Func<BuildContext, T>> gen, int max) =>
        Gen.Choose(0, max).SelectMany(n => gen.ArrayOf(n));
}
