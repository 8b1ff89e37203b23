using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace DistSim.CodeFixes;

/// <summary>
/// The DSIM011 fix: in an <c>async</c> method, local function or lambda, a blocking wait on a <c>Task</c> or
/// <c>ValueTask</c> becomes an <c>await</c> — <c>t.Result</c> and <c>t.GetAwaiter().GetResult()</c> become
/// <c>(await t)</c> (the parentheses kept only where needed), and the statement <c>t.Wait();</c> becomes <c>await t;</c>.
/// </summary>
/// <remarks>
/// <para>
/// Offered nowhere else: outside an async function (making it async would change its signature and its callers),
/// inside a <c>lock</c>, a query or a catch filter (where <c>await</c> is not allowed), in an expression tree lambda
/// (not async, and an <c>await</c> cannot stand there), inside a <c>nameof</c> (which evaluates nothing), for a
/// <c>Wait</c> with arguments (a timeout or a token: not the same as an await), or when the receiver is not a task.
/// </para>
/// <para>
/// The value is the same; the exception is not always: <c>Task&lt;T&gt;.Result</c> and <c>Task.Wait()</c> throw an
/// <see cref="AggregateException"/> around the task's exception, <c>await</c> throws that exception itself (as
/// <c>GetAwaiter().GetResult()</c> and <c>ValueTask&lt;T&gt;.Result</c> already do). So for those two the fix is not
/// offered inside the <c>try</c> block of a <c>try</c> with a catch clause in the same function (the clause would
/// catch something else: no more the AggregateException, newly the exception inside it), and its title says the
/// exception comes out unwrapped (a caller's catch is out of sight).
/// </para>
/// </remarks>
internal static class AwaitFix
{
    /// <summary>The fix's title where the exception thrown stays the same.</summary>
    public const string Title = "Await the task instead of blocking on it";

    /// <summary>The fix's title where the blocking wait threw an <see cref="AggregateException"/> and <c>await</c> throws what it wraps.</summary>
    public const string UnwrappingTitle = Title + " (an exception comes out unwrapped, not in an AggregateException)";

    /// <summary>
    /// The <c>await</c> that replaces the blocking wait at <paramref name="node"/> (of <paramref name="member"/>:
    /// <c>Result</c>, <c>Wait</c> or <c>GetResult</c>): the fix's title, the node replaced and its replacement; or null
    /// where it would not compile or would change what the code does.
    /// </summary>
    public static (string, SyntaxNode, SyntaxNode)? Await(SyntaxNode node, SemanticModel model, string? member)
    {
        if (node.FirstAncestorOrSelf<MemberAccessExpressionSyntax>() is not { } access || InNameOf(access, model))
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
        if (shape is not { } s || model.GetTypeInfo(s.Task).Type is not { } type || !IsTask(type) || !InAsyncFunction(s.Old))
        {
            return null;
        }

        // Task<T>.Result and Task.Wait() wrap the exception in an AggregateException; ValueTask<T>.Result and GetResult() do not.
        bool unwraps = member == "Wait" || (member == "Result" && !IsValueTask(type));
        if (unwraps && InCaughtTry(s.Old))
        {
            return null;
        }

        string text = s.Statement ? $"await {s.Task}" : $"(await {s.Task})";
        ExpressionSyntax replacement = SyntaxFactory.ParseExpression(text)
            .WithTriviaFrom(s.Old)
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
        return (unwraps ? UnwrappingTitle : Title, s.Old, replacement);
    }

    /// <summary>Whether <paramref name="node"/> is inside a <c>nameof</c> (the operation tree's view, or the syntax's where the former has none).</summary>
    private static bool InNameOf(SyntaxNode node, SemanticModel model)
    {
        foreach (SyntaxNode ancestor in node.AncestorsAndSelf())
        {
            if (ancestor is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } call
                && model.GetOperation(call) is INameOfOperation)
            {
                return true;
            }

            if (ancestor is StatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="node"/> is inside the <c>try</c> block of a <c>try</c> statement with a catch clause, in the
    /// same function: a catch clause of any type would catch something else once the exception is no more wrapped.
    /// </summary>
    private static bool InCaughtTry(SyntaxNode node)
    {
        SyntaxNode child = node;
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case TryStatementSyntax { Catches.Count: > 0 } @try when @try.Block == child:
                    return true;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
            }

            child = ancestor;
        }

        return false;
    }

    /// <summary>A <c>ValueTask&lt;T&gt;</c> (its <c>Result</c> throws the exception itself, as <c>await</c> does).</summary>
    private static bool IsValueTask(ITypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks" && type.Name == "ValueTask";

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
