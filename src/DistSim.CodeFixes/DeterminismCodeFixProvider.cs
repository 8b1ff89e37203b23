using System.Collections.Immutable;
using System.Composition;
using DistSim.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace DistSim.CodeFixes;

/// <summary>
/// Code fixes for the DistSim determinism rules whose replacement is mechanical: the wall clock and
/// <c>Environment.TickCount</c> become the node's local clock, <c>new Random()</c> and <c>Random.Shared</c> the node's // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
/// random stream, a delay or timeout gets the <c>TimeProvider</c> in scope, <c>ConfigureAwait(false)</c> goes, and a
/// blocking wait on a task in an async function becomes an <c>await</c>.
/// </summary>
/// <remarks>
/// A fix is offered only where its replacement is reachable: in an instance member of a node class (not its
/// constructor, which runs before the context is attached), or where a node context (or, for delays, a
/// <c>TimeProvider</c>) is a local, a parameter, or a field or property of the enclosing type. See
/// <c>docs/concepts/analyzers.md</c>.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeterminismCodeFixProvider))]
[Shared]
public sealed class DeterminismCodeFixProvider : CodeFixProvider
{
    private const string Epoch = "global::DistSim.Time.NodeTimeProvider.Epoch";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DeterminismRules.WallClockId,
        DeterminismRules.TickCountId,
        DeterminismRules.UnseededRandomId,
        DeterminismRules.RealDelayId,
        DeterminismRules.ConfigureAwaitId,
        DeterminismRules.BlockingWaitId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DeterminismRules.FixKey, out string? fix) || fix is null)
            {
                continue;
            }

            diagnostic.Properties.TryGetValue(DeterminismRules.MemberKey, out string? member);
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            (string Title, SyntaxNode Old, SyntaxNode New)? change = fix switch
            {
                FixKinds.Clock => Clock(node, model, member),
                FixKinds.TickCount => TickCount(node, model, member),
                FixKinds.Random => Random(node, model),
                FixKinds.TimeProvider => AddTimeProvider(node, model),
                FixKinds.RemoveConfigureAwait => RemoveConfigureAwait(node),
                FixKinds.Await => AwaitFix.Await(node, model, member),
                _ => null,
            };
            if (change is not { } c)
            {
                continue;
            }

            Document document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(c.Title, token => Apply(document, root, c.Old, c.New, token), equivalenceKey: fix),
                diagnostic);
        }
    }

    private static (string, SyntaxNode, SyntaxNode)? Clock(SyntaxNode node, SemanticModel model, string? member)
    {
        if (node is not ExpressionSyntax expression || NodeScope.At(model, node).ContextPrefix() is not { } prefix)
        {
            return null;
        }

        string now = $"({Epoch} + {prefix}LocalNow.SinceStart)";
        string? replacement = member switch
        {
            "DateTimeOffset.UtcNow" or "DateTimeOffset.Now" => now,
            "DateTime.UtcNow" or "DateTime.Now" => now + ".UtcDateTime", // determinism-ok: names the hazard the fix replaces; reads no clock
            "DateTime.Today" => now + ".UtcDateTime.Date",
            _ => null,
        };
        return replacement is null ? null : ($"Use the node's local clock ({Shown(prefix)}LocalNow)", expression, Parse(replacement, expression));
    }

    private static (string, SyntaxNode, SyntaxNode)? TickCount(SyntaxNode node, SemanticModel model, string? member)
    {
        if (node is not ExpressionSyntax expression || NodeScope.At(model, node).ContextPrefix() is not { } prefix)
        {
            return null;
        }

        string milliseconds = $"{prefix}LocalNow.Ticks / global::System.TimeSpan.TicksPerMillisecond";
        string replacement = member == "Environment.TickCount" ? $"((int)({milliseconds}))" : $"({milliseconds})"; // determinism-ok: names the hazard the fix replaces; reads no clock
        return ($"Use the node's local clock ({Shown(prefix)}LocalNow)", expression, Parse(replacement, expression));
    }

    private static (string, SyntaxNode, SyntaxNode)? Random(SyntaxNode node, SemanticModel model)
    {
        if (node is not ExpressionSyntax expression || NodeScope.At(model, node).ContextPrefix() is not { } prefix)
        {
            return null;
        }

        return ($"Use the node's random stream ({Shown(prefix)}Random)", expression, Parse(prefix + "Random", expression));
    }

    private static (string, SyntaxNode, SyntaxNode)? AddTimeProvider(SyntaxNode node, SemanticModel model)
    {
        ArgumentListSyntax? arguments = node.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax) switch
        {
            InvocationExpressionSyntax invocation => invocation.ArgumentList,
            BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
            _ => null,
        };
        NodeScope scope = NodeScope.At(model, node);
        string? provider = scope.TimeProvider()
            ?? (scope.InNode ? "Context.TimeProvider" : scope.ContextPrefix() is { } prefix ? prefix + "TimeProvider" : null); // every node context has one
        if (arguments is not { Arguments.Count: > 0 } || arguments.Arguments.Any(a => a.NameColon is not null) || provider is null)
        {
            return null;
        }

        ArgumentSyntax first = arguments.Arguments[0];
        if (model.GetTypeInfo(first.Expression).Type?.SpecialType == SpecialType.System_Int32)
        {
            first = first.WithExpression(Parse($"global::System.TimeSpan.FromMilliseconds({first.Expression})", first.Expression));
        }

        SeparatedSyntaxList<ArgumentSyntax> list = arguments.Arguments
            .Replace(arguments.Arguments[0], first)
            .Insert(1, SyntaxFactory.Argument(SyntaxFactory.ParseExpression(provider)));
        return ($"Pass the time provider '{provider}'", arguments, arguments.WithArguments(list));
    }

    private static (string, SyntaxNode, SyntaxNode)? RemoveConfigureAwait(SyntaxNode node)
    {
        if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax access } invocation)
        {
            return null;
        }

        ExpressionSyntax receiver = access.Expression.WithoutTrailingTrivia().WithTrailingTrivia(invocation.GetTrailingTrivia());
        return ("Remove ConfigureAwait(false)", invocation, receiver);
    }

    /// <summary>Replaces the node, adds the usings the new code's qualified names need, then shortens and formats it.</summary>
    private static async Task<Document> Apply(Document document, SyntaxNode root, SyntaxNode old, SyntaxNode replacement, CancellationToken token)
    {
        Document changed = document.WithSyntaxRoot(root.ReplaceNode(old, replacement));
        changed = await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: token).ConfigureAwait(false);
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: token).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: token).ConfigureAwait(false);
    }

    private static string Shown(string prefix) => prefix == "this." ? "" : prefix;

    /// <summary>
    /// The new code, written with <c>this.</c> and <c>global::</c>-qualified names so that it binds whatever is in
    /// scope, every part marked to be shortened where that keeps its meaning (and its namespaces imported).
    /// </summary>
    private static ExpressionSyntax Parse(string text, SyntaxNode replaced)
    {
        ExpressionSyntax expression = SyntaxFactory.ParseExpression(text);
        expression = expression.ReplaceNodes(
            expression.DescendantNodes().OfType<ExpressionSyntax>(),
            (_, node) => node.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        return expression
            .WithTriviaFrom(replaced)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);
    }
}
