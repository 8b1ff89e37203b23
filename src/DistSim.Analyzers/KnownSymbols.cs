using Microsoft.CodeAnalysis;

namespace DistSim.Analyzers;

/// <summary>The types the rules look for, resolved once per compilation (null where a reference is missing).</summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation, INamedTypeSymbol node)
    {
        Node = node;
        NodeContext = compilation.GetTypeByMetadataName("DistSim.Nodes.INodeContext");
        DateTime = compilation.GetSpecialType(SpecialType.System_DateTime);
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        TimeProvider = compilation.GetTypeByMetadataName("System.TimeProvider");
        Stopwatch = compilation.GetTypeByMetadataName("System.Diagnostics.Stopwatch");
        Environment = compilation.GetTypeByMetadataName("System.Environment");
        Random = compilation.GetTypeByMetadataName("System.Random");
        RandomNumberGenerator = compilation.GetTypeByMetadataName("System.Security.Cryptography.RandomNumberGenerator");
        Guid = compilation.GetTypeByMetadataName("System.Guid");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        ManualResetEventSlim = compilation.GetTypeByMetadataName("System.Threading.ManualResetEventSlim");
        CountdownEvent = compilation.GetTypeByMetadataName("System.Threading.CountdownEvent");
        Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
        WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        ThreadingTimer = compilation.GetTypeByMetadataName("System.Threading.Timer");
        TimersTimer = compilation.GetTypeByMetadataName("System.Timers.Timer");
        CancellationTokenSource = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
        HashCode = compilation.GetTypeByMetadataName("System.HashCode");
        RuntimeHelpers = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.RuntimeHelpers");
        StringBuilder = compilation.GetTypeByMetadataName("System.Text.StringBuilder");
        ValueType = compilation.GetSpecialType(SpecialType.System_ValueType);
        NonGenericCollection = compilation.GetTypeByMetadataName("System.Collections.ICollection");
        GenericCollection = compilation.GetTypeByMetadataName("System.Collections.Generic.ICollection`1");
    }

    public INamedTypeSymbol Node { get; }

    /// <summary>
    /// True when this compilation is DistSim itself (Node is declared here): only its node classes are checked, and no
    /// call is followed — its kernel is the implementation of the deterministic API that node code calls, which a
    /// consumer's compilation sees as a referenced assembly and never follows into either.
    /// </summary>
    public bool IsLibrary => Node.Locations.Any(l => l.IsInSource);

    public INamedTypeSymbol? NodeContext { get; }

    public INamedTypeSymbol DateTime { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeProvider { get; }

    public INamedTypeSymbol? Stopwatch { get; }

    public INamedTypeSymbol? Environment { get; }

    public INamedTypeSymbol? Random { get; }

    public INamedTypeSymbol? RandomNumberGenerator { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? SemaphoreSlim { get; }

    public INamedTypeSymbol? ManualResetEventSlim { get; }

    public INamedTypeSymbol? CountdownEvent { get; }

    public INamedTypeSymbol? Monitor { get; }

    public INamedTypeSymbol? WaitHandle { get; }

    public INamedTypeSymbol? TaskFactory { get; }

    public INamedTypeSymbol? TaskFactoryOfT { get; }

    public INamedTypeSymbol? Thread { get; }

    public INamedTypeSymbol? ThreadPool { get; }

    public INamedTypeSymbol? Parallel { get; }

    public INamedTypeSymbol? ThreadingTimer { get; }

    public INamedTypeSymbol? TimersTimer { get; }

    public INamedTypeSymbol? CancellationTokenSource { get; }

    public INamedTypeSymbol? HashCode { get; }

    public INamedTypeSymbol? RuntimeHelpers { get; }

    public INamedTypeSymbol? StringBuilder { get; }

    public INamedTypeSymbol ValueType { get; }

    public INamedTypeSymbol? NonGenericCollection { get; }

    public INamedTypeSymbol? GenericCollection { get; }

    /// <summary>The symbols of <paramref name="compilation"/>, or null when it cannot see <c>DistSim.Nodes.Node</c> (no rule applies).</summary>
    public static KnownSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName("DistSim.Nodes.Node") is { } node ? new KnownSymbols(compilation, node) : null;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _holdsContext = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Whether <paramref name="member"/> is node code by its declaration: a member of a node class, a method that takes an
    /// <c>INodeContext</c>, or a member of a type that holds one (an instance field or property of that type, or a
    /// constructor parameter of it). Its hazards are reported as it is analysed; code that node code calls is found by
    /// the <see cref="CallGraph"/>.
    /// </summary>
    public bool IsNodeCode(ISymbol member)
    {
        if (member.ContainingType is not { } type)
        {
            return false;
        }

        if (IsNodeType(type))
        {
            return true;
        }

        if (NodeContext is null || IsLibrary)
        {
            return false;
        }

        if (member is IMethodSymbol method && method.Parameters.Any(p => Same(p.Type, NodeContext)))
        {
            return true;
        }

        return _holdsContext.GetOrAdd(type, t => t.GetMembers().Any(m => m switch
        {
            IFieldSymbol { IsStatic: false } f => Same(f.Type, NodeContext),
            IPropertySymbol { IsStatic: false } p => Same(p.Type, NodeContext),
            IMethodSymbol { MethodKind: MethodKind.Constructor } c => c.Parameters.Any(p => Same(p.Type, NodeContext)),
            _ => false,
        }));
    }

    /// <summary>Whether <paramref name="type"/> derives (directly or not) from <c>DistSim.Nodes.Node</c>.</summary>
    public bool IsNodeType(ITypeSymbol? type)
    {
        for (INamedTypeSymbol? b = type?.BaseType; b is not null; b = b.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(b.OriginalDefinition, Node))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is or derives from <paramref name="baseType"/>.</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is exactly <paramref name="other"/> (ignoring type arguments).</summary>
    public static bool Same(ITypeSymbol? type, INamedTypeSymbol? other) =>
        other is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, other);

    /// <summary>
    /// Whether a static field of type <paramref name="type"/> is shared mutable state even when the field is readonly:
    /// arrays, collections (not the immutable, frozen or read-only ones), random generators and string builders.
    /// </summary>
    public bool IsMutableObjectType(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol)
        {
            return true;
        }

        if (type is not INamedTypeSymbol named || type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        if (Is(type, Random) || Is(type, StringBuilder))
        {
            return true;
        }

        string ns = named.ContainingNamespace?.ToDisplayString() ?? "";
        if (ns.StartsWith("System.Collections.Immutable", System.StringComparison.Ordinal)
            || ns.StartsWith("System.Collections.Frozen", System.StringComparison.Ordinal)
            || named.Name.StartsWith("ReadOnly", System.StringComparison.Ordinal)
            || named.Name.StartsWith("IReadOnly", System.StringComparison.Ordinal))
        {
            return false;
        }

        if (Same(named, NonGenericCollection) || Same(named, GenericCollection))
        {
            return true;
        }

        foreach (INamedTypeSymbol i in named.AllInterfaces)
        {
            if (Same(i, NonGenericCollection) || Same(i, GenericCollection))
            {
                return true;
            }
        }

        return false;
    }
}
