using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace DistSim.Messages;

/// <summary>Fixes the references inside one struct value in place (an array element, a dictionary key).</summary>
internal delegate void StructFixer<T>(ref T value, Copier copier);

/// <summary>Fixes the struct elements of a cloned array.</summary>
internal abstract class ArrayElementFixer
{
    public abstract void Fix(Array clone, Copier copier);
}

/// <summary>
/// Emits, once per type, the code that replaces the mutable references of a memberwise clone by their copies
/// (a DynamicMethod: <c>stfld</c> also writes readonly fields, of any class, struct or base class).
/// </summary>
/// <remarks>
/// Each reference field is copied in one of these ways. In most types every field is a value of the message
/// (<see cref="Copier.CopySemantic"/>: checked for cycles and depth, as the encoder does). In a type of the
/// <c>System.Collections*</c> namespaces (which the encoder writes by elements), a field whose declared type is a
/// type parameter or <c>object</c> holds an element (semantic as well), a comparer is shared if it cannot change and
/// copied otherwise (<see cref="Copier.CopyComparer"/>), a wrapped collection (<see cref="CollectionRules.WrappedFields"/>)
/// is a value as well, and any other
/// field is internal structure — views and linked nodes that may point back — copied with
/// <see cref="Copier.CopyRaw"/> (memoised, cycles allowed, no recursion).
/// </remarks>
internal static class CopyCompiler
{
    private enum Mode
    {
        Semantic,
        Comparer,
        Raw,
        RawArrayOfElements,
        RawArray,
    }

    private readonly record struct Position(FieldInfo[] Path, Mode Mode);

    public static Action<object, Copier>? ObjectFixer(Type type)
    {
        List<Position> positions = Positions(type);
        if (positions.Count == 0)
        {
            return null;
        }

        var method = new DynamicMethod("CopyFix_" + type.Name, null, [typeof(object), typeof(Copier)], typeof(CopyCompiler).Module, skipVisibility: true);
        Emit(method.GetILGenerator(), positions, il =>
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(type.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, type);
        });
        return method.CreateDelegate<Action<object, Copier>>();
    }

    /// <summary>Null when the struct is plain data (nothing to fix).</summary>
    public static StructFixer<T>? StructFixer<T>()
    {
        List<Position> positions = Positions(typeof(T));
        if (positions.Count == 0)
        {
            return null;
        }

        var method = new DynamicMethod("CopyFixStruct_" + typeof(T).Name, null, [typeof(T).MakeByRefType(), typeof(Copier)], typeof(CopyCompiler).Module, skipVisibility: true);
        Emit(method.GetILGenerator(), positions, static il => il.Emit(OpCodes.Ldarg_0));
        return method.CreateDelegate<StructFixer<T>>();
    }

    public static ArrayElementFixer StructArrayFixer(Type element) =>
        (ArrayElementFixer)Activator.CreateInstance(typeof(StructElementsFixer<>).MakeGenericType(element))!;

    /// <summary>A <see cref="StringBuilder"/> is its text (as for the encoder): copied as text, however many chunks it has.</summary>
    public static object RebuildStringBuilder(object source, Copier copier)
    {
        var original = (StringBuilder)source;
        var copy = new StringBuilder(original.Capacity, original.MaxCapacity).Append(original);
        copier.Register(source, copy);
        return copy;
    }

    private static List<Position> Positions(Type type)
    {
        var positions = new List<Position>();
        Collect(type, [], positions);
        return positions;
    }

    private static void Collect(Type owner, FieldInfo[] prefix, List<Position> positions)
    {
        foreach (FieldInfo f in TypeRules.InstanceFields(owner))
        {
            Type declared = f.FieldType;
            bool bcl = TypeRules.IsCollectionsNamespace(f.DeclaringType!);
            if (TypeFacts.Of(declared).IsPlainData)
            {
                continue;
            }

            FieldInfo[] path = [.. prefix, f];
            if (declared.IsValueType)
            {
                Collect(declared, path, positions);
            }
            else if (bcl && TypeRules.IsComparer(declared))
            {
                positions.Add(new Position(path, Mode.Comparer));
            }
            else if (!bcl || TypeRules.IsElementPosition(f, out bool arrayOfElements) || CollectionRules.IsWrappedField(f))
            {
                positions.Add(new Position(path, Mode.Semantic));
            }
            else
            {
                positions.Add(new Position(path, declared.IsArray ? (arrayOfElements ? Mode.RawArrayOfElements : Mode.RawArray) : Mode.Raw));
            }
        }
    }

    /// <summary>For each position: <c>container.f = (F)copier.CopyX(container.f)</c>, through inline structs by address.</summary>
    private static void Emit(ILGenerator il, List<Position> positions, Action<ILGenerator> loadContainer)
    {
        MethodInfo semantic = typeof(Copier).GetMethod(nameof(Copier.CopySemantic))!;
        MethodInfo comparer = typeof(Copier).GetMethod(nameof(Copier.CopyComparer))!;
        MethodInfo raw = typeof(Copier).GetMethod(nameof(Copier.CopyRaw))!;
        MethodInfo rawArray = typeof(Copier).GetMethod(nameof(Copier.CopyRawArray))!;
        foreach (Position p in positions)
        {
            FieldInfo last = p.Path[^1];
            LoadAddress(il, p.Path, loadContainer);
            il.Emit(OpCodes.Ldarg_1);
            LoadAddress(il, p.Path, loadContainer);
            il.Emit(OpCodes.Ldfld, last);
            switch (p.Mode)
            {
                case Mode.Semantic:
                    il.Emit(OpCodes.Call, semantic);
                    break;
                case Mode.Comparer:
                    il.Emit(OpCodes.Call, comparer);
                    break;
                case Mode.Raw:
                    il.Emit(OpCodes.Call, raw);
                    break;
                default:
                    il.Emit(p.Mode == Mode.RawArrayOfElements ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0);
                    il.Emit(OpCodes.Call, rawArray);
                    break;
            }

            if (last.FieldType != typeof(object))
            {
                il.Emit(OpCodes.Castclass, last.FieldType);
            }

            il.Emit(OpCodes.Stfld, last);
        }

        il.Emit(OpCodes.Ret);
    }

    /// <summary>Loads the object or the address of the struct that holds the last field of <paramref name="path"/>.</summary>
    private static void LoadAddress(ILGenerator il, FieldInfo[] path, Action<ILGenerator> loadContainer)
    {
        loadContainer(il);
        for (int i = 0; i < path.Length - 1; i++)
        {
            il.Emit(OpCodes.Ldflda, path[i]);
        }
    }

    private sealed class StructElementsFixer<T> : ArrayElementFixer
    {
        private readonly StructFixer<T> _fixer = StructFixer<T>()!;

        public override void Fix(Array clone, Copier copier)
        {
            ref T first = ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(clone));
            int n = clone.Length;
            for (int i = 0; i < n; i++)
            {
                _fixer(ref Unsafe.Add(ref first, i), copier);
            }
        }
    }
}
