using Microsoft.CodeAnalysis;

namespace DistSim.CodeFixes;

/// <summary>
/// What a code fix may use at a place in the code: the node's own shortcuts (in an instance member of a node class,
/// outside its constructors, where <c>Context</c> is not attached yet), or a node context or time provider in scope
/// (a local, a parameter, or a field or property of the enclosing type).
/// </summary>
internal sealed class NodeScope
{
    private readonly SemanticModel _model;
    private readonly int _position;
    private readonly INamedTypeSymbol? _type;
    private readonly bool _instance;
    private readonly ISymbol? _member;

    private NodeScope(SemanticModel model, int position)
    {
        _model = model;
        _position = position;
        ISymbol? member = model.GetEnclosingSymbol(position);
        bool instance = true;
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } function)
        {
            instance &= !function.IsStatic;
            member = function.ContainingSymbol;
        }

        // An initializer cannot use the instance; a node's constructor runs before its context is attached.
        _instance = instance && member is IMethodSymbol { IsStatic: false };
        _type = member?.ContainingType;
        _member = member;
        Node = model.Compilation.GetTypeByMetadataName("DistSim.Nodes.Node");
        InNode = _instance && member is IMethodSymbol { MethodKind: not MethodKind.Constructor } && DerivesFrom(_type, Node, strict: true);
    }

    private INamedTypeSymbol? Node { get; }

    /// <summary>In an instance member of a node class (not a constructor): <c>LocalNow</c>, <c>Random</c> and <c>Context</c> are at hand.</summary>
    public bool InNode { get; }

    public static NodeScope At(SemanticModel model, SyntaxNode node) => new(model, node.SpanStart);

    /// <summary>
    /// The expression that reaches the node's context members (<c>LocalNow</c>, <c>Random</c>) here, with a trailing
    /// dot: <c>this.</c> in a node class, <c>ctx.</c> for a context in scope; null when there is none.
    /// </summary>
    public string? ContextPrefix()
    {
        if (InNode)
        {
            return "this.";
        }

        INamedTypeSymbol? context = _model.Compilation.GetTypeByMetadataName("DistSim.Nodes.INodeContext");
        return Find(type => context is not null && Implements(type, context)) is { } name ? name + "." : null;
    }

    /// <summary>The name of a <c>System.TimeProvider</c> in scope (a NodeTimeProvider, usually), or null.</summary>
    public string? TimeProvider()
    {
        INamedTypeSymbol? provider = _model.Compilation.GetTypeByMetadataName("System.TimeProvider");
        return Find(type => DerivesFrom(type, provider, strict: false));
    }

    /// <summary>
    /// The best symbol of a wanted type in scope: a local declared before this point, then a parameter of the enclosing
    /// method, then a field or property, then a primary-constructor parameter (capturing it when a field already holds
    /// it draws CS9124).
    /// </summary>
    private string? Find(Func<ITypeSymbol, bool> wanted)
    {
        (int Rank, string Name)? best = null;
        foreach (ISymbol symbol in _model.LookupSymbols(_position))
        {
            int rank = symbol switch
            {
                ILocalSymbol local when wanted(local.Type) && local.Locations.Length > 0 && local.Locations[0].SourceSpan.End <= _position => 0,
                IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
                    when wanted(parameter.Type) && !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _member) => 3,
                IParameterSymbol parameter when wanted(parameter.Type) => 1,
                IFieldSymbol field when Usable(field) && wanted(field.Type) => 2,
                IPropertySymbol property when Usable(property) && !property.IsIndexer && wanted(property.Type) => 2,
                _ => -1,
            };
            if (rank >= 0 && (best is null || rank < best.Value.Rank))
            {
                best = (rank, symbol.Name);
            }
        }

        return best?.Name;
    }

    /// <summary>A member of this type or a base (not of DistSim's own Node or TimeProvider), usable from here.</summary>
    private bool Usable(ISymbol member) =>
        (member.IsStatic || _instance)
        && DerivesFrom(_type, member.ContainingType, strict: false)
        && !SymbolEqualityComparer.Default.Equals(member.ContainingType, Node)
        && member.ContainingType.ToDisplayString() != "System.TimeProvider";

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType, bool strict)
    {
        if (baseType is null)
        {
            return false;
        }

        for (ITypeSymbol? t = strict ? type?.BaseType : type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Implements(ITypeSymbol type, INamedTypeSymbol contract) =>
        SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, contract)
        || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, contract));
}
