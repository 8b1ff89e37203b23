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
