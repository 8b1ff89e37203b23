using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DistSim.Analyzers;

/// <summary>
/// Flags non-determinism (wall clock, unseeded randomness, threads, real delays, randomised hashes, static state) and
/// blocking waits on tasks (which deadlock a run) in classes derived from <c>DistSim.Nodes.Node</c>, and in code of the
/// same project that those classes reach by calls.
/// </summary>
/// <remarks>
/// A hazard in node code by declaration (<see cref="KnownSymbols.IsNodeCode"/>: a node class, or code that takes or
/// holds an <c>INodeContext</c>) is reported as the compiler analyses it, so an editor shows it as you type and offers
/// the code fix. A hazard elsewhere in the project is kept until the whole compilation has been analysed, and reported
/// (with a descriptor tagged <c>CompilationEnd</c>, without a code fix) if node code reaches it through any number of
/// calls (see <see cref="CallGraph"/>), with the path in the message. Nothing is reported in a project that does not
/// reference DistSim. See <c>docs/concepts/analyzers.md</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.Invocation,
        OperationKind.ObjectCreation,
        OperationKind.PropertyReference,
        OperationKind.FieldReference,
        OperationKind.MethodReference,
        OperationKind.Binary,
        OperationKind.Unary,
        OperationKind.Conversion);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = DeterminismRules.All.AddRange(DeterminismRules.AllReached);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        if (KnownSymbols.Create(context.Compilation) is not { } known)
        {
            return;
        }

        context.RegisterSymbolAction(c => StaticStateRule.Declaration(c, known), SymbolKind.Field, SymbolKind.Property);
        if (known.IsLibrary)
        {
            context.RegisterOperationAction(c => Analyze(c, known, graph: null), Kinds);
            return;
        }

        var graph = new CallGraph(known, context.Compilation.Assembly);
        context.RegisterOperationAction(c => Analyze(c, known, graph), Kinds);
        context.RegisterSymbolAction(c => graph.AddType((INamedTypeSymbol)c.Symbol), SymbolKind.NamedType);
        context.RegisterCompilationEndAction(graph.Report);
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols known, CallGraph? graph)
    {
        IOperation operation = context.Operation;
        ISymbol owner = NodeLambda(operation, known) ?? Owner(context.ContainingSymbol);
        if (graph is not null)
        {
            graph.AddOwner(owner);
            AddCalls(operation, owner, graph);
        }

        var found = new List<Hazard>();
        HazardFinder.Find(operation, owner, known, found);
        if (found.Count == 0)
        {
            return;
        }

        bool nodeCode = known.IsNodeCode(owner);
        foreach (Hazard hazard in found)
        {
            if (nodeCode)
            {
                context.ReportDiagnostic(hazard.ToDiagnostic(""));
            }
            else
            {
                graph?.AddHazard(owner, hazard);
            }
        }
    }

    private static void AddCalls(IOperation operation, ISymbol owner, CallGraph graph)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                graph.AddCall(owner, invocation.TargetMethod);
                if (invocation.Instance is { } instance && IsDispatched(invocation.TargetMethod) && !IsBaseCall(instance))
                {
                    graph.AddVirtualCall(owner, invocation.TargetMethod, instance.Type);
                }

                break;
            case IObjectCreationOperation { Constructor: { } constructor }:
                graph.AddCall(owner, constructor);
                break;
            case IPropertyReferenceOperation property:
                graph.AddCall(owner, property.Property);
                if (property.Instance is { } receiver && IsDispatched(property.Property) && !IsBaseCall(receiver))
                {
                    foreach (IMethodSymbol? accessor in new[] { property.Property.GetMethod, property.Property.SetMethod })
                    {
                        if (accessor is not null)
                        {
                            graph.AddVirtualCall(owner, accessor, receiver.Type);
                        }
                    }
                }

                break;
            case IFieldReferenceOperation field:
                graph.AddCall(owner, field.Field);
                break;
            case IMethodReferenceOperation method:
                graph.AddCall(owner, method.Method);
                break;
            case IBinaryOperation { OperatorMethod: { } binary }:
                graph.AddCall(owner, binary);
                break;
            case IUnaryOperation { OperatorMethod: { } unary }:
                graph.AddCall(owner, unary);
                break;
            case IConversionOperation { OperatorMethod: { } conversion }:
                graph.AddCall(owner, conversion);
                break;
        }
    }

    private static bool IsDispatched(ISymbol member) =>
        member.IsVirtual || member.IsAbstract || member.IsOverride || member.ContainingType.TypeKind == TypeKind.Interface;

    private static bool IsBaseCall(IOperation instance) =>
        instance is IInstanceReferenceOperation && instance.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BaseExpressionSyntax;

    /// <summary>
    /// The innermost lambda or local function around <paramref name="operation"/> that takes an <c>INodeContext</c>
    /// (e.g. <c>new Scripted(onStart: c => …)</c>): it runs as node code, so it is a member of its own here.
    /// </summary>
    private static ISymbol? NodeLambda(IOperation operation, KnownSymbols known)
    {
        if (known.NodeContext is null || known.IsLibrary)
        {
            return null;
        }

        for (IOperation? o = operation.Parent; o is not null; o = o.Parent)
        {
            IMethodSymbol? function = o switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                ILocalFunctionOperation local => local.Symbol,
                _ => null,
            };
            if (function is not null && function.Parameters.Any(p => KnownSymbols.Same(p.Type, known.NodeContext)))
            {
                return function.OriginalDefinition;
            }
        }

        return null;
    }

    /// <summary>The member an operation belongs to: lambdas and local functions count as part of the member that holds them.</summary>
    internal static ISymbol Owner(ISymbol symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } && symbol.ContainingSymbol is { } outer)
        {
            symbol = outer;
        }

        if (symbol is IMethodSymbol { PartialDefinitionPart: { } definition })
        {
            symbol = definition;
        }

        return symbol.OriginalDefinition;
    }
}
