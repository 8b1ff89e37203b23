using System.Collections.Immutable;

namespace DistSim.Tests.Messages;

// The shapes the generators build message graphs from: public and private fields, base-class private fields,
// auto-properties, records, structs, enums, nested objects, arrays of every kind, BCL collections, derived
// types behind base-typed and object-typed fields.
public enum Mood : short
{
    Calm = 1,
    Busy = 2,
    Lost = -300,
}

public record Leaf(int A, string? B);

/// <summary>Same fields as <see cref="Leaf"/>, another runtime type: only the type tag tells them apart.</summary>
public record SameLeaf(int A, string? B) : Leaf(A, B);

public record DerivedLeaf(int A, string? B, double C) : Leaf(A, B);

public sealed record SealedLeaf(long X, Mood M);

public readonly record struct Point(double X, double Y);

public struct Pair
{
    public int X;
    public string? S;
    public Leaf? L;
    public double D;
}

/// <summary>A mutable object that several items may share (aliasing inside one message).</summary>
public class Counter
{
    public int Value;
    public List<int> History = [];
}

public class SameCounter : Counter
{
}

public abstract class Base(int secret, string? note)
{
    private int _secret = secret;
    private string? _note = note;

    public int Secret => _secret;

    public string? Note => _note;

    public void Reveal(int secret, string? note)
    {
        _secret = secret;
        _note = note;
    }
}

public class Item(int secret, string? note) : Base(secret, note)
{
    private readonly List<int> _log = [];

    public int Id;
    public double Weight;
    public float Ratio;
    public decimal Price;
    public bool Flag;
    public char Letter;
    public Mood Mood;
    public DateTime When;
    public Guid Key;
    public long? Maybe;
    public Pair Pair;
    public Point Point;
    public (int Count, string? Label) Tuple;
    public Leaf? Leaf;
    public SealedLeaf? Sealed;
    public object? Payload;
    public Item? Next;
    public Counter? Counter;
    public int[]? Numbers;
    public int[,]? Grid;
    public string?[]?[]? Jagged;
    public Pair[]? Pairs;
    public List<Leaf?>? Leaves;
    public Dictionary<string, Item?>? Children;
    public HashSet<string>? Tags;
    public SortedDictionary<int, string?>? Index;
    public LinkedList<Counter?>? Chain;
    public ImmutableList<string>? Labels;

    public string? Name { get; set; }

    public int Version { get; init; }

    public List<int> Log => _log;
}

public class SameItem(int secret, string? note) : Item(secret, note)
{
}

public sealed class SpecialItem(int secret, string? note) : Item(secret, note)
{
    public long Extra;
}

/// <summary>A deeply immutable message: DeepCopy returns it as is.</summary>
public sealed record Frozen(int A, string? B, SealedLeaf? Inner, ImmutableList<string> Tags, Point P, Mood M, decimal Amount);

/// <summary>A dictionary subclass keyed by counters, which hash by identity: copied field by field, its buckets must be rebuilt.</summary>
public sealed class CounterMap : Dictionary<Counter, string?>
{
    public static CounterMap Of(IEnumerable<(Counter Key, string? Value)> entries)
    {
        var map = new CounterMap();
        foreach ((Counter key, string? value) in entries)
        {
            map[key] = value;
        }

        return map;
    }
}

/// <summary>Dictionaries that differ by comparer only: ordinal, case-insensitive, or a comparer with state (flipped by a mutation).</summary>
public static class ComparedMap
{
    public static Dictionary<string, int> Of(int kind, (string Key, int Value)[] entries)
    {
        IEqualityComparer<string> comparer = kind switch
        {
            0 => StringComparer.Ordinal,
            1 => StringComparer.OrdinalIgnoreCase,
            2 => new FlipComparer(false),
            _ => new FlipComparer(true),
        };
        var map = new Dictionary<string, int>(comparer);
        foreach ((string key, int value) in entries)
        {
            map[key] = value;
        }

        return map;
    }
}
