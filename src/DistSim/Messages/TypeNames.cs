using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Reflection;
using System.Text;

namespace DistSim.Messages;

/// <summary>Stable type names and tags (never <see cref="object.GetHashCode"/>), and readable names for messages.</summary>
internal static class TypeNames
{
    private static readonly ConcurrentDictionary<Type, ulong> Tags = new();

    /// <summary>XxHash64 (seed 0) of the UTF-8 bytes of <see cref="StableName"/>: the same in every process.</summary>
    public static ulong Tag(Type type) => Tags.GetOrAdd(type, static t => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(StableName(t))));

    /// <summary>
    /// The full name without assembly versions: <c>System.Collections.Generic.List`1[MyApp:MyApp.Order]</c>. Types outside
    /// the <c>System*</c> namespaces are prefixed with their assembly's simple name.
    /// </summary>
    public static string StableName(Type type)
    {
        if (type.IsArray)
        {
            string rank = type.IsSZArray ? "[]" : type.GetArrayRank() == 1 ? "[*]" : "[" + new string(',', type.GetArrayRank() - 1) + "]";
            return StableName(type.GetElementType()!) + rank;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            var sb = new StringBuilder(StableName(type.GetGenericTypeDefinition())).Append('[');
            Type[] args = type.GetGenericArguments();
            for (int i = 0; i < args.Length; i++)
            {
                sb.Append(i == 0 ? "" : ",").Append(StableName(args[i]));
            }

            return sb.Append(']').ToString();
        }

        string name = type.FullName ?? type.Name;
        return TypeRules.IsBcl(type) ? name : type.Assembly.GetName().Name + ":" + name;
    }

    /// <summary>A C#-like name for messages: <c>List&lt;Order&gt;</c>, <c>int[]</c>, <c>Outer.Inner</c>.</summary>
    public static string Friendly(Type type)
    {
        if (type.IsArray)
        {
            return Friendly(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            Type[] args = type.GetGenericArguments();
            var parts = new string[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                parts[i] = Friendly(args[i]);
            }

            name += "<" + string.Join(", ", parts) + ">";
        }

        return type.IsNested && !type.IsGenericParameter && type.DeclaringType is { } outer && !outer.IsGenericType
            ? Friendly(outer) + "." + name
            : name;
    }

    /// <summary>The member a field stands for: <c>&lt;Name&gt;k__BackingField</c> is the property <c>Name</c>.</summary>
    public static string Member(MemberInfo field)
    {
        string name = field.Name;
        if (name.StartsWith('<'))
        {
            int close = name.IndexOf('>', StringComparison.Ordinal);
            if (close > 1)
            {
                return name[1..close];
            }
        }

        return name;
    }
}
