using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace DistSim.CodeFixes;

/// <summary>
/// The DSIM011 fix: in an <c>async</c> method, local function or lambda, a blocking wait on a <c>Task</c> or
/// <c>ValueTask</c> becomes an <c>await</c> — <c>t.Result</c> and <c>t.GetAwaiter().GetResult()</c> become
/// <c>(await t)</c> (the parentheses kept only where needed), and the statement <c>t.Wait();</c> becomes <c>await t;</c>.
/// </summary>
/// <remarks>
/// Offered nowhere else: outside an async function (making it async would change its signature and its callers),
/// inside a <c>lock</c>, a query or a catch filter (where <c>await</c> is not allowed), for a <c>Wait</c> with
/// arguments (a timeout or a token: not the same as an await), or when the receiver is not a task.
/// </remarks>
internal static class AwaitFix
{
    public static (string, SyntaxNode, SyntaxNode)? Await(SyntaxNode node, SemanticModel model, string? member)
    {
        if (node.FirstAncestorOrSelf<MemberAccessExpressionSyntax>() is not { } access)
        {
            return null;
        }

        (ExpressionSyntax Old, ExpressionSyntax Task, bool Statement)? shape = (member, access.Parent) switch
        {
            ("Result", _) when access.Name.Identifier.ValueText == "Result" => (access, access.Expression, false),
            ("Wait", InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Parent: ExpressionStatementSyntax } call)
                when call.Expression == access => (call, access.Expression, true),
            ("GetResult", InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } call)
                when call.Expression == access
                    && access.Expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } awaiter }
                => (call, awaiter.Expression, false),
            _ => null,
        };
        if (shape is not { } s || !IsTask(model.GetTypeInfo(s.Task).Type) || !InAsyncFunction(s.Old))
        {
            return null;
        }

        string text = s.Statement ? $"await {s.Task}" : $"(await {s.Task})";
        ExpressionSyntax replacement = SyntaxFactory.ParseExpression(text)
            .WithTriviaFrom(s.Old)
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
        return ("Await the task instead of blocking on it", s.Old, replacement);
    }

    /// <summary>A <c>Task</c>, <c>Task&lt;T&gt;</c> (or a type derived from them), <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
    private static bool IsTask(ITypeSymbol? type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks" && t.Name is "Task" or "ValueTask")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <c>await</c> may stand at <paramref name="node"/>: the innermost function around it is async, and no lock, query or catch filter is in between.</summary>
    private static bool InAsyncFunction(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case LockStatementSyntax or QueryExpressionSyntax or CatchFilterClauseSyntax:
                    return false;
                case AnonymousFunctionExpressionSyntax function:
                    return function.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
