using System.Collections.Immutable;
using System.IO.Hashing;
using DistSim.Messages;
using FsCheck.Fluent;

namespace DistSim.Tests.Messages;

public sealed class ProbeA;

public sealed class ProbeB;

/// <summary>A generic shape instantiated only here, so that its plans are built while threads race.</summary>
public sealed class Probe<T>
{
    public int Id;
    public List<T?> Items = [];
    public object? Extra;
}

public class DeterminismTests
{
    /// <summary>A graph with every kind of content, built the same way in every process.</summary>
    private static Item Fixed()
    {
        var shared = new Counter { Value = 3, History = [1, 2] };
        var item = new SpecialItem(-7, "note\uD800") { Version = 2, Extra = 9 };
        item.Id = 42;
        item.Weight = -0.0;
        item.Ratio = float.NaN;
        item.Price = 1.50m;
        item.Flag = true;
        item.Letter = 'é';
        item.Mood = Mood.Lost;
        item.When = new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc);
        item.Key = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        item.Maybe = long.MinValue;
        item.Pair = new Pair { X = 1, S = "s", L = new SameLeaf(2, null), D = double.Epsilon };
        item.Point = new Point(1.5, -2.5);
        item.Tuple = (3, "three");
        item.Leaf = new DerivedLeaf(4, "four", 0.25);
        item.Sealed = new SealedLeaf(5, Mood.Busy);
        item.Payload = new List<object?> { 1, 2L, "x", null, new Point(0, 0), shared };
        item.Next = new SameItem(1, null) { Counter = shared, Numbers = [1, 2, 3] };
        item.Counter = shared;
        item.Numbers = [int.MinValue, 0, int.MaxValue];
        item.Grid = new[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        item.Jagged = [["a", null], null, []];
        item.Pairs = [new Pair { X = 7 }];
        item.Leaves = [new Leaf(1, "a"), null];
        item.Children = new() { ["z"] = null, ["a"] = new Item(0, "child") };
        item.Tags = ["t2", "t1"];
        item.Index = new() { [2] = "b", [1] = null };
        item.Chain = new([shared, null]);
        item.Labels = ImmutableList.Create("l1", "l2");
        item.Name = "name";
        item.Log.AddRange([9, 8]);
        return item;
    }

    [Fact]
    public void FixedGraph_HasTheSameBytesInEveryProcess()
    {
        byte[] bytes = MessageCodec.Encode(Fixed());

        Assert.Equal(0x3DAFF41950CBE94BUL, XxHash64.HashToUInt64(bytes)); // format version 3: hash-ordered collections in canonical order
    }

    /// <summary>Collections that enumerate in the order of hash codes — of strings, which .NET draws anew in every process.</summary>
    public sealed record HashOrdered(
        ImmutableHashSet<string> Set,
        ImmutableDictionary<string, int> Map,
        System.Collections.Hashtable Table,
        System.Collections.Concurrent.ConcurrentDictionary<string, int> Concurrent,
        System.Collections.Frozen.FrozenSet<string> Frozen);

    private static HashOrdered HashOrderedGraph(IEnumerable<string> keys)
    {
        string[] k = [.. keys];
        var table = new System.Collections.Hashtable();
        foreach (string s in k)
        {
            table[s] = s.Length;
        }

        return new HashOrdered(
            [.. k],
            k.ToImmutableDictionary(s => s, s => s.Length),
            table,
            new System.Collections.Concurrent.ConcurrentDictionary<string, int>(k.Select(s => KeyValuePair.Create(s, s.Length))),
            System.Collections.Frozen.FrozenSet.ToFrozenSet(k));
    }

    [Fact(DisplayName = "Hash-ordered collections of strings encode the same in every process (string hash codes are drawn per process) and whatever the insertion order")]
    public void HashOrderedCollections_HaveTheSameBytesInEveryProcess()
    {
        string[] keys = [.. Enumerable.Range(0, 24).Select(i => "key-" + i)];
        byte[] forward = MessageCodec.Encode(HashOrderedGraph(keys));
        byte[] backward = MessageCodec.Encode(HashOrderedGraph(keys.Reverse()));
        Assert.Equal(forward, backward);
        // Pinned: every test run is a new process with new string hash codes, so this fails if the order leaks in.
        Assert.Equal(0xCDB72BD2359B08F9UL, XxHash64.HashToUInt64(forward));
    }

    [Fact]
    public void EncodingOnManyThreads_GivesTheSameBytes()
    {
        Recipe[] recipes = MessageGraphs.RecipeGen.Sample(20, 16);
        byte[][] expected = recipes.Select(r => MessageCodec.Encode(r.Build())).ToArray();
        Item[] graphs = recipes.Select(r => r.Build()).ToArray();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int round = 0; round < 10; round++)
            {
                for (int i = 0; i < graphs.Length; i++)
                {
                    int k = (i + t) % graphs.Length;
                    Assert.Equal(expected[k], MessageCodec.Encode(graphs[k]));
                    Assert.Equal(expected[k], MessageCodec.Encode(MessageCopier.DeepCopy(graphs[k])));
                }
            }
        });
    }

    [Fact]
    public void PlansBuiltWhileThreadsRace_GiveTheSameBytes()
    {
        object[] messages = [new Probe<ProbeA> { Id = 1, Items = [new ProbeA(), null] }, new Probe<ProbeB> { Id = 2, Extra = new Probe<ProbeB>() }];
        using var start = new Barrier(4);

        byte[][][] results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ =>
        {
            start.SignalAndWait();
            return messages.Select(m => MessageCodec.Encode(MessageCopier.DeepCopy(m))).ToArray();
        }).ToArray();

        foreach (byte[][] r in results)
        {
            Assert.Equal(MessageCodec.Encode(messages[0]), r[0]);
            Assert.Equal(MessageCodec.Encode(messages[1]), r[1]);
        }
    }
}
