using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using DistSim.Messages;

namespace DistSim.Tests.Messages;

public sealed class IdentityDictionary : Dictionary<IdentityKey, int>
{
    public string? Tag;
}

public sealed class IdentitySet : HashSet<IdentityKey>
{
    public string? Tag;
}

/// <summary>A record key hashes by value, but its list hashes by identity: a copied key (with a copied list) hashes differently.</summary>
public sealed record ListKey(string Name, List<int> Items);

/// <summary>Compares lists by their contents: two lists that become equal after they were added collide in the set.</summary>
public sealed class SequenceComparer : IEqualityComparer<List<int>>
{
    public bool Equals(List<int>? x, List<int>? y) => x is null ? y is null : y is not null && x.SequenceEqual(y);

    public int GetHashCode(List<int> obj) => obj.Count;
}

/// <summary>
/// Keyed collections copied field by field keep their buckets: the copy must still find its keys (rebuilt in place when
/// it enumerates in insertion order), or be refused with the member path; never a silently broken or smaller copy.
/// </summary>
public class KeyedCollectionCopyTests
{
    private static IdentityKey[] Keys(int n) => Enumerable.Range(0, n).Select(i => new IdentityKey(i)).ToArray();

    private static T Copied<T>(T original)
        where T : notnull
    {
        T copy = MessageCopier.DeepCopy(original);
        Assert.Equal(MessageCodec.Encode(original), MessageCodec.Encode(copy));
        Assert.Empty(GraphChecks.SharedMutable(original, copy));
        return copy;
    }

    private static void AssertRefused(object collection, string path = "Holder.Payload", Type? declaring = null)
    {
        MessageEncodingException e = Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(new Holder { Payload = collection }));
        Assert.Equal((MessageRefusalReason.InconsistentCollection, path, declaring ?? typeof(Holder)), (e.Reason, e.MemberPath, e.Type));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DictionarySubclass_WithIdentityKeys_FindsItsCopiedKeys_InTheSameOrder()
    {
        var original = new IdentityDictionary { Tag = "t" };
        foreach (IdentityKey k in Keys(40))
        {
            original[k] = k.Id;
        }

        original.Remove(original.Keys.ElementAt(3)); // a hole: the next key takes it, out of insertion order
        original[new IdentityKey(99)] = 99;

        IdentityDictionary copy = Copied(original);

        Assert.Equal(original.Values, copy.Values);
        Assert.All(copy.Keys, k => Assert.Equal(k.Id, copy[k]));
        Assert.Equal("t", copy.Tag);
    }

    [Fact]
    public void HashSetSubclass_WithIdentityKeys_ContainsItsCopiedKeys()
    {
        var original = new IdentitySet { Tag = "t" };
        original.UnionWith(Keys(30));

        IdentitySet copy = Copied(original);

        Assert.All(copy, k => Assert.Contains(k, copy));
        Assert.Equal(original.Select(k => k.Id), copy.Select(k => k.Id));
    }

    [Fact]
    public void OrderedDictionaries_WithIdentityKeys_FindTheirCopiedKeys()
    {
        var generic = new OrderedDictionary<IdentityKey, int>();
        var legacy = new OrderedDictionary();
        foreach (IdentityKey k in Keys(25))
        {
            generic.Add(k, k.Id);
            legacy.Add(k, k.Id);
        }

        OrderedDictionary<IdentityKey, int> genericCopy = Copied(generic);
        Assert.All(genericCopy, e => Assert.Equal(e.Key.Id, genericCopy[e.Key]));

        var legacyCopy = (OrderedDictionary)Copied(new Holder { Payload = legacy }).Payload!;
        Assert.All(legacyCopy.Keys.Cast<IdentityKey>(), k => Assert.Equal(k.Id, legacyCopy[k]));

        OrderedDictionary readOnly = legacy.AsReadOnly();
        var readOnlyCopy = (OrderedDictionary)Copied(new Holder { Payload = readOnly }).Payload!;
        Assert.True(readOnlyCopy.IsReadOnly);
        Assert.All(readOnlyCopy.Keys.Cast<IdentityKey>(), k => Assert.Equal(k.Id, readOnlyCopy[k]));
    }

    [Fact]
    public void RecordKeysHoldingAList_InADictionaryOrASubclass_AreRehashed()
    {
        var original = new Dictionary<ListKey, int>();
        var derived = new SortedCounts();
        for (int i = 0; i < 10; i++)
        {
            original[new ListKey("k" + i, [i])] = i;
            derived[new ListKey("k" + i, [i])] = i;
        }

        Dictionary<ListKey, int> copy = Copied(original);
        SortedCounts derivedCopy = Copied(derived);

        Assert.All(copy.Keys, k => Assert.True(copy.ContainsKey(k)));
        Assert.All(derivedCopy.Keys, k => Assert.True(derivedCopy.ContainsKey(k)));
    }

    public static TheoryData<string, object> HashOrdered() => new()
    {
        { "ConcurrentDictionary", new ConcurrentDictionary<IdentityKey, int>(Keys(20).Select(k => KeyValuePair.Create(k, k.Id))) },
        { "ConcurrentDictionary of one key", new ConcurrentDictionary<IdentityKey, int>([KeyValuePair.Create(new IdentityKey(1), 1)]) },
        { "Hashtable", new Hashtable(Keys(20).ToDictionary(k => (object)k, k => (object?)k.Id)) },
        { "ImmutableDictionary of records holding a list", ImmutableDictionary.CreateRange(Enumerable.Range(0, 5).Select(i => KeyValuePair.Create(new ListKey("k", [i]), i))) },
        { "ImmutableHashSet", ImmutableHashSet.CreateRange(Keys(20)) },
        { "FrozenDictionary", Keys(40).ToFrozenDictionary(k => k, k => k.Id) },
        { "FrozenSet", Keys(40).ToFrozenSet() },
        { "HybridDictionary beyond its list", Hybrid(20) },
    };

    [Theory]
    [MemberData(nameof(HashOrdered))]
    public void HashOrderedCollection_WhoseKeysHashByIdentity_IsRefused_NamingTheMember(string what, object collection)
    {
        _ = what;
        AssertRefused(collection);
        AssertRefused(new List<object> { 1, collection }, "Holder.Payload[1]", typeof(List<object>));
    }

    [Fact]
    public void WrapperOfAHashOrderedCollection_IsRefused_NamingTheWrappedMember()
    {
        var inner = new ConcurrentDictionary<IdentityKey, int>(Keys(5).Select(k => KeyValuePair.Create(k, k.Id)));

        AssertRefused(new ReadOnlyDictionary<IdentityKey, int>(inner), "Holder.Payload.m_dictionary", typeof(ReadOnlyDictionary<IdentityKey, int>));
    }

    [Fact]
    public void HashOrderedCollection_WhoseKeysHashByValue_IsCopiedAsItIs()
    {
        var concurrent = new ConcurrentDictionary<Leaf, Counter>();
        var immutable = ImmutableDictionary<object, int>.Empty;
        var table = new Hashtable();
        for (int i = 0; i < 30; i++)
        {
            concurrent[new Leaf(i, "x")] = new Counter { Value = i };
            immutable = immutable.Add(new WithMutableProperty(i) { B = i }, i);
            table[new WithMutableProperty(i) { B = -i }] = i;
        }

        ConcurrentDictionary<Leaf, Counter> concurrentCopy = Copied(concurrent);
        ImmutableDictionary<object, int> immutableCopy = Copied(immutable);
        Hashtable tableCopy = Copied(table);

        Assert.All(concurrentCopy, e => Assert.Same(e.Value, concurrentCopy[e.Key]));
        Assert.All(immutableCopy, e => Assert.Equal(e.Value, immutableCopy[e.Key]));
        Assert.All(tableCopy.Keys.Cast<object>(), k => Assert.True(tableCopy.ContainsKey(k)));
    }

    [Fact]
    public void SmallFrozenSet_ThatSearchesWithoutHashing_IsCopied()
    {
        FrozenSet<IdentityKey> set = Keys(3).ToFrozenSet();

        try
        {
            FrozenSet<IdentityKey> copy = Copied(set);
            Assert.All(copy, k => Assert.Contains(k, (IReadOnlySet<IdentityKey>)copy));
        }
        catch (MessageEncodingException e)
        {
            Assert.Equal(MessageRefusalReason.InconsistentCollection, e.Reason); // a hashing implementation: refused, never broken
        }
    }

    [Fact]
    public void SetWhoseElementsBecameEqual_IsCopiedWithAllItsElements_WhenItsKeysHashAsBefore()
    {
        var first = new List<int> { 1 };
        var second = new List<int> { 2 };
        var set = new HashSet<List<int>>(new SequenceComparer()) { first, second };
        var map = new Dictionary<List<int>, string>(new SequenceComparer()) { [first] = "a", [second] = "b" };
        second[0] = 1; // now equal to the first under the comparer; both collections still hold two

        HashSet<List<int>> setCopy = Copied(set);
        Dictionary<List<int>, string> mapCopy = Copied(map);

        Assert.Equal((2, 2), (setCopy.Count, mapCopy.Count));
        Assert.Equal(["a", "b"], mapCopy.Values);
    }

    [Fact]
    public void SetWhoseElementsBecameEqual_AndMustBeRehashed_IsRefused_NotCopiedWithFewerElements()
    {
        var owner = new Counter(); // hashed by identity: a copy hashes differently, so the copy must be rebuilt
        var first = new OwnedList(owner, [1]);
        var second = new OwnedList(owner, [2]);
        var set = new HashSet<OwnedList>(new OwnedListComparer()) { first, second };
        var map = new Dictionary<OwnedList, string>(new OwnedListComparer()) { [first] = "a", [second] = "b" };
        var derived = new OwnedSet { first, second };
        second.Items[0] = 1; // now equal to the first; the originals still hold two (and find both)

        Assert.Equal(2, set.Count);
        Assert.True(set.Contains(second) && map.ContainsKey(first));
        AssertRefused(set);
        AssertRefused(map);
        AssertRefused(new object[] { derived }, "Holder.Payload[0]", typeof(object[]));
    }

    [Fact]
    public void KeyedCollection_WithIdentityKeys_FindsItsItems()
    {
        var original = new CounterCollection();
        for (int i = 0; i < 20; i++)
        {
            original.Add(new Counter { Value = i });
        }

        CounterCollection copy = Copied(original);

        Assert.All(copy, c => Assert.True(copy.Contains(c.History)));
    }

    private static HybridDictionary Hybrid(int n)
    {
        var h = new HybridDictionary();
        foreach (IdentityKey k in Keys(n))
        {
            h[k] = k.Id;
        }

        return h;
    }
}

public sealed class SortedCounts : Dictionary<ListKey, int>
{
}

/// <summary>A key with content (compared) and an owner (hashed, by identity).</summary>
public sealed record OwnedList(Counter Owner, List<int> Items);

public sealed class OwnedListComparer : IEqualityComparer<OwnedList>
{
    public bool Equals(OwnedList? x, OwnedList? y) => x is null ? y is null : y is not null && x.Items.SequenceEqual(y.Items);

    public int GetHashCode(OwnedList obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Owner);
}

public sealed class OwnedSet() : HashSet<OwnedList>(new OwnedListComparer())
{
}

/// <summary>Counters keyed by their history list (hashed by identity).</summary>
public sealed class CounterCollection : KeyedCollection<List<int>, Counter>
{
    protected override List<int> GetKeyForItem(Counter item) => item.History;
}
