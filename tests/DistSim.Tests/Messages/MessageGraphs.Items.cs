using System.Collections.Immutable;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;

namespace DistSim.Tests.Messages;

public static partial class MessageGraphs
{
    private static Gen<Scalars> ScalarsGen =>
        from secret in Small
        from note in Strings
        from id in Ints
        from weight in Doubles
        from ratio in Doubles
        from price in Gen.Elements(0m, 1m, 1.0m, 1.00m, -2.5m, decimal.MaxValue)
        from flag in ArbMap.Default.GeneratorFor<bool>()
        from letter in Gen.Elements('a', '\uD800', '\0', 'é')
        from mood in Gen.Elements(Mood.Calm, Mood.Busy, Mood.Lost)
        from day in Gen.Choose(0, 1000)
        from kind in Gen.Elements(DateTimeKind.Unspecified, DateTimeKind.Utc, DateTimeKind.Local)
        from key in Gen.Choose(0, 3)
        from maybe in Gen.OneOf(Gen.Constant<long?>(null), ArbMap.Default.GeneratorFor<long>().Select(l => (long?)l))
        from pairX in Small
        from pairS in Strings
        from pairD in Doubles
        from px in Doubles
        from py in Doubles
        from count in Small
        from label in Strings
        from name in Strings
        from version in Small
        from extra in Small
        from log in Arrays(Small)
        select new Scalars(
            secret, note, id, weight, (float)ratio, price, flag, letter, mood, new DateTime(2020, 1, 1, 0, 0, 0, kind).AddDays(day),
            new Guid(key, 0, 0, new byte[8]), maybe, pairX, pairS, pairD, new Point(px, py), count, label, name, version, extra, log);

    private static Gen<Func<BuildContext, Item>> ItemGen(int depth, int pool) =>
        from s in ScalarsGen
        from r in RefsGen(depth, pool)
        from kind in Gen.Choose(0, 2)
        select (Func<BuildContext, Item>)(c => Assemble(c, kind, s, r));

    private static Gen<Func<BuildContext, Item>?> Nested(int depth, int pool) =>
        depth <= 0
            ? Gen.Constant<Func<BuildContext, Item>?>(null)
            : Gen.Frequency((1, Gen.Constant<Func<BuildContext, Item>?>(null)), (1, ItemGen(depth - 1, pool).Select(f => (Func<BuildContext, Item>?)f)));

    private static Gen<Refs> RefsGen(int depth, int pool) =>
        from leaf in LeafGen
        from sealedLeaf in OrNull(from x in ArbMap.Default.GeneratorFor<long>() from m in Gen.Elements(Mood.Calm, Mood.Lost) select new SealedLeaf(x, m))
        from pairLeaf in LeafGen
        from payload in PayloadGen(depth, pool)
        from next in Nested(depth, pool)
        from counter in Gen.Choose(-1, pool - 1)
        from numbers in OrNull(Arrays(Ints))
        from grid in OrNull(from rows in Gen.Choose(0, 4) from cols in Gen.Choose(0, 4) from g in Small.Array2DOf(rows, cols) select g)
        from jagged in OrNull(Arrays(OrNull(Arrays(Strings))))
        from pairs in OrNull(Several(from x in Small from sv in Strings from l in LeafGen select (Func<BuildContext, Pair>)(c => new Pair { X = x, S = sv, L = l(c), D = x / 2.0 }), 3))
        from leaves in OrNull(Several(LeafGen, 4))
        from children in depth <= 0 ? Gen.Constant<(string, Func<BuildContext, Item>?)[]?>(null)
            : OrNull(Gen.Choose(0, 3).SelectMany(n => (from k in Keys from child in Nested(depth, pool) select (k, child)).ArrayOf(n)))
        from tags in OrNull(Arrays(Keys))
        from index in OrNull(Arrays(from k in Small from v in Strings select (k, v)))
        from chain in OrNull(Arrays(Gen.Choose(-1, pool - 1)))
        from labels in OrNull(Arrays(Keys))
        select new Refs(leaf, sealedLeaf, pairLeaf, payload, next, counter, numbers, grid, jagged, pairs, leaves, children, tags, index, chain, labels);

    private static Gen<Func<BuildContext, object?>> PayloadGen(int depth, int pool)
    {
        Gen<Func<BuildContext, object?>> simple = Gen.OneOf(
            Ints.Select(i => (Func<BuildContext, object?>)(_ => i)),
            ArbMap.Default.GeneratorFor<long>().Select(l => (Func<BuildContext, object?>)(_ => l)),
            Strings.Select(s => (Func<BuildContext, object?>)(_ => s)),
            LeafGen.Select(f => (Func<BuildContext, object?>)(c => f(c))));
        var choices = new List<Gen<Func<BuildContext, object?>>>
        {
            Gen.Constant<Func<BuildContext, object?>>(_ => null),
            simple,
            Gen.Choose(0, pool - 1).Select(i => (Func<BuildContext, object?>)(c => c.Pool[i])),
            Arrays(Ints).Select(a => (Func<BuildContext, object?>)(_ => a.Clone())),
            Several(simple, 4).Select(xs => (Func<BuildContext, object?>)(c => c.List(xs.Select(x => x(c))))),
            (from x in Small from sv in Strings from l in LeafGen select (Func<BuildContext, object?>)(c => new Pair { X = x, S = sv, L = l(c) })),
            Doubles.Select(d => (Func<BuildContext, object?>)(_ => new Point(d, 1))),

            // A boxed struct that can replace itself (this = …): each copy must have its own box.
            Small.Select(x => (Func<BuildContext, object?>)(_ => new Bumper(x))),

            // An ImmutableArray over an array the sender still holds (ImmutableCollectionsMarshal): not immutable.
            Arrays(Ints).Select(a => (Func<BuildContext, object?>)(_ => ImmutableCollectionsMarshal.AsImmutableArray((int[])a.Clone()))),

            // A dictionary subclass keyed by the pool's counters (hashed by identity): the copy must find its copied keys.
            (from keys in Gen.Choose(0, pool - 1).ArrayOf(Math.Min(pool, 3))
             from values in Strings.ArrayOf(3)
             select (Func<BuildContext, object?>)(c => CounterMap.Of(keys.Distinct().Select((k, i) => (c.Pool[k], (string?)values[i]))))),

            // A dictionary with a comparer a receiver can tell apart (ordinal, case-insensitive, or a comparer with state).
            (from kind in Gen.Choose(0, 3)
             from entries in Arrays(from k in Keys from v in Ints select (k, v))
             select (Func<BuildContext, object?>)(_ => ComparedMap.Of(kind, entries))),
        };
        if (depth > 0)
        {
            choices.Add(ItemGen(depth - 1, pool).Select(f => (Func<BuildContext, object?>)(c => f(c))));
        }

        return Gen.OneOf(choices);
    }

    private static Item Assemble(BuildContext c, int kind, Scalars s, Refs r)
    {
        Item it = kind switch
        {
            0 => new Item(s.Secret, s.Note) { Version = s.Version },
            1 => new SameItem(s.Secret, s.Note) { Version = s.Version },
            _ => new SpecialItem(s.Secret, s.Note) { Version = s.Version, Extra = s.Extra },
        };
        it.Id = s.Id;
        it.Weight = s.Weight;
        it.Ratio = s.Ratio;
        it.Price = s.Price;
        it.Flag = s.Flag;
        it.Letter = s.Letter;
        it.Mood = s.Mood;
        it.When = s.When;
        it.Key = s.Key;
        it.Maybe = s.Maybe;
        it.Pair = new Pair { X = s.PairX, S = s.PairS, L = r.PairLeaf(c), D = s.PairD };
        it.Point = s.Point;
        it.Tuple = (s.Count, s.Label);
        it.Name = s.Name;
        it.Leaf = r.Leaf(c);
        it.Sealed = r.Sealed is { } sl ? new SealedLeaf(sl.X, sl.M) : null;
        it.Payload = r.Payload(c);
        it.Next = r.Next?.Invoke(c);
        it.Counter = r.Counter < 0 ? null : c.Pool[r.Counter];
        it.Numbers = (int[]?)r.Numbers?.Clone();
        it.Grid = (int[,]?)r.Grid?.Clone();
        it.Jagged = r.Jagged is null ? null : Array.ConvertAll(r.Jagged, a => (string?[]?)a?.Clone());
        it.Pairs = r.Pairs is null ? null : Array.ConvertAll(r.Pairs, p => p(c));
        it.Leaves = r.Leaves is null ? null : c.List(r.Leaves.Select(f => f(c)));
        it.Children = r.Children is null ? null : c.Dictionary(r.Children.Select(kv => (kv.Key, kv.Child?.Invoke(c))));
        it.Tags = r.Tags is null ? null : c.Set(r.Tags);
        if (r.Index is not null)
        {
            it.Index = new SortedDictionary<int, string?>();
            foreach ((int k, string? v) in r.Index)
            {
                it.Index[k] = v;
            }
        }

        it.Chain = r.Chain is null ? null : new LinkedList<Counter?>(r.Chain.Select(i => i < 0 ? null : c.Pool[i]));
        it.Labels = r.Labels is null ? null : ImmutableList.CreateRange(r.Labels);
        it.Log.AddRange(c.List(s.Log));
        return it;
    }

    private sealed record Scalars(
        int Secret, string? Note, int Id, double Weight, float Ratio, decimal Price, bool Flag, char Letter, Mood Mood, DateTime When,
        Guid Key, long? Maybe, int PairX, string? PairS, double PairD, Point Point, int Count, string? Label, string? Name, int Version,
        int Extra, int[] Log);

    private sealed record Refs(
        Func<BuildContext, Leaf?> Leaf, SealedLeaf? Sealed, Func<BuildContext, Leaf?> PairLeaf, Func<BuildContext, object?> Payload,
        Func<BuildContext, Item>? Next, int Counter, int[]? Numbers, int[,]? Grid, string?[]?[]? Jagged, Func<BuildContext, Pair>[]? Pairs,
        Func<BuildContext, Leaf?>[]? Leaves, (string Key, Func<BuildContext, Item>? Child)[]? Children, string[]? Tags,
        (int Key, string? Value)[]? Index, int[]? Chain, string[]? Labels);
}
