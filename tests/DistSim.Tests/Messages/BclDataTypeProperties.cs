using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using DistSim.Messages;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Messages;

/// <summary>Contents for one round: distinct numbers and distinct lower-case words (at least one of each).</summary>
public sealed record BclSample(int[] Numbers, string[] Words)
{
    public override string ToString() => $"[{string.Join(",", Numbers)}] [{string.Join(",", Words)}]";
}

/// <summary>
/// A BCL data type: how to build an instance from a sample, how to build one that a receiver can tell apart, and what a
/// receiver asks of it (its main queries, as text).
/// </summary>
public sealed record BclCase(string Name, Func<BclSample, object> Make, Func<BclSample, object> Different, Func<object, string>? Probe = null)
{
    public override string ToString() => Name;
}

public static class BclCases
{
    private static readonly StringComparer Ordinal = StringComparer.Ordinal;
    private static readonly StringComparer IgnoreCase = StringComparer.OrdinalIgnoreCase;

    public static readonly BclCase[] All =
    [
        new("List", s => s.Numbers.ToList(), s => s.Numbers.Append(1001).ToList()),
        new("Dictionary", s => Dict(s, Ordinal), s => Dict(s, IgnoreCase), o => Upper<IDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("HashSet", s => new HashSet<string>(s.Words, Ordinal), s => new HashSet<string>(s.Words, IgnoreCase), o => Upper<HashSet<string>>(o, (x, k) => x.Contains(k))),
        new("SortedDictionary", s => new SortedDictionary<string, int>(Dict(s, Ordinal), Ordinal), s => new SortedDictionary<string, int>(Dict(s, Ordinal), IgnoreCase), o => Upper<IDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("SortedList", s => new SortedList<string, int>(Dict(s, Ordinal)), s => new SortedList<string, int>(Dict(s, Ordinal).ToDictionary(e => e.Key, e => e.Value + 1))),
        new("SortedSet", s => new SortedSet<int>(s.Numbers), s => new SortedSet<int>(s.Numbers.Append(1001), Comparer<int>.Create(static (a, b) => b.CompareTo(a)))),
        new("Queue", s => new Queue<int>(s.Numbers), s => new Queue<int>(s.Numbers.Append(1001))),
        new("Stack", s => new Stack<int>(s.Numbers), s => new Stack<int>(s.Numbers.Prepend(1001))),
        new("LinkedList", s => new LinkedList<int>(s.Numbers), s => new LinkedList<int>(s.Numbers.Prepend(1001))),
        new("PriorityQueue", s => Queue(s, 0), s => Queue(s, 1), o => ((PriorityQueue<string, int>)o).Peek()),
        new("OrderedDictionary<,>", s => new OrderedDictionary<string, int>(Dict(s, Ordinal), Ordinal), s => new OrderedDictionary<string, int>(Dict(s, Ordinal), IgnoreCase), o => Upper<IDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("ConcurrentDictionary", s => new ConcurrentDictionary<string, int>(Dict(s, Ordinal), Ordinal), s => new ConcurrentDictionary<string, int>(Dict(s, Ordinal), IgnoreCase), o => Upper<IDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("ConcurrentQueue", s => new ConcurrentQueue<int>(s.Numbers), s => new ConcurrentQueue<int>(s.Numbers.Append(1001))),
        new("ConcurrentStack", s => new ConcurrentStack<int>(s.Numbers), s => new ConcurrentStack<int>(s.Numbers.Append(1001))),
        new("ImmutableList", s => s.Numbers.ToImmutableList(), s => s.Numbers.Append(1001).ToImmutableList()),
        new("ImmutableArray", s => s.Numbers.ToImmutableArray(), s => s.Numbers.Append(1001).ToImmutableArray()),
        new("ImmutableDictionary", s => Dict(s, Ordinal).ToImmutableDictionary(Ordinal), s => Dict(s, Ordinal).ToImmutableDictionary(IgnoreCase), o => Upper<IImmutableDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("ImmutableHashSet", s => s.Words.ToImmutableHashSet(Ordinal), s => s.Words.ToImmutableHashSet(IgnoreCase), o => Upper<IImmutableSet<string>>(o, (x, k) => x.Contains(k))),
        new("ImmutableSortedDictionary", s => Dict(s, Ordinal).ToImmutableSortedDictionary(Ordinal), s => Dict(s, Ordinal).ToImmutableSortedDictionary(IgnoreCase), o => Upper<IImmutableDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("ImmutableSortedSet", s => s.Numbers.ToImmutableSortedSet(), s => s.Numbers.ToImmutableSortedSet(Comparer<int>.Create(static (a, b) => b.CompareTo(a))).Add(1001)),
        new("ImmutableQueue", s => ImmutableQueue.CreateRange(s.Numbers), s => ImmutableQueue.CreateRange(s.Numbers.Append(1001))),
        new("ImmutableStack", s => ImmutableStack.CreateRange(s.Numbers), s => ImmutableStack.CreateRange(s.Numbers.Append(1001))),
        new("FrozenDictionary", s => Dict(s, Ordinal).ToFrozenDictionary(Ordinal), s => Dict(s, Ordinal).ToFrozenDictionary(IgnoreCase), o => Upper<FrozenDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("FrozenSet", s => s.Words.ToFrozenSet(Ordinal), s => s.Words.ToFrozenSet(IgnoreCase), o => Upper<FrozenSet<string>>(o, (x, k) => x.Contains(k))),
        new("ReadOnlyCollection", s => new ReadOnlyCollection<int>(s.Numbers.ToList()), s => new ReadOnlyCollection<int>(new OffsetList(1, s.Numbers)), o => Indexed((IList<int>)o)),
        new("ReadOnlyDictionary", s => Dict(s, Ordinal).AsReadOnly(), s => Dict(s, IgnoreCase).AsReadOnly(), o => Upper<IReadOnlyDictionary<string, int>>(o, (d, k) => d.ContainsKey(k))),
        new("ReadOnlySet", s => new ReadOnlySet<string>(new HashSet<string>(s.Words, Ordinal)), s => new ReadOnlySet<string>(new HashSet<string>(s.Words, IgnoreCase)), o => Upper<IReadOnlySet<string>>(o, (x, k) => x.Contains(k))),
        new("Collection", s => new Collection<int>(s.Numbers.ToList()), s => new Collection<int>(s.Numbers.ToArray()), o => ((ICollection<int>)o).IsReadOnly.ToString()),
        new("ObservableCollection", s => new ObservableCollection<int>(s.Numbers), s => new ObservableCollection<int>(s.Numbers.Append(1001))),
        new("ArrayList", s => new ArrayList(s.Numbers), s => new ArrayList(s.Numbers.Select(n => (object)(long)n).ToArray()), o => string.Join(",", ((ArrayList)o).ToArray().Select(x => x!.GetType().Name))),
        new("ArrayList.ReadOnly", s => ArrayList.ReadOnly(new ArrayList(s.Numbers)), s => new ArrayList(s.Numbers), o => ((IList)o).IsReadOnly.ToString()),
        new("Hashtable", s => new Hashtable(Dict(s, Ordinal), Ordinal), s => new Hashtable(Dict(s, Ordinal), IgnoreCase), o => Upper<Hashtable>(o, (d, k) => d.ContainsKey(k))),
        new("SortedList (non-generic)", s => new SortedList(Dict(s, Ordinal), Ordinal), s => new SortedList(Dict(s, Ordinal), IgnoreCase), o => Upper<SortedList>(o, (d, k) => d.ContainsKey(k))),
        new("Queue (non-generic)", s => new Queue(s.Numbers), s => new Queue(s.Numbers.Append(1001).ToArray())),
        new("Stack (non-generic)", s => new Stack(s.Numbers), s => new Stack(s.Numbers.Append(1001).ToArray())),
        new("BitArray", s => new BitArray(s.Numbers.Select(n => n % 2 == 0).ToArray()), s => new BitArray(s.Numbers.Select(n => n % 2 == 0).Append(false).ToArray()), o => ((BitArray)o).Length.ToString(CultureInfo.InvariantCulture)),
        new("OrderedDictionary", s => Legacy(s), s => Legacy(s).AsReadOnly(), o => ((IDictionary)o).IsReadOnly.ToString()),
        new("ListDictionary", s => Fill(new ListDictionary(Ordinal), s), s => Fill(new ListDictionary(IgnoreCase), s), o => Upper<IDictionary>(o, (d, k) => d.Contains(k))),
        new("HybridDictionary", s => Fill(new HybridDictionary(false), s), s => Fill(new HybridDictionary(true), s), o => Upper<IDictionary>(o, (d, k) => d.Contains(k))),
        new("NameValueCollection", s => Names(s, Ordinal), s => Names(s, IgnoreCase), o => Upper<NameValueCollection>(o, (n, k) => n[k] is not null)),
        new("StringCollection", s => Strings(s.Words), s => Strings(s.Words.Append("zz"))),
        new("StringDictionary", s => Fill(new StringDictionary(), s), s => Fill(new StringDictionary(), s, extra: true)),
        new("StringBuilder", s => new StringBuilder(string.Concat(s.Words)), s => new StringBuilder(64, 1000).Append(string.Concat(s.Words)), o => ((StringBuilder)o).MaxCapacity.ToString(CultureInfo.InvariantCulture)),
        new("Uri", s => MakeUri(s, false), s => MakeUri(s, true), o => ((Uri)o).AbsolutePath),
        new("Version", s => new Version(s.Numbers[0] & 0xFFFF, s.Numbers.Length), s => new Version(s.Numbers[0] & 0xFFFF, s.Numbers.Length, 0)),
        new("BigInteger", s => Product(s), s => Product(s) + 1),
        new("Complex", s => new Complex(s.Numbers[0], 0.0), s => new Complex(s.Numbers[0], -0.0), o => double.IsNegative(((Complex)o).Imaginary).ToString()),
        new("DateTimeOffset", s => new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(s.Numbers[0]), s => new DateTimeOffset(2024, 1, 1, 13, 0, 0, TimeSpan.FromHours(1)).AddMinutes(s.Numbers[0]), o => ((DateTimeOffset)o).Offset.ToString()),
        new("DateTime", s => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(s.Numbers[0]), s => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Local).AddSeconds(s.Numbers[0]), o => ((DateTime)o).Kind.ToString()),
        new("Index", s => new Index(s.Numbers.Length), s => new Index(s.Numbers.Length, fromEnd: true)),
        new("Memory", s => new Memory<int>(s.Numbers.ToArray()), s => new Memory<int>(s.Numbers.Append(1001).ToArray(), 0, s.Numbers.Length), o => Backing((Memory<int>)o)),
        new("ReadOnlyMemory<char>", s => s.Words[0].AsMemory(), s => (s.Words[0] + "z").AsMemory(0, s.Words[0].Length), o => MemoryMarshal.TryGetString((ReadOnlyMemory<char>)o, out string? text, out _, out _) ? text : "?"),
        new("ArraySegment", s => new ArraySegment<int>(s.Numbers.ToArray()), s => new ArraySegment<int>(s.Numbers.Prepend(1001).ToArray(), 1, s.Numbers.Length), o => ((ArraySegment<int>)o).Offset.ToString(CultureInfo.InvariantCulture)),
        new("Tuple", s => Tuple.Create(s.Numbers[0], s.Words[0]), s => Tuple.Create(s.Numbers[0], s.Words[0] + "z")),
        new("ValueTuple with a list", s => (s.Numbers[0], s.Words.ToList()), s => (s.Numbers[0], s.Words.Append("zz").ToList()), o => string.Join(",", (((int, List<string>))o).Item2)),
        new("KeyValuePair", s => KeyValuePair.Create(s.Words[0], s.Numbers[0]), s => KeyValuePair.Create(s.Words[0], s.Numbers[0] + 1)),
        new("IPAddress", s => new IPAddress(s.Numbers[0] & 0xFFFFFFFFL), s => new IPAddress((s.Numbers[0] & 0xFFFFFFFFL) ^ 1)),
    ];

    /// <summary>What a receiver sees: the type, the elements in order (entries for dictionaries), then the case's own queries.</summary>
    public static string Observe(BclCase c, object value)
    {
        var sb = new StringBuilder(value.GetType().Name).Append(':');
        switch (value)
        {
            case string text:
                sb.Append(text);
                break;
            case IDictionary d:
                foreach (DictionaryEntry e in d)
                {
                    sb.Append(e.Key).Append('=').Append(e.Value).Append(',');
                }

                break;
            case NameValueCollection n:
                foreach (string? key in n.AllKeys)
                {
                    sb.Append(key).Append('=').Append(n[key]).Append(',');
                }

                break;
            case IEnumerable e:
                foreach (object? x in e)
                {
                    sb.Append(Convert.ToString(x, CultureInfo.InvariantCulture)).Append(',');
                }

                break;
            default:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }

        return sb.Append('|').Append(c.Probe?.Invoke(value)).ToString();
    }

    private static Dictionary<string, int> Dict(BclSample s, StringComparer comparer) => s.Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, comparer);

    private static string Upper<T>(object o, Func<T, string, bool> contains) => contains((T)o, ((string)((IEnumerable)FirstKeys(o)).Cast<object>().First()).ToUpperInvariant()).ToString();

    private static object FirstKeys(object o) => o switch
    {
        IDictionary d => d.Keys,
        NameValueCollection n => n.AllKeys,
        IEnumerable<KeyValuePair<string, int>> pairs => pairs.Select(p => p.Key),
        _ => o,
    };

    private static string Indexed(IList<int> list) => string.Join(",", Enumerable.Range(0, list.Count).Select(i => list[i]));

    private static string Backing(Memory<int> memory) => MemoryMarshal.TryGetArray<int>(memory, out ArraySegment<int> segment) ? segment.Array!.Length.ToString(CultureInfo.InvariantCulture) : "?";

    private static PriorityQueue<string, int> Queue(BclSample s, int extra)
    {
        var q = new PriorityQueue<string, int>(s.Words.Select((w, i) => (w, i)));
        if (extra > 0)
        {
            q.Enqueue("first", -1);
        }

        return q;
    }

    private static OrderedDictionary Legacy(BclSample s) => Fill(new OrderedDictionary(), s);

    private static T Fill<T>(T d, BclSample s, bool extra = false)
        where T : notnull
    {
        for (int i = 0; i < s.Words.Length; i++)
        {
            Add(d, s.Words[i], i);
        }

        if (extra)
        {
            Add(d, "zz", -1);
        }

        return d;

        static void Add(T d, string key, int value)
        {
            if (d is StringDictionary sd)
            {
                sd[key] = value.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                ((IDictionary)d)[key] = value;
            }
        }
    }

    private static NameValueCollection Names(BclSample s, StringComparer comparer)
    {
        var n = new NameValueCollection(comparer);
        for (int i = 0; i < s.Words.Length; i++)
        {
            n.Add(s.Words[i], i.ToString(CultureInfo.InvariantCulture));
        }

        return n;
    }

    private static StringCollection Strings(IEnumerable<string> words)
    {
        var c = new StringCollection();
        c.AddRange([.. words]);
        return c;
    }

    private static Uri MakeUri(BclSample s, bool raw) =>
        new("http://h/" + string.Join("/", s.Words) + "/../x", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = raw });

    private static BigInteger Product(BclSample s) => s.Numbers.Aggregate(BigInteger.One, (p, n) => (p * (n == 0 ? 7 : n)) + 1);
}

public class BclDataTypeProperties
{
    private static readonly string[] Pool = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"];

    public static Arbitrary<BclSample> Samples() =>
        (from numbers in Gen.Choose(1, 8).SelectMany(n => Gen.Choose(-1000, 1000).ArrayOf(n))
         from words in Gen.Choose(1, 6).SelectMany(n => Gen.Elements(Pool).ArrayOf(n))
         select new BclSample([.. numbers.Distinct()], [.. words.Distinct()])).ToArbitrary();

    /// <summary>
    /// For every BCL data type of the list: two instances a receiver can tell apart encode differently; an instance
    /// built twice encodes the same; a copy encodes the same and answers the receiver's queries the same.
    /// </summary>
    [Property(MaxTest = 25, Arbitrary = [typeof(BclDataTypeProperties)])]
    public void EveryBclDataType_DifferentInstancesEncodeDifferently_CopiesBehaveAlike(BclSample sample)
    {
        foreach (BclCase c in BclCases.All)
        {
            object value = c.Make(sample);
            object different = c.Different(sample);
            byte[] encoded = MessageCodec.Encode(new Holder { Payload = value });
            object copy = MessageCopier.DeepCopy(new Holder { Payload = value }).Payload!;

            Assert.True(encoded.AsSpan().SequenceEqual(MessageCodec.Encode(new Holder { Payload = c.Make(sample) })), $"{c}: built twice, encoded differently");
            Assert.True(encoded.AsSpan().SequenceEqual(MessageCodec.Encode(new Holder { Payload = copy })), $"{c}: the copy encodes differently");
            Assert.False(encoded.AsSpan().SequenceEqual(MessageCodec.Encode(new Holder { Payload = different })), $"{c}: two instances a receiver can tell apart encode the same");
            Assert.True(BclCases.Observe(c, value) == BclCases.Observe(c, copy), $"{c}: the copy answers differently");
            Assert.True(BclCases.Observe(c, value) != BclCases.Observe(c, different), $"{c}: the test's own check, the two should differ observably");
        }
    }

    [Fact]
    public void TheListCoversAtLeastFortyTypes() => Assert.True(BclCases.All.Select(c => c.Make(new BclSample([1, 2], ["a"])).GetType()).Distinct().Count() >= 40);
}
