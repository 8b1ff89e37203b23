using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Text;
using DistSim.Messages;

namespace DistSim.Tests.Messages;

/// <summary>A key hashed by identity (no Equals override): a copied key is a new identity.</summary>
public sealed class IdentityKey(int id)
{
    public int Id = id;
}

/// <summary>A copied BCL collection is a working collection with equal contents, independent of the original.</summary>
public class CollectionCopyTests
{
    private static T CopyChecked<T>(T original)
        where T : notnull
    {
        T copy = MessageCopier.DeepCopy(original);
        Assert.False(ReferenceEquals(original, copy) && !typeof(T).IsValueType);
        Assert.Equal(MessageCodec.Encode(original), MessageCodec.Encode(copy));
        Assert.Empty(GraphChecks.SharedMutable(original, copy));
        return copy;
    }

    /// <summary>Mutating the copy changes its encoding and leaves the original's.</summary>
    private static void AssertIndependent<T>(T original, T copy, Action<T> mutate)
        where T : notnull
    {
        byte[] before = MessageCodec.Encode(original);
        mutate(copy);
        Assert.Equal(before, MessageCodec.Encode(original));
        Assert.NotEqual(before, MessageCodec.Encode(copy));
    }

    [Fact]
    public void Dictionary_WithIdentityKeys_LooksUpTheCopiedKeys()
    {
        var original = new Dictionary<IdentityKey, Counter>();
        for (int i = 0; i < 20; i++)
        {
            original[new IdentityKey(i)] = new Counter { Value = i };
        }

        _ = original.Keys; // a cached view pointing back to the dictionary
        Dictionary<IdentityKey, Counter> copy = CopyChecked(original);

        Assert.All(copy.Keys, k => Assert.Equal(k.Id, copy[k].Value));
        Assert.Equal(20, copy.Keys.Count);
        AssertIndependent(original, copy, c => c.First().Value.Value++);
        AssertIndependent(original, copy, c => c.Remove(c.Keys.First()));
    }

    [Fact]
    public void HashSet_WithIdentityKeys_ContainsTheCopiedKeys()
    {
        var original = new HashSet<IdentityKey>(Enumerable.Range(0, 10).Select(i => new IdentityKey(i)));
        HashSet<IdentityKey> copy = CopyChecked(original);

        Assert.All(copy, k => Assert.Contains(k, copy));
        AssertIndependent(original, copy, c => c.Add(new IdentityKey(99)));
    }

    [Fact]
    public void SortedDictionary_AndSortedSet_AndSortedList_Work()
    {
        var dict = new SortedDictionary<string, Counter>(StringComparer.OrdinalIgnoreCase) { ["b"] = new(), ["a"] = new() };
        _ = dict.Keys;
        SortedDictionary<string, Counter> dictCopy = CopyChecked(dict);
        Assert.Same(dict["A"].GetType(), dictCopy["A"].GetType());
        Assert.Equal(["a", "b"], dictCopy.Keys);
        AssertIndependent(dict, dictCopy, c => c["c"] = new Counter());

        var set = new SortedSet<int> { 5, 1, 3 };
        SortedSet<int> setCopy = CopyChecked(set);
        AssertIndependent(set, setCopy, c => c.Add(2));
        Assert.Equal([1, 2, 3, 5], setCopy);

        var list = new SortedList<string, List<int>> { ["x"] = [1], ["y"] = [2] };
        SortedList<string, List<int>> listCopy = CopyChecked(list);
        AssertIndependent(list, listCopy, c => c["x"].Add(3));
    }

    [Fact]
    public void Queue_Stack_LinkedList_Work()
    {
        var queue = new Queue<Counter>([new Counter { Value = 1 }, new Counter { Value = 2 }]);
        queue.Dequeue();
        queue.Enqueue(new Counter { Value = 3 });
        Queue<Counter> queueCopy = CopyChecked(queue);
        AssertIndependent(queue, queueCopy, c => c.Dequeue());

        var stack = new Stack<int>([1, 2, 3]);
        AssertIndependent(stack, CopyChecked(stack), c => c.Push(4));

        var shared = new Counter { Value = 7 };
        var chain = new LinkedList<Counter>([shared, new Counter(), shared]);
        LinkedList<Counter> chainCopy = CopyChecked(chain);
        Assert.Same(chainCopy.First!.Value, chainCopy.Last!.Value);
        Assert.Same(chainCopy, chainCopy.First.List);
        Assert.Same(chainCopy.First, chainCopy.Last.Next ?? chainCopy.First);
        AssertIndependent(chain, chainCopy, c => c.AddLast(new Counter()));
        Assert.Equal(4, chainCopy.Count);
        Assert.Equal(3, chain.Count);
        chainCopy.RemoveFirst();
        Assert.Equal([0, 7, 0], chainCopy.Select(c => c.Value));
    }

    [Fact]
    public void LongLinkedList_IsCopiedWithoutRecursion()
    {
        var chain = new LinkedList<int>(Enumerable.Range(0, 200_000));
        LinkedList<int> copy = MessageCopier.DeepCopy(chain);

        Assert.Equal(chain, copy);
        AssertIndependent(chain, copy, c => c.RemoveLast());
    }

    [Fact]
    public void ImmutableCollections_OfMutableElements_AreCopied()
    {
        var list = ImmutableList.Create(new Counter { Value = 1 }, new Counter { Value = 2 });
        ImmutableList<Counter> listCopy = CopyChecked(list);
        AssertIndependent(list, listCopy, c => c[0].Value = 5);
        Assert.Equal(3, listCopy.Add(new Counter()).Count);

        var array = ImmutableArray.Create(new Counter { Value = 1 });
        AssertIndependent(array, CopyChecked(array), c => c[0].Value = 5);

        var dict = ImmutableDictionary.CreateRange([KeyValuePair.Create("a", new Counter()), KeyValuePair.Create("b", new Counter())]);
        ImmutableDictionary<string, Counter> dictCopy = CopyChecked(dict);
        Assert.Equal(3, dictCopy.SetItem("c", new Counter()).Count);
        AssertIndependent(dict, dictCopy, c => c["a"].History.Add(1));
    }

    [Fact]
    public void Wrappers_AndConcurrentAndLegacyCollections_AreCopied()
    {
        var inner = new List<Counter> { new() };
        var readOnly = new ReadOnlyCollection<Counter>(inner);
        AssertIndependent(readOnly, CopyChecked(readOnly), c => c[0].Value = 9);

        var concurrent = new ConcurrentDictionary<string, Counter>();
        concurrent["a"] = new Counter();
        ConcurrentDictionary<string, Counter> concurrentCopy = CopyChecked(concurrent);
        AssertIndependent(concurrent, concurrentCopy, c => c["b"] = new Counter());
        Assert.True(concurrentCopy.ContainsKey("a"));

        var arrayList = new ArrayList { 1, "two", new Counter() };
        AssertIndependent(arrayList, CopyChecked(arrayList), c => ((Counter)c[2]!).Value = 4);

        var table = new Hashtable { ["a"] = new Counter() };
        AssertIndependent(table, CopyChecked(table), c => c["b"] = 1);

        var names = new NameValueCollection { ["a"] = "1", ["b"] = "2" };
        NameValueCollection namesCopy = CopyChecked(names);
        AssertIndependent(names, namesCopy, c => c["a"] = "changed");
        Assert.Equal("2", namesCopy["b"]);

        var bits = new BitArray([true, false, true]);
        AssertIndependent(bits, CopyChecked(bits), c => c[1] = true);
    }

    [Fact]
    public void NonCollectionBclObjects_AreCopiedByFields()
    {
        var queue = new PriorityQueue<string, int>([("a", 2), ("b", 1)]);
        PriorityQueue<string, int> queueCopy = CopyChecked(queue);
        AssertIndependent(queue, queueCopy, c => c.Enqueue("c", 0));
        Assert.Equal("c", queueCopy.Dequeue());

        var text = new Holder { Payload = new StringBuilder("ab").Append('c', 20_000) };
        Holder textCopy = CopyChecked(text);
        AssertIndependent(text, textCopy, c => ((StringBuilder)c.Payload!).Append('d'));
    }

    [Fact]
    public void SharedInnerLists_StayShared_AndUserListSubclass_KeepsItsFields()
    {
        var inner = new List<int> { 1 };
        var outer = new List<List<int>> { inner, inner };
        List<List<int>> copy = CopyChecked(outer);
        Assert.Same(copy[0], copy[1]);
        AssertIndependent(outer, copy, c => c[0].Add(2));

        var tagged = new Tagged { Tag = "t" };
        tagged.Add(4);
        Tagged taggedCopy = CopyChecked(tagged);
        Assert.Equal(("t", 4), (taggedCopy.Tag, taggedCopy[0]));
        AssertIndependent(tagged, taggedCopy, c => c.Add(5));
    }
}

public class ArrayCopyTests
{
    [Fact]
    public void MultiDimensionalArraysOfReferences_AreEncodedAndCopied()
    {
        var shared = new Counter { Value = 1 };
        var grid = new Counter?[2, 3];
        grid[0, 1] = shared;
        grid[1, 2] = shared;
        grid[1, 0] = new Counter { Value = 2 };
        var cube = (string?[,,])Array.CreateInstance(typeof(string), [2, 2, 2], [1, 0, -1]);
        cube[2, 1, 0] = "\uD800";
        var message = new Holder { Payload = new object[] { grid, cube, new[] { new Pair { L = new Leaf(1, "a") } } } };

        Holder copy = MessageCopier.DeepCopy(message);

        Assert.Equal(MessageCodec.Encode(message), MessageCodec.Encode(copy));
        Assert.Empty(GraphChecks.SharedMutable(message, copy));
        var gridCopy = (Counter?[,])((object[])copy.Payload!)[0];
        Assert.Same(gridCopy[0, 1], gridCopy[1, 2]);
        Assert.NotSame(shared, gridCopy[0, 1]);
        var cubeCopy = (string?[,,])((object[])copy.Payload!)[1];
        Assert.Equal((1, -1, "\uD800"), (cubeCopy.GetLowerBound(0), cubeCopy.GetLowerBound(2), cubeCopy[2, 1, 0]));

        cube[1, 0, -1] = "x";
        Assert.NotEqual(MessageCodec.Encode(message), MessageCodec.Encode(copy));
    }
}
