using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DistSim.Analyzers;

/// <summary>
/// DSIM009: which hash codes are randomised per process (or per object), and when a value is "used as data".
/// </summary>
/// <remarks>
/// Randomised: <c>string.GetHashCode</c> (every overload) and string comparers; the identity hash of
/// <c>object.GetHashCode</c> and <c>RuntimeHelpers.GetHashCode</c>; <c>System.HashCode</c> (a random seed per
/// process) and the tuples built on it; a record class (its hash includes its <c>EqualityContract</c>, a
/// <c>Type</c>, hashed by identity); a struct or record struct with the default hash over a field that is itself
/// randomised; anything whose static type is <c>object</c>, an interface or a type parameter. Not randomised:
/// numbers, <c>bool</c>, <c>char</c>, enums, and types with a hand-written <c>GetHashCode</c> (trusted).
/// </remarks>
internal static class HashCodeRule
{
    public static bool IsRandomHash(IInvocationOperation invocation, KnownSymbols k)
    {
        IMethodSymbol method = invocation.TargetMethod;
        INamedTypeSymbol type = method.ContainingType;
        if (KnownSymbols.Same(type, k.HashCode))
        {
            return method.Name is "Combine" or "ToHashCode";
        }

        if (method.Name != "GetHashCode")
        {
            return false;
        }

        if (type.SpecialType == SpecialType.System_String || KnownSymbols.Same(type, k.RuntimeHelpers))
        {
            return true; // string.GetHashCode(), (StringComparison), static (ReadOnlySpan<char>); the identity hash
        }

        if (method.IsStatic)
        {
            return false;
        }

        if (method.Parameters.Length == 1)
        {
            // IEqualityComparer<T>.GetHashCode(T), EqualityComparer<T>.Default, StringComparer.Ordinal, …
            return IsComparerType(type) && IsRandom(invocation.Arguments[0].Value is IConversionOperation conversion ? conversion.Operand.Type : invocation.Arguments[0].Value.Type, k, 0);
        }

        return method.Parameters.Length == 0 && IsRandom(invocation.Instance?.Type, k, 0);
    }

    /// <summary>
    /// Whether a hash is used as data: anything but a discarded result or a value combined inside a
    /// <c>GetHashCode</c> (an override, or an <c>IEqualityComparer</c> implementation), where hashes belong.
    /// </summary>
    public static bool UsedAsData(IOperation operation, ISymbol owner)
    {
        if (owner is IMethodSymbol { Name: "GetHashCode" })
        {
            return false;
        }

        IOperation current = operation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            IExpressionStatementOperation => false,
            ISimpleAssignmentOperation { Target: IDiscardOperation } => false,
            _ => true,
        };
    }

    public static string Describe(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name != "GetHashCode" || method.IsStatic || method.Parameters.Length == 1)
        {
            return method.ContainingType.Name + "." + method.Name;
        }

        ITypeSymbol? receiver = invocation.Instance?.Type;
        return (receiver?.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) ?? "object") + ".GetHashCode()";
    }

    private static bool IsComparerType(INamedTypeSymbol type) =>
        type.Name.Contains("Comparer") || type.AllInterfaces.Any(i => i.Name == "IEqualityComparer");

    private static bool IsRandom(ITypeSymbol? type, KnownSymbols k, int depth)
    {
        if (type is null || depth > 3)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte
                or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
                or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Decimal or SpecialType.System_Single
                or SpecialType.System_Double or SpecialType.System_IntPtr or SpecialType.System_UIntPtr or SpecialType.System_Enum
                or SpecialType.System_DateTime:
                return false;
            case SpecialType.System_String or SpecialType.System_Object or SpecialType.System_ValueType:
                return true;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return false;
        }

        if (type is not INamedTypeSymbol named || type.TypeKind is TypeKind.Interface or TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Delegate)
        {
            return true;
        }

        if (named.IsTupleType || named.Name is "Tuple" or "ValueTuple")
        {
            return true; // hashed with System.HashCode, which is seeded at random per process
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return IsRandom(named.TypeArguments[0], k, depth + 1);
        }

        // The GetHashCode() that a call on this type runs: the nearest declaration up the base chain.
        for (INamedTypeSymbol? t = named; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers("GetHashCode"))
            {
                if (member is not IMethodSymbol { Parameters.Length: 0, IsStatic: false } hash)
                {
                    continue;
                }

                if (t.SpecialType == SpecialType.System_Object)
                {
                    return true; // identity hash
                }

                if (t.SpecialType == SpecialType.System_ValueType || hash.IsImplicitlyDeclared)
                {
                    // Default struct hash, or a record's: over the fields (a record class also hashes its EqualityContract).
                    return (hash.IsImplicitlyDeclared && t.IsRecord && t.TypeKind == TypeKind.Class) || AnyRandomField(named, k, depth);
                }

                return false; // a hand-written GetHashCode (or the BCL's own for its value types): trusted
            }
        }

        return true;
    }

    private static bool AnyRandomField(INamedTypeSymbol type, KnownSymbols k, int depth)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsConst: false } field && IsRandom(field.Type, k, depth + 1))
            {
                return true;
            }
        }

        return false;
    }
}
