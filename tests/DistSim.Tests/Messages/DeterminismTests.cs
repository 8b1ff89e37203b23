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

        Assert.Equal(0xAB557DB9BCA17977UL, XxHash64.HashToUInt64(bytes)); // format version 2: comparers, flags and wrapped collections
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
