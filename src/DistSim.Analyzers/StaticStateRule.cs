using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DistSim.Analyzers;

/// <summary>
/// DSIM010 at a declaration: a static field (or auto-property) of a node class that is not readonly, or is readonly
/// but holds a mutable object (array, collection, random generator, string builder).
/// </summary>
internal static class StaticStateRule
{
    public static void Declaration(SymbolAnalysisContext context, KnownSymbols known)
    {
        ISymbol symbol = context.Symbol;
        if (!symbol.IsStatic || symbol.IsImplicitlyDeclared || !known.IsNodeType(symbol.ContainingType) || symbol.Locations.Length == 0)
        {
            return;
        }

        string? subject = symbol switch
        {
            IFieldSymbol { IsConst: false } field when !field.IsReadOnly || known.IsMutableObjectType(field.Type)
                => $"Static field '{field.Name}'",
            IPropertySymbol property when BackingField(property) is { } backing && (!backing.IsReadOnly || known.IsMutableObjectType(property.Type))
                => $"Static property '{property.Name}'",
            _ => null,
        };
        if (subject is not null)
        {
            context.ReportDiagnostic(new Hazard(DeterminismRules.StaticState, symbol.Locations[0], subject).ToDiagnostic(""));
        }
    }

    private static IFieldSymbol? BackingField(IPropertySymbol property) =>
        property.ContainingType.GetMembers().OfType<IFieldSymbol>()
            .FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));
}
