using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace DistSim.Tests.Messages;


public static partial class Mutations
{
    /// <summary>A value that differs observably from <paramref name="current"/> (false if this variant does not apply).</summary>
    private static bool Change(Type declared, object? current, int variant, out object? changed)
    {
        changed = null;
        if (current is null)
        {
            changed = Fresh(declared);
            return changed is not null;
        }

        if (Nullable.GetUnderlyingType(declared) is { } inner)
        {
            return variant % 2 == 0 || Change(inner, current, variant / 2, out changed);
        }

        Type type = current.GetType();
        if (type.IsValueType || type == typeof(string))
        {
            if (!declared.IsValueType && variant % 4 == 3)
            {
                return true; // a boxed value or a string behind a reference-typed field becomes null
            }

            changed = ChangeValue(current, variant, declared == typeof(object));
            return changed is not null;
        }

        if (current is ImmutableList<string> labels)
        {
            changed = (variant % 3) switch
            {
                0 => labels.Add("\uDC00"),
                1 => labels.Count > 0 ? labels.SetItem(0, labels[0] + "!") : labels.Add(""),
                _ => null,
            };
            return true;
        }

        if (variant % 2 == 0)
        {
            return true; // non-null → null
        }

        changed = Twin(current);
        return changed is not null;
    }

    private static object? ChangeValue(object current, int variant, bool boxed) => current switch
    {
        int i => unchecked(i + 1),
        long l => variant % 2 == 0 || !boxed ? unchecked(l + 1) : (object)(int)l, // another value, or (boxed) the same number as another type
        short s => (short)(s + 1),
        float f => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(f) ^ (variant % 2 == 0 ? int.MinValue : 1)),
        double d => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(d) ^ (variant % 2 == 0 ? long.MinValue : 1L)),
        decimal m => variant % 2 == 0 || SameBits(m, m * 1.0m) ? (m > 0 ? m - 1 : m + 1) : m * 1.0m, // 1.0m * 2 = 2.0m: another scale
        bool b => !b,
        char c => (char)(c ^ 1),
        Mood mood => mood == Mood.Calm ? Mood.Lost : Mood.Calm,
        DateTime dt => variant % 2 == 0 ? dt.AddTicks(1) : DateTime.SpecifyKind(dt, (DateTimeKind)(((int)dt.Kind + 1) % 3)),
        Guid g => FlipGuid(g),
        string s => (variant % 3) switch
        {
            0 => s + "\uD800",
            1 => s.Length > 0 ? (char)(s[0] ^ 1) + s[1..] : "x",
            _ => s.Length > 0 ? s[..^1] : "\uDC00",
        },
        Point p => new Point(p.X, BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(p.Y) ^ 1)),
        _ => null,
    };

    private static bool SameBits(decimal a, decimal b) => decimal.GetBits(a).AsSpan().SequenceEqual(decimal.GetBits(b));

    private static Guid FlipGuid(Guid g)
    {
        byte[] bytes = g.ToByteArray();
        bytes[15] ^= 1;
        return new Guid(bytes);
    }

    /// <summary>An instance of a twin type with the same fields and the same values: only the runtime type differs.</summary>
    private static object? Twin(object current)
    {
        switch (current)
        {
            case DerivedLeaf d:
                return new Leaf(d.A, d.B);
            case SameLeaf s:
                return new Leaf(s.A, s.B);
            case Leaf l:
                return new SameLeaf(l.A, l.B);
        }

        Type? twin = current.GetType() switch
        {
            Type t when t == typeof(Item) => typeof(SameItem),
            Type t when t == typeof(SameItem) => typeof(Item),
            Type t when t == typeof(Counter) => typeof(SameCounter),
            Type t when t == typeof(SameCounter) => typeof(Counter),
            _ => null,
        };
        if (twin is null)
        {
            return null;
        }

        object copy = RuntimeHelpers.GetUninitializedObject(twin);
        Type shared = twin.IsAssignableFrom(current.GetType()) ? twin : current.GetType();
        for (Type? t = shared; t is not null; t = t.BaseType)
        {
            foreach (FieldInfo f in t.GetFields(Instance | BindingFlags.DeclaredOnly))
            {
                f.SetValue(copy, f.GetValue(current));
            }
        }

        return copy;
    }

    /// <summary>A new non-null value for a null place of declared type <paramref name="declared"/>.</summary>
    private static object? Fresh(Type declared)
    {
        if (Nullable.GetUnderlyingType(declared) is { } inner)
        {
            return Activator.CreateInstance(inner);
        }

        if (declared == typeof(string))
        {
            return "fresh";
        }

        if (declared == typeof(object))
        {
            return 42;
        }

        if (declared == typeof(Leaf))
        {
            return new Leaf(0, null);
        }

        if (declared == typeof(SealedLeaf))
        {
            return new SealedLeaf(0, Mood.Calm);
        }

        if (declared == typeof(Item))
        {
            return new Item(0, null);
        }

        if (declared == typeof(ImmutableList<string>))
        {
            return ImmutableList<string>.Empty;
        }

        if (declared.IsArray)
        {
            return declared.GetArrayRank() == 1 ? Array.CreateInstance(declared.GetElementType()!, 1) : Array.CreateInstance(declared.GetElementType()!, 1, 1);
        }

        return declared.IsValueType || declared.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(declared) : null;
    }
}
