using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace DistSim.Analyzers;

/// <summary>Finds the hazards of one operation (without deciding whether its code is node code).</summary>
internal static partial class HazardFinder
{
    public static void Find(IOperation operation, ISymbol owner, KnownSymbols k, List<Hazard> found)
    {
        int before = found.Count;
        Classified(operation, owner, k, found);
        if (found.Count > before && InNameOf(operation))
        {
            found.RemoveRange(before, found.Count - before); // nameof(t.Result) is a string: nothing runs
        }
    }

    /// <summary>Whether <paramref name="operation"/> is (part of) the argument of a <c>nameof</c>, which names a member and evaluates nothing.</summary>
    public static bool InNameOf(IOperation operation)
    {
        for (IOperation? o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is INameOfOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static void Classified(IOperation operation, ISymbol owner, KnownSymbols k, List<Hazard> found)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation p:
                Property(p, k, found);
                break;
            case IInvocationOperation i:
                Invocation(i, owner, k, found);
                break;
            case IObjectCreationOperation c:
                Creation(c, k, found);
                break;
            case IFieldReferenceOperation f:
                Field(f, owner, k, found);
                break;
            case IMethodReferenceOperation m:
                MethodGroup(m, k, found);
                break;
        }
    }

    private static void Property(IPropertyReferenceOperation p, KnownSymbols k, List<Hazard> found)
    {
        IPropertySymbol property = p.Property;
        INamedTypeSymbol type = property.ContainingType;
        string name = property.Name;
        if ((KnownSymbols.Same(type, k.DateTime) && name is "Now" or "UtcNow" or "Today")
            || (KnownSymbols.Same(type, k.DateTimeOffset) && name is "Now" or "UtcNow"))
        {
            string member = type.Name + "." + name;
            found.Add(new Hazard(DeterminismRules.WallClock, p.Syntax.GetLocation(), member, FixKinds.Clock, member));
        }
        else if (KnownSymbols.Same(type, k.TimeProvider) && name == "System")
        {
            found.Add(new Hazard(DeterminismRules.WallClock, p.Syntax.GetLocation(), "TimeProvider.System"));
        }
        else if (KnownSymbols.Same(type, k.Environment) && name is "TickCount" or "TickCount64")
        {
            string member = "Environment." + name;
            found.Add(new Hazard(DeterminismRules.TickCount, p.Syntax.GetLocation(), member, FixKinds.TickCount, member));
        }
        else if (KnownSymbols.Same(type, k.Random) && name == "Shared")
        {
            found.Add(new Hazard(DeterminismRules.UnseededRandom, p.Syntax.GetLocation(), "Random.Shared", FixKinds.Random, "Random.Shared")); // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        }
        else if (KnownSymbols.Same(type, k.Stopwatch))
        {
            found.Add(new Hazard(DeterminismRules.Stopwatch, p.Syntax.GetLocation(), "Stopwatch." + name)); // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        }
        else if (BlockingResult(p, k) is { } blocking)
        {
            found.Add(blocking);
        }
        else if (property.IsStatic && !property.IsIndexer && k.IsNodeType(type) is false)
        {
            StaticWrite(p, property, property.Type, "static property", k, found);
        }
    }

    private static void Invocation(IInvocationOperation invocation, ISymbol owner, KnownSymbols k, List<Hazard> found)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (Classify(method, k) is { } hit)
        {
            found.Add(new Hazard(hit.Rule, CalleeLocation(invocation), hit.Subject));
            return;
        }

        if (BlockingCall(invocation, k) is { } blocking)
        {
            found.Add(blocking);
            return;
        }

        INamedTypeSymbol type = method.ContainingType;
        if (KnownSymbols.Same(type, k.Task) && method.Name == "Delay" && !HasTimeProvider(method, k))
        {
            found.Add(new Hazard(DeterminismRules.RealDelay, CalleeLocation(invocation), "Task.Delay", FixKinds.TimeProvider, "Task.Delay"));
        }
        else if (method.Name == "WaitAsync" && IsTask(type, k) && method.Parameters.Length > 0 && IsTimeSpan(method.Parameters[0].Type) && !HasTimeProvider(method, k))
        {
            found.Add(new Hazard(DeterminismRules.RealDelay, CalleeLocation(invocation), "WaitAsync", FixKinds.TimeProvider, "WaitAsync"));
        }
        else if (method.Name == "ConfigureAwait" && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            ConfigureAwait(invocation, found);
        }
        else if (HashCodeRule.IsRandomHash(invocation, k) && HashCodeRule.UsedAsData(invocation, owner))
        {
            found.Add(new Hazard(DeterminismRules.HashCode, CalleeLocation(invocation), HashCodeRule.Describe(invocation)));
        }
    }

    private static void ConfigureAwait(IInvocationOperation invocation, List<Hazard> found)
    {
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter || !argument.Value.ConstantValue.HasValue)
            {
                continue;
            }

            object? value = argument.Value.ConstantValue.Value;
            bool offContext = parameter.Type.SpecialType == SpecialType.System_Boolean
                ? value is false
                : parameter.Type.TypeKind == TypeKind.Enum && parameter.Type.Name == "ConfigureAwaitOptions" && value is int flags && (flags & 1) == 0;
            if (offContext)
            {
                // Removing the call is the same as ConfigureAwait(true) only for false or ConfigureAwaitOptions.None.
                bool removable = value is false or 0;
                Location location = invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } syntax
                    ? Location.Create(syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(access.Name.SpanStart, syntax.Span.End))
                    : invocation.Syntax.GetLocation();
                found.Add(new Hazard(DeterminismRules.ConfigureAwait, location, argument.Value.Syntax.ToString() is var text ? $"ConfigureAwait({text})" : "ConfigureAwait",
                    removable ? FixKinds.RemoveConfigureAwait : null));
            }
        }
    }

    private static void Creation(IObjectCreationOperation creation, KnownSymbols k, List<Hazard> found)
    {
        ITypeSymbol? type = creation.Type;
        IMethodSymbol? constructor = creation.Constructor;
        Location location = creation.Syntax.GetLocation();
        if (KnownSymbols.Same(type, k.Random) && constructor is { Parameters.Length: 0 })
        {
            found.Add(new Hazard(DeterminismRules.UnseededRandom, location, "new Random()", FixKinds.Random, "new Random()")); // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        }
        else if (KnownSymbols.Same(type, k.Stopwatch))
        {
            found.Add(new Hazard(DeterminismRules.Stopwatch, location, "new Stopwatch()"));
        }
        else if (KnownSymbols.Same(type, k.Thread))
        {
            found.Add(new Hazard(DeterminismRules.Threads, location, "new Thread(…)"));
        }
        else if (KnownSymbols.Same(type, k.ThreadingTimer) || KnownSymbols.Same(type, k.TimersTimer))
        {
            found.Add(new Hazard(DeterminismRules.Threads, location, "new " + type!.ToDisplayString() + "(…)"));
        }
        else if (KnownSymbols.Same(type, k.CancellationTokenSource) && constructor is { Parameters.Length: > 0 } ctor
            && (IsTimeSpan(ctor.Parameters[0].Type) || ctor.Parameters[0].Type.SpecialType == SpecialType.System_Int32) && !HasTimeProvider(ctor, k))
        {
            found.Add(new Hazard(DeterminismRules.RealDelay, location, "new CancellationTokenSource(delay)", FixKinds.TimeProvider, "CancellationTokenSource"));
        }
    }

    private static void Field(IFieldReferenceOperation reference, ISymbol owner, KnownSymbols k, List<Hazard> found)
    {
        IFieldSymbol field = reference.Field;
        if (KnownSymbols.Same(field.ContainingType, k.Stopwatch))
        {
            found.Add(new Hazard(DeterminismRules.Stopwatch, reference.Syntax.GetLocation(), "Stopwatch." + field.Name)); // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        }
        else if (field.IsStatic && !field.IsConst && !k.IsNodeType(field.ContainingType) && !IsTypeInitializer(owner, field.ContainingType))
        {
            // Static fields declared in a node class are reported once, at their declaration (StaticStateRule).
            StaticWrite(reference, field, field.Type, "static field", k, found);
        }
    }

    private static void MethodGroup(IMethodReferenceOperation reference, KnownSymbols k, List<Hazard> found)
    {
        if (Classify(reference.Method, k) is { } hit)
        {
            found.Add(new Hazard(hit.Rule, reference.Syntax.GetLocation(), hit.Subject));
        }
        else if (BlockingMethodGroup(reference, k) is { } blocking)
        {
            found.Add(blocking);
        }
    }

    /// <summary>A static constructor or static initializer of <paramref name="type"/>: it sets the type's statics once per process.</summary>
    private static bool IsTypeInitializer(ISymbol owner, INamedTypeSymbol type) =>
        owner.IsStatic
        && owner is IMethodSymbol { MethodKind: MethodKind.StaticConstructor } or IFieldSymbol or IPropertySymbol
        && SymbolEqualityComparer.Default.Equals(owner.ContainingType, type.OriginalDefinition);

    /// <summary>Hazards decided by the method alone, whatever its arguments (so method groups count too).</summary>
    private static (DiagnosticDescriptor Rule, string Subject)? Classify(IMethodSymbol method, KnownSymbols k)
    {
        INamedTypeSymbol type = method.ContainingType;
        string name = method.Name;
        if (KnownSymbols.Same(type, k.Stopwatch))
        {
            return (DeterminismRules.Stopwatch, "Stopwatch." + name); // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        }

        if (KnownSymbols.Same(type, k.Guid) && name is "NewGuid" or "CreateVersion7")
        {
            return (DeterminismRules.NewGuid, "Guid." + name);
        }

        if (KnownSymbols.Same(type, k.RandomNumberGenerator) && method.IsStatic)
        {
            return (DeterminismRules.UnseededRandom, "RandomNumberGenerator." + name);
        }

        if (KnownSymbols.Same(type, k.Task) && name is "Run" or "Start")
        {
            return (DeterminismRules.Threads, "Task." + name);
        }

        if ((KnownSymbols.Same(type, k.TaskFactory) || KnownSymbols.Same(type, k.TaskFactoryOfT)) && name == "StartNew")
        {
            return (DeterminismRules.Threads, "TaskFactory.StartNew");
        }

        if (KnownSymbols.Same(type, k.ThreadPool))
        {
            return (DeterminismRules.Threads, "ThreadPool." + name);
        }

        if (KnownSymbols.Same(type, k.Parallel))
        {
            return (DeterminismRules.Threads, "Parallel." + name); // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        }

        return null;
    }

    private static bool HasTimeProvider(IMethodSymbol method, KnownSymbols k)
    {
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (KnownSymbols.Is(parameter.Type, k.TimeProvider))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTask(INamedTypeSymbol type, KnownSymbols k) =>
        KnownSymbols.Same(type, k.Task) || (type.Name == "Task" && KnownSymbols.Is(type, k.Task));

    private static bool IsTimeSpan(ITypeSymbol type) =>
        type.Name == "TimeSpan" && type.ContainingNamespace?.ToDisplayString() == "System";

    /// <summary>Where an invocation is reported: the called expression (<c>Task.Run</c>), not its arguments.</summary>
    internal static Location CalleeLocation(IInvocationOperation invocation) =>
        invocation.Syntax is InvocationExpressionSyntax syntax ? syntax.Expression.GetLocation() : invocation.Syntax.GetLocation();
}
