using System.Collections.Concurrent;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DistSim.Analyzers;

/// <summary>
/// What one compilation's code calls, and the hazards of code outside node classes, gathered while the compiler
/// analyses each member, then (at the end of the compilation) walked from the members of node classes: a hazard in
/// a member they reach is reported with the path that reaches it.
/// </summary>
/// <remarks>
/// A member is a method, accessor, constructor, or a field or property with an initializer; the edges are the calls
/// the compiler binds (methods, constructors, accessors, user-defined operators and conversions, method groups, field
/// references) to members with source in the same compilation, and, for a virtual or interface call, to every
/// override or implementation in the same compilation on a type that the receiver's static type admits. Calls to
/// members of <c>object</c> (<c>ToString</c>, <c>Equals</c>, <c>GetHashCode</c>) are not expanded to their overrides.
/// Thread-safe: the compiler analyses members concurrently.
/// </remarks>
internal sealed class CallGraph(KnownSymbols known, IAssemblySymbol assembly)
{
    private readonly ConcurrentDictionary<ISymbol, ConcurrentBag<ISymbol>> _calls = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ISymbol, ConcurrentBag<(IMethodSymbol Method, INamedTypeSymbol Receiver)>> _virtualCalls = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ISymbol, ConcurrentBag<Hazard>> _hazards = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentBag<INamedTypeSymbol> _types = [];
    private readonly ConcurrentDictionary<ISymbol, byte> _owners = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<(ISymbol Method, ISymbol Receiver), List<ISymbol>> _implementations = new(SymbolPairComparer.Instance);

    private sealed class SymbolPairComparer : IEqualityComparer<(ISymbol Method, ISymbol Receiver)>
    {
        public static readonly SymbolPairComparer Instance = new();

        public bool Equals((ISymbol Method, ISymbol Receiver) x, (ISymbol Method, ISymbol Receiver) y) =>
            SymbolEqualityComparer.Default.Equals(x.Method, y.Method) && SymbolEqualityComparer.Default.Equals(x.Receiver, y.Receiver);

        public int GetHashCode((ISymbol Method, ISymbol Receiver) pair) =>
            (SymbolEqualityComparer.Default.GetHashCode(pair.Method) * 31) + SymbolEqualityComparer.Default.GetHashCode(pair.Receiver);
    }

    public void AddType(INamedTypeSymbol type) => _types.Add(type);

    public void AddOwner(ISymbol owner) => _owners.TryAdd(owner, 0);

    public void AddHazard(ISymbol owner, Hazard hazard) => _hazards.GetOrAdd(owner, _ => []).Add(hazard);

    /// <summary>Records that <paramref name="owner"/> uses <paramref name="target"/> (kept when the target has source here).</summary>
    public void AddCall(ISymbol owner, ISymbol target)
    {
        target = target.OriginalDefinition;
        if (target is IMethodSymbol { ReducedFrom: { } reduced })
        {
            target = reduced.OriginalDefinition;
        }

        if (!SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, assembly))
        {
            return;
        }

        ConcurrentBag<ISymbol> calls = _calls.GetOrAdd(owner, _ => []);
        calls.Add(target);
        if (target is IPropertySymbol property)
        {
            if (property.GetMethod is { } get)
            {
                calls.Add(get);
            }

            if (property.SetMethod is { } set)
            {
                calls.Add(set);
            }
        }
    }

    /// <summary>
    /// Records a call that dispatches on its receiver: every matching override in this compilation may run. Not for
    /// members of <c>object</c>, nor for DistSim's own abstractions (<c>INodeContext</c>, <c>Node</c>'s handlers, links):
    /// their implementations in a project are node classes (checked anyway) or test doubles of DistSim's.
    /// </summary>
    public void AddVirtualCall(ISymbol owner, IMethodSymbol method, ITypeSymbol? receiver)
    {
        IMethodSymbol root = LeastOverridden(method);
        if (receiver is INamedTypeSymbol named && root.ContainingType.SpecialType != SpecialType.System_Object
            && !SymbolEqualityComparer.Default.Equals(root.ContainingAssembly, known.Node.ContainingAssembly))
        {
            _virtualCalls.GetOrAdd(owner, _ => []).Add((method, named));
        }
    }

    /// <summary>Reports every hazard in a member that the members of node classes reach.</summary>
    public void Report(CompilationAnalysisContext context)
    {
        if (_hazards.IsEmpty)
        {
            return;
        }

        Dictionary<INamedTypeSymbol, List<ISymbol>> membersByType = new(SymbolEqualityComparer.Default);
        foreach (ISymbol owner in _owners.Keys)
        {
            if (owner.ContainingType is not { } type)
            {
                continue;
            }

            if (!membersByType.TryGetValue(type, out List<ISymbol>? list))
            {
                membersByType[type] = list = [];
            }

            list.Add(owner);
        }

        _implementations.Clear();
        var parent = new Dictionary<ISymbol, ISymbol?>(SymbolEqualityComparer.Default);
        var queue = new Queue<ISymbol>();
        foreach (ISymbol owner in _owners.Keys)
        {
            if (known.IsNodeCode(owner))
            {
                parent[owner] = null;
                queue.Enqueue(owner);
            }
        }

        while (queue.Count > 0)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            ISymbol current = queue.Dequeue();
            foreach (ISymbol next in Successors(current, membersByType))
            {
                if (!parent.ContainsKey(next))
                {
                    parent[next] = current;
                    queue.Enqueue(next);
                }
            }
        }

        foreach (KeyValuePair<ISymbol, ConcurrentBag<Hazard>> entry in _hazards)
        {
            if (parent.ContainsKey(entry.Key) && !known.IsNodeCode(entry.Key))
            {
                string reach = Describe(entry.Key, parent);
                foreach (Hazard hazard in entry.Value)
                {
                    context.ReportDiagnostic(hazard.ToDiagnostic(reach, reached: true));
                }
            }
        }
    }

    private IEnumerable<ISymbol> Successors(ISymbol member, Dictionary<INamedTypeSymbol, List<ISymbol>> membersByType)
    {
        if (_calls.TryGetValue(member, out ConcurrentBag<ISymbol>? calls))
        {
            foreach (ISymbol call in calls)
            {
                yield return call;
            }
        }

        if (_virtualCalls.TryGetValue(member, out var virtualCalls))
        {
            foreach ((IMethodSymbol method, INamedTypeSymbol receiver) in virtualCalls)
            {
                foreach (ISymbol implementation in Implementations(method, receiver))
                {
                    yield return implementation;
                }
            }
        }

        // Running a member of a type runs its static initializers; a constructor runs the instance initializers.
        if (member.ContainingType is { } owner && membersByType.TryGetValue(owner, out List<ISymbol>? siblings))
        {
            bool constructor = member is IMethodSymbol { MethodKind: MethodKind.Constructor };
            foreach (ISymbol sibling in siblings)
            {
                bool initializer = sibling is IFieldSymbol or IPropertySymbol;
                if ((sibling.IsStatic && (initializer || sibling is IMethodSymbol { MethodKind: MethodKind.StaticConstructor }))
                    || (constructor && initializer && !sibling.IsStatic))
                {
                    yield return sibling;
                }
            }
        }
    }

    /// <summary>Every member of this compilation that a call of <paramref name="method"/> on a <paramref name="receiver"/> may run (cached).</summary>
    private List<ISymbol> Implementations(IMethodSymbol method, INamedTypeSymbol receiver)
    {
        var key = (method.OriginalDefinition, receiver.OriginalDefinition);
        if (!_implementations.TryGetValue(key, out List<ISymbol>? found))
        {
            found = [];
            foreach (INamedTypeSymbol type in _types)
            {
                if (Implementation(type, method, receiver) is { } implementation)
                {
                    found.Add(implementation.OriginalDefinition);
                }
            }

            _implementations[key] = found;
        }

        return found;
    }

    /// <summary>The member of <paramref name="type"/> that a call of <paramref name="method"/> on a <paramref name="receiver"/> runs, if <paramref name="type"/> can be one.</summary>
    private static IMethodSymbol? Implementation(INamedTypeSymbol type, IMethodSymbol method, INamedTypeSymbol receiver)
    {
        if (type.TypeKind is TypeKind.Interface)
        {
            return null;
        }

        if (method.ContainingType.TypeKind == TypeKind.Interface)
        {
            if (!Admits(receiver, type))
            {
                return null;
            }

            return type.FindImplementationForInterfaceMember(method) as IMethodSymbol;
        }

        if (!KnownSymbols.Is(type, receiver.OriginalDefinition))
        {
            return null;
        }

        IMethodSymbol root = LeastOverridden(method);
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers(method.Name))
            {
                if (member is IMethodSymbol { IsOverride: true } candidate
                    && SymbolEqualityComparer.Default.Equals(LeastOverridden(candidate).OriginalDefinition, root.OriginalDefinition))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool Admits(INamedTypeSymbol receiver, INamedTypeSymbol type)
    {
        if (SymbolEqualityComparer.Default.Equals(receiver.OriginalDefinition, type.OriginalDefinition))
        {
            return true;
        }

        if (receiver.TypeKind == TypeKind.Interface)
        {
            foreach (INamedTypeSymbol i in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, receiver.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        return KnownSymbols.Is(type, receiver.OriginalDefinition);
    }

    private static IMethodSymbol LeastOverridden(IMethodSymbol method)
    {
        IMethodSymbol current = method;
        for (int guard = 0; current.OverriddenMethod is { } overridden && guard < 64; guard++)
        {
            current = overridden;
        }

        return current;
    }

    /// <summary>" (in code reached from node code: N.OnTimer → Helper.Compute)".</summary>
    private static string Describe(ISymbol member, Dictionary<ISymbol, ISymbol?> parent)
    {
        var path = new List<ISymbol>();
        for (ISymbol? s = member; s is not null && path.Count < 64; s = parent[s])
        {
            path.Add(s);
        }

        path.Reverse();
        var text = new StringBuilder(" (in code reached from node code: ");
        for (int i = 0; i < path.Count; i++)
        {
            if (path.Count > 6 && i == 2)
            {
                text.Append(" → …");
                i = path.Count - 3;
                continue;
            }

            text.Append(i == 0 ? "" : " → ").Append(Name(path[i]));
        }

        return text.Append(')').ToString();
    }

    private static string Name(ISymbol member)
    {
        string type = member.ContainingType?.Name ?? "";
        return member switch
        {
            IMethodSymbol { MethodKind: MethodKind.Constructor } => "new " + type,
            IMethodSymbol { MethodKind: MethodKind.StaticConstructor } => "static " + type,
            IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda => $"{type}.{lambda.ContainingSymbol?.Name} (lambda)",
            IMethodSymbol { AssociatedSymbol: { } property } => type + "." + property.Name,
            _ => type + "." + member.Name,
        };
    }
}
