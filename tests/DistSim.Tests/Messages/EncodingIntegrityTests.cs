using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.Impostor;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Runtime.InteropServices;
using DistSim.Messages;

namespace DistSim.Tests.Messages;

public sealed record WithImmutableArray(ImmutableArray<int> Items);

public sealed record Both(IList<int> List, ReadOnlyCollection<int> View);

/// <summary>Messages a receiver can tell apart encode differently: URIs, impostor namespaces, wrappers, comparers.</summary>
public class EncodingIntegrityTests
{
    private static readonly string[] Words = ["a", "b", "c"];

    private static void AssertDiffer(object? a, object? b, string what) =>
        Assert.False(MessageCodec.Encode(new Holder { Payload = a }).AsSpan().SequenceEqual(MessageCodec.Encode(new Holder { Payload = b })), what);

    [Fact]
    public void Uris_ParsedDifferentlyFromTheSameString_EncodeDifferently()
    {
        var canonical = new Uri("http://h/a/../b");
        var raw = new Uri("http://h/a/../b", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        Assert.NotEqual(canonical.AbsolutePath, raw.AbsolutePath);
        AssertDiffer(canonical, raw, "canonicalisation disabled");
        AssertDiffer(new Uri("/p", UriKind.Relative), new Uri("/p", UriKind.Absolute), "relative vs absolute");
#pragma warning disable CS0618, SYSLIB0013 // the obsolete dontEscape constructor is what sets UserEscaped
        AssertDiffer(new Uri("http://h/a%20b"), new Uri("http://h/a%20b", dontEscape: true), "user-escaped");
#pragma warning restore CS0618, SYSLIB0013
    }

    [Fact]
    public void EqualUris_EncodeEqually_WhateverWasAskedOfThem_AndAreShared()
    {
        var used = new Uri("http://h/q?x=1");
        _ = (used.AbsolutePath, used.Segments, used.Query, used.IdnHost);

        Assert.Equal(MessageCodec.Encode(new Holder { Payload = new Uri("http://h/q?x=1") }), MessageCodec.Encode(new Holder { Payload = used }));
        Assert.Same(used, MessageCopier.DeepCopy(new Holder { Payload = used }).Payload);
    }

    [Fact]
    public void UserTypeInASystemNamespace_IsEncodedByItsFields_NotByItsElements()
    {
        AssertDiffer(new SneakyBag(1, 2, 3), new SneakyBag(2, 2, 3), "the secret of a user type in System.Collections.Impostor");
        Assert.StartsWith("DistSim.Tests:", TypeNames.StableName(typeof(SneakyBag)), StringComparison.Ordinal);
        Assert.Equal("System.Collections.Generic.List`1[System.Int32]", TypeNames.StableName(typeof(List<int>)));
        Assert.False(TypeRules.IsBcl(typeof(SneakyBag)));
        Assert.True(TypeRules.IsBcl(typeof(ImmutableList<int>)) && TypeRules.IsBcl(typeof(int[])) && TypeRules.IsBcl(typeof(ObservableCollection<Counter>)));
    }

    [Fact]
    public void UserTypeNamedLikeAnImmutableCollection_IsNotImmutable()
    {
        var looking = new ImmutableLooking<int> { Value = 1 };

        Assert.False(MessageCopier.IsDeeplyImmutable(typeof(ImmutableLooking<int>)));
        Assert.NotSame(looking, MessageCopier.DeepCopy(looking));
    }

    [Fact]
    public void WrapperOverAUserList_IsEncodedWithTheUserList_AndItsCopyReadsLikeTheOriginal()
    {
        var one = new ReadOnlyCollection<int>(new OffsetList(0, 1, 2));
        var other = new ReadOnlyCollection<int>(new OffsetList(10, 1, 2));
        Assert.Equal(one, other); // the same enumeration
        Assert.NotEqual(one[0], other[0]); // but not the same contents

        AssertDiffer(one, other, "the wrapped user list's fields");
        var copy = (ReadOnlyCollection<int>)MessageCopier.DeepCopy(new Holder { Payload = other }).Payload!;
        Assert.Equal((11, 12), (copy[0], copy[1]));
    }

    [Fact]
    public void Wrappers_EncodeDifferentlyFromWhatTheyWrap_AndKeepTheirAliasing()
    {
        var legacy = new OrderedDictionary { ["a"] = 1 };
        AssertDiffer(legacy, legacy.AsReadOnly(), "a read-only OrderedDictionary has the type of a writable one");
        AssertDiffer(new Collection<int>(new[] { 1 }), new Collection<int>(new List<int> { 1 }), "a Collection over an array is read-only");
        var dict = new Dictionary<string, int> { ["a"] = 1 };
        AssertDiffer(dict, dict.AsReadOnly(), "a ReadOnlyDictionary");

        var list = new List<int> { 1 };
        var aliased = new Both(list, list.AsReadOnly());
        var separate = new Both(new List<int> { 1 }, new List<int> { 1 }.AsReadOnly());
        Assert.NotEqual(MessageCodec.Encode(aliased), MessageCodec.Encode(separate));

        Both copy = MessageCopier.DeepCopy(aliased);
        copy.List.Add(2);
        Assert.Equal([1, 2], copy.View);
        Assert.Equal([1], aliased.View);
    }

    public static TheoryData<string, Func<bool, object>> ComparerCollections() => new()
    {
        { "Dictionary", ci => new Dictionary<string, int>(Comparer(ci)) { ["a"] = 1 } },
        { "HashSet", ci => new HashSet<string>(Words, Comparer(ci)) },
        { "SortedDictionary", ci => new SortedDictionary<string, int>(Comparer(ci)) { ["a"] = 1 } },
        { "SortedList", ci => new SortedList<string, int>(Comparer(ci)) { ["a"] = 1 } },
        { "SortedSet", ci => new SortedSet<string>(Words, Comparer(ci)) },
        { "OrderedDictionary<,>", ci => new OrderedDictionary<string, int>(Comparer(ci)) { ["a"] = 1 } },
        { "ConcurrentDictionary", ci => new ConcurrentDictionary<string, int>([KeyValuePair.Create("a", 1)], Comparer(ci)) },
        { "ImmutableDictionary", ci => ImmutableDictionary.Create<string, int>(Comparer(ci)).Add("a", 1) },
        { "ImmutableHashSet", ci => ImmutableHashSet.Create(Comparer(ci), Words) },
        { "ImmutableSortedSet", ci => ImmutableSortedSet.Create(Comparer(ci), Words) },
        { "ImmutableSortedDictionary", ci => ImmutableSortedDictionary.Create<string, int>(Comparer(ci)).Add("a", 1) },
        { "FrozenDictionary", ci => new Dictionary<string, int> { ["a"] = 1 }.ToFrozenDictionary(Comparer(ci)) },
        { "FrozenSet", ci => Words.ToFrozenSet(Comparer(ci)) },
        { "Hashtable", ci => new Hashtable(Comparer(ci)) { ["a"] = 1 } },
        { "SortedList (non-generic)", ci => new SortedList(Comparer(ci)) { ["a"] = 1 } },
        { "OrderedDictionary", ci => new OrderedDictionary(Comparer(ci)) { ["a"] = 1 } },
        { "ListDictionary", ci => new ListDictionary(Comparer(ci)) { ["a"] = 1 } },
        { "HybridDictionary", ci => new HybridDictionary(ci) { ["a"] = 1 } },
        { "NameValueCollection", ci => new NameValueCollection(Comparer(ci)) { ["a"] = "1" } },
        { "PriorityQueue", ci => new PriorityQueue<int, string>([(1, "a"), (2, "B")], Comparer(ci)) },
        { "culture-aware Dictionary", ci => new Dictionary<string, int>(ci ? StringComparer.InvariantCultureIgnoreCase : StringComparer.InvariantCulture) { ["a"] = 1 } },
        { "user comparer with state", ci => new Dictionary<string, int>(new FlipComparer(ci)) { ["a"] = 1 } },
    };

    [Theory]
    [MemberData(nameof(ComparerCollections))]
    public void CaseInsensitiveAndOrdinalCollections_EncodeDifferently_AndCopiesKeepTheirComparer(string what, Func<bool, object> make)
    {
        object insensitive = make(true);
        object ordinal = make(false);

        AssertDiffer(insensitive, ordinal, what);
        foreach (object original in new[] { insensitive, ordinal })
        {
            object copy = MessageCopier.DeepCopy(new Holder { Payload = original }).Payload!;
            Assert.Equal(MessageCodec.Encode(original), MessageCodec.Encode(copy));
            Assert.Equal(FindsUpperCase(original), FindsUpperCase(copy));
        }
    }

    [Fact]
    public void ComparerWithState_IsCopied_SoTheSenderFlippingItChangesNothingForTheReceiver()
    {
        var comparer = new FlipComparer(ignoreCase: false);
        var collections = new object[]
        {
            new Dictionary<string, int>(comparer) { ["a"] = 1 },
            new ConcurrentDictionary<string, int>([KeyValuePair.Create("a", 1)], comparer),
            new SortedSet<string>(["a"], comparer),
            new IdentityFreeSet(comparer) { "a" },
        };

        var copy = (object[])MessageCopier.DeepCopy(new Holder { Payload = collections }).Payload!;
        comparer.IgnoreCase = true;

        Assert.All(collections, c => Assert.True(FindsUpperCase(c)));
        Assert.All(copy, c => Assert.False(FindsUpperCase(c)));
        Assert.Same(((Dictionary<string, int>)copy[0]).Comparer, ((ConcurrentDictionary<string, int>)copy[1]).Comparer); // one comparer, still shared
    }

    [Fact]
    public void StatelessComparison_IsShared_AndEncodedAsItsMethod_ACapturingOneIsRefused()
    {
        var descending = new SortedSet<int>([1, 2, 3], Comparer<int>.Create(static (a, b) => b.CompareTo(a)));
        var ascending = new SortedSet<int>([1, 2, 3], Comparer<int>.Create(static (a, b) => a.CompareTo(b)));

        var copy = (SortedSet<int>)MessageCopier.DeepCopy(new Holder { Payload = descending }).Payload!;
        Assert.Same(descending.Comparer, copy.Comparer);
        Assert.Equal([3, 2, 1], copy);
        Assert.Equal(MessageCodec.Encode(descending), MessageCodec.Encode(copy));
        AssertDiffer(new SortedSet<int>(descending.Comparer), new SortedSet<int>(ascending.Comparer), "two comparison methods");

        int sign = -1;
        var capturing = new Holder { Payload = new SortedSet<int>([1, 2], Comparer<int>.Create((a, b) => sign * a.CompareTo(b))) };
        MessageEncodingException encode = Assert.Throws<MessageEncodingException>(() => MessageCodec.Encode(capturing));
        MessageEncodingException deep = Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(capturing));
        Assert.Equal((MessageRefusalReason.Delegate, "Holder.Payload.Comparer._comparison"), (encode.Reason, encode.MemberPath));
        Assert.Equal((encode.Reason, encode.MemberPath), (deep.Reason, deep.MemberPath));
    }

    [Fact]
    public void ImmutableArray_OverAnArrayTheSenderKeeps_IsCopied()
    {
        int[] backing = [1, 2, 3];
        var message = new WithImmutableArray(ImmutableCollectionsMarshal.AsImmutableArray(backing));

        WithImmutableArray copy = MessageCopier.DeepCopy(message);
        backing[0] = 99;

        Assert.Equal(1, copy.Items[0]);
        Assert.False(MessageCopier.IsDeeplyImmutable(typeof(WithImmutableArray)));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(ImmutableArray<int>.Empty), ImmutableCollectionsMarshal.AsArray(MessageCopier.DeepCopy(new WithImmutableArray([])).Items));
    }

    [Fact]
    public void ObservableCollection_IsAnOrdinaryCollection_UnlessSomeoneListens()
    {
        var items = new ObservableCollection<Counter> { new() { Value = 1 }, new() { Value = 2 } };
        var copy = (ObservableCollection<Counter>)MessageCopier.DeepCopy(new Holder { Payload = items }).Payload!;

        Assert.Equal(MessageCodec.Encode(items), MessageCodec.Encode(copy));
        Assert.Empty(GraphChecks.SharedMutable(items, copy));
        int raised = 0;
        copy.CollectionChanged += (_, _) => raised++;
        copy.Add(new Counter());
        Assert.Equal((1, 3, 2), (raised, copy.Count, items.Count));

        items.CollectionChanged += (_, _) => { };
        foreach (Action act in new Action[] { () => MessageCodec.Encode(new Holder { Payload = items }), () => MessageCopier.DeepCopy(new Holder { Payload = items }) })
        {
            MessageEncodingException e = Assert.Throws<MessageEncodingException>(act);
            Assert.Equal((MessageRefusalReason.Delegate, "Holder.Payload.CollectionChanged", typeof(ObservableCollection<Counter>)), (e.Reason, e.MemberPath, e.Type));
        }
    }

    [Fact]
    public void PriorityQueue_IsEncodedByItsItems_WhetherOrNotTheyWereAskedFor()
    {
        var queue = new PriorityQueue<string, int>([("a", 2), ("b", 1)]);
        byte[] before = MessageCodec.Encode(queue);
        _ = queue.UnorderedItems.Count; // creates a view that points back to the queue

        Assert.Equal(before, MessageCodec.Encode(queue));
        var bigger = new PriorityQueue<string, int>(100);
        bigger.EnqueueRange([("a", 2), ("b", 1)]);
        Assert.Equal(before, MessageCodec.Encode(bigger));
    }

    [Fact]
    public void StringBuilder_WithAnotherMaximumCapacity_EncodesDifferently() =>
        AssertDiffer(new System.Text.StringBuilder("ab"), new System.Text.StringBuilder(2, 2).Append("ab"), "MaxCapacity");

    private static StringComparer Comparer(bool ignoreCase) => ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>What a receiver asks: is "A" there (its comparer decides), or, for a priority queue, which comes first.</summary>
    private static bool FindsUpperCase(object collection) => collection switch
    {
        IDictionary<string, int> d => d.ContainsKey("A"),
        IReadOnlyDictionary<string, int> d => d.ContainsKey("A"),
        IReadOnlySet<string> s => s.Contains("A"),
        ISet<string> s => s.Contains("A"),
        IDictionary d => d.Contains("A"),
        NameValueCollection n => n["A"] is not null,
        PriorityQueue<int, string> q => q.Peek() == 2,
        _ => throw new ArgumentException(collection.GetType().ToString()),
    };
}

public sealed class IdentityFreeSet(IEqualityComparer<string> comparer) : HashSet<string>(comparer)
{
}
