using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DistSim.Analyzers;

/// <summary>DSIM010 at a use: a write to a static field or property, or a change made through one that holds a mutable object.</summary>
internal static partial class HazardFinder
{
    private static readonly HashSet<string> MutatingMethods =
    [
        "Add", "AddFirst", "AddLast", "AddOrUpdate", "AddRange", "Clear", "Dequeue", "Enqueue", "ExceptWith", "GetOrAdd",
        "Insert", "InsertRange", "IntersectWith", "Pop", "Push", "Remove", "RemoveAll", "RemoveAt", "RemoveFirst", "RemoveLast",
        "RemoveRange", "RemoveWhere", "Reverse", "Set", "SetValue", "Sort", "SymmetricExceptWith", "TryAdd", "TryDequeue",
        "TryPop", "TryRemove", "TryTake", "TryUpdate", "UnionWith",
    ];

    private static void StaticWrite(IOperation reference, ISymbol member, ITypeSymbol type, string kind, KnownSymbols k, List<Hazard> found)
    {
        string name = $"{kind} '{member.ContainingType.Name}.{member.Name}'";
        if (IsWriteTarget(reference))
        {
            found.Add(new Hazard(DeterminismRules.StaticState, reference.Syntax.GetLocation(), "The write to " + name));
        }
        else if (k.IsMutableObjectType(type) && IsChangedThrough(reference, type, k))
        {
            found.Add(new Hazard(DeterminismRules.StaticState, reference.Syntax.GetLocation(), $"The change through {name} (a shared {type.ToDisplayString()})"));
        }
    }

    /// <summary>Whether <paramref name="operation"/> is assigned, incremented, or passed by <c>ref</c>/<c>out</c>.</summary>
    internal static bool IsWriteTarget(IOperation operation)
    {
        IOperation current = operation;
        IOperation? parent = current.Parent;
        while (parent is ITupleOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            IAssignmentOperation assignment => assignment.Target == current,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            _ => false,
        };
    }

    private static bool IsChangedThrough(IOperation reference, ITypeSymbol type, KnownSymbols k) => reference.Parent switch
    {
        IArrayElementReferenceOperation element => element.ArrayReference == reference && IsWriteTarget(element),
        IPropertyReferenceOperation indexer => indexer.Instance == reference && indexer.Property.IsIndexer && IsWriteTarget(indexer),
        // A random generator or a string builder changes on every call; a collection on the calls that change it.
        IInvocationOperation call => call.Instance == reference
            && (KnownSymbols.Is(type, k.Random) || KnownSymbols.Is(type, k.StringBuilder) || MutatingMethods.Contains(call.TargetMethod.Name)),
        _ => false,
    };
}
