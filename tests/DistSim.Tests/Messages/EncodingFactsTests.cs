using System.Collections.Immutable;
using System.Numerics;
using DistSim.Messages;

namespace DistSim.Tests.Messages;

public class EncodingFactsTests
{
    private static readonly Counter SharedCounter = new() { Value = 1 };

    /// <summary>Pairs of messages a receiver can tell apart: their encodings must differ.</summary>
    public static TheoryData<string, object?, object?> Different() => new()
    {
        { "0.0 vs -0.0", new Holder { Payload = 0.0 }, new Holder { Payload = -0.0 } },
        { "NaN payloads", new Holder { Payload = double.NaN }, new Holder { Payload = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0001) } },
        { "float -0", new Holder { Payload = 0f }, new Holder { Payload = -0f } },
        { "lone surrogate vs replacement char", new Leaf(1, "\uD800"), new Leaf(1, "\uFFFD") },
        { "null vs empty string", new Leaf(1, null), new Leaf(1, "") },
        { "boxed int vs boxed long", new Holder { Payload = 1 }, new Holder { Payload = 1L } },
        { "int vs enum with the same value", new Holder { Payload = 1 }, new Holder { Payload = (Mood)1 } },
        { "int[] vs uint[] (CLR array covariance)", new Holder { Payload = new[] { 1 } }, new Holder { Payload = (int[])(object)new uint[] { 1 } } },
        { "DateTime kind", new Holder { Payload = new DateTime(5, DateTimeKind.Utc) }, new Holder { Payload = new DateTime(5, DateTimeKind.Local) } },
        { "decimal scale", new Holder { Payload = 1.0m }, new Holder { Payload = 1.00m } },
        { "array shape", new Holder { Payload = new int[2, 3] }, new Holder { Payload = new int[3, 2] } },
        { "array lower bound", new Holder { Payload = Array.CreateInstance(typeof(int), [2], [0]) }, new Holder { Payload = Array.CreateInstance(typeof(int), [2], [1]) } },
        { "element order", new List<int> { 1, 2 }, new List<int> { 2, 1 } },
        { "dictionary order", Dict(("a", 1), ("b", 2)), Dict(("b", 2), ("a", 1)) },
        { "null vs empty list", new Item(0, null) { Leaves = null }, new Item(0, null) { Leaves = [] } },
        { "runtime type with the same fields", new Holder { Payload = new Leaf(1, "x") }, new Holder { Payload = new SameLeaf(1, "x") } },
        { "default vs empty ImmutableArray", new Holder { Payload = default(ImmutableArray<int>) }, new Holder { Payload = ImmutableArray<int>.Empty } },
        { "Nullable null vs 0", new Item(0, null) { Maybe = null }, new Item(0, null) { Maybe = 0 } },
        { "shared vs equal copies", new Item(0, null) { Counter = SharedCounter, Payload = SharedCounter }, new Item(0, null) { Counter = SharedCounter, Payload = new Counter { Value = 1 } } },
        { "base-class private field", new Item(1, null), new Item(2, null) },
        { "init-only property", new Item(0, null) { Version = 1 }, new Item(0, null) { Version = 2 } },
        { "BigInteger", new Holder { Payload = BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture) }, new Holder { Payload = BigInteger.Parse("123456789012345678901234567891", System.Globalization.CultureInfo.InvariantCulture) } },
        { "Int128", new Holder { Payload = Int128.MaxValue }, new Holder { Payload = Int128.MaxValue - 1 } },
        { "Half", new Holder { Payload = (Half)0 }, new Holder { Payload = -(Half)0 } },
        { "tuple", new Holder { Payload = (1, "a") }, new Holder { Payload = (1, "b") } },
        { "jagged", new Holder { Payload = new[] { new[] { 1 }, new[] { 2 } } }, new Holder { Payload = new[] { new[] { 1, 2 } } } },
        { "null vs no message", null, new Holder() },
    };

    [Theory]
    [MemberData(nameof(Different))]
    public void ObservablyDifferentMessages_EncodeDifferently(string what, object? a, object? b) =>
        Assert.False(MessageCodec.Encode(a).AsSpan().SequenceEqual(MessageCodec.Encode(b)), what);

    [Fact]
    public void ListsWithDifferentCapacities_EncodeEqually()
    {
        var small = new List<int> { 1, 2, 3 };
        var large = new List<int>(1000) { 0, 1, 2, 3, 4 };
        large.RemoveAt(0);
        large.RemoveAt(3);

        Assert.Equal(MessageCodec.Encode(new Holder { Payload = small }), MessageCodec.Encode(new Holder { Payload = large }));
    }

    [Fact]
    public void EqualDictionariesWithDifferentHistories_EncodeEqually()
    {
        var a = Dict(("x", 1), ("y", 2));
        var b = new Dictionary<string, int>(100) { ["junk"] = 0, ["x"] = 1, ["y"] = 2 };
        b.Remove("junk");
        var c = new Dictionary<string, int>(100) { ["junk"] = 0, ["x"] = 1 };
        c.Remove("junk");
        c["y"] = 2; // takes the freed first entry: enumerates y before x, which a receiver sees

        Assert.Equal(MessageCodec.Encode(a), MessageCodec.Encode(b));
        Assert.Equal(["y", "x"], c.Keys);
        Assert.NotEqual(MessageCodec.Encode(a), MessageCodec.Encode(c));
    }

    [Fact]
    public void UserTypeDerivedFromList_EncodesItsFieldsAndItsElements_NotTheListInternals()
    {
        var a = new Tagged { Tag = "t" };
        a.AddRange([1, 2]);
        var b = new Tagged(64) { Tag = "t" };
        b.AddRange([1, 2, 3]);
        b.RemoveAt(2);

        Assert.Equal(MessageCodec.Encode(a), MessageCodec.Encode(b));
        b.Tag = "u";
        Assert.NotEqual(MessageCodec.Encode(a), MessageCodec.Encode(b));
    }

    [Fact]
    public void StringBuilder_IsEncodedAsItsText()
    {
        var one = new System.Text.StringBuilder("ab");
        var two = new System.Text.StringBuilder(100).Append('a').Append('b');

        Assert.Equal(MessageCodec.Encode(new Holder { Payload = one }), MessageCodec.Encode(new Holder { Payload = two }));
        Assert.NotEqual(MessageCodec.Encode(new Holder { Payload = one }), MessageCodec.Encode(new Holder { Payload = two.Append('c') }));
    }

    private static Dictionary<string, int> Dict(params (string Key, int Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);
}

public class Tagged : List<int>
{
    public Tagged()
    {
    }

    public Tagged(int capacity)
        : base(capacity)
    {
    }

    public string? Tag { get; set; }
}
