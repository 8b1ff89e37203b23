using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DistSim.Analyzers;

/// <summary>
/// DSIM011: a blocking wait on the simulation's thread — on a task (<c>Result</c>, <c>Wait</c>, <c>WaitAll</c>,
/// <c>WaitAny</c>, <c>GetAwaiter().GetResult()</c>) or on a synchronisation primitive (<c>SemaphoreSlim.Wait</c>,
/// <c>ManualResetEventSlim.Wait</c>, <c>CountdownEvent.Wait</c>, <c>Monitor.Wait</c>, <c>WaitHandle.WaitOne</c>/<c>WaitAll</c>/<c>WaitAny</c>).
/// What it waits for is completed or signalled by a later event of the same simulation, which cannot run while the thread
/// blocks. Not flagged: a wait with a zero timeout (it only polls), a wait on <c>CompletedTask</c> or a
/// <c>Task.FromResult</c>-like task written in place, and on the antecedent inside a <c>ContinueWith</c> lambda (complete
/// by construction). Any other task is flagged even where the code knows it is complete (after an <c>IsCompleted</c>
/// check, or the winner of <c>WhenAny</c>): the analyzer does not follow the flow of values. Nor is a member named in a
/// <c>nameof</c> (no hazard is, see <see cref="Find"/>): it evaluates nothing.
/// </summary>
internal static partial class HazardFinder
{
    private const string AwaitAdvice = "'await'";
    private const string SignalAdvice = "'await' on the Task of a TaskCompletionSource that the signalling code completes";

    private static readonly HashSet<string> TaskAwaiters = ["TaskAwaiter", "ValueTaskAwaiter", "ConfiguredTaskAwaiter", "ConfiguredValueTaskAwaiter"];

    /// <summary><c>task.Result</c> on a <c>Task&lt;T&gt;</c> or a <c>ValueTask&lt;T&gt;</c>.</summary>
    private static Hazard? BlockingResult(IPropertyReferenceOperation reference, KnownSymbols k)
    {
        IPropertySymbol property = reference.Property;
        if (property.Name != "Result" || property.IsStatic)
        {
            return null;
        }

        string? type = KnownSymbols.Same(property.ContainingType, k.TaskOfT) ? "Task"
            : KnownSymbols.Same(property.ContainingType, k.ValueTaskOfT) ? "ValueTask"
            : null;
        if (type is null || IsCompleteByConstruction(reference.Instance, k))
        {
            return null;
        }

        return new Hazard(DeterminismRules.BlockingWait, reference.Syntax.GetLocation(), type + ".Result", FixKinds.Await, "Result", AwaitAdvice);
    }

    /// <summary>A call of a blocking wait, unless it only polls (a zero timeout) or waits on a task complete by construction.</summary>
    private static Hazard? BlockingCall(IInvocationOperation invocation, KnownSymbols k)
    {
        if (BlockingMethod(invocation.TargetMethod, k) is not { } wait || PollsOnly(invocation))
        {
            return null;
        }

        IOperation? task = wait.Member == "GetResult" ? (invocation.Instance as IInvocationOperation)?.Instance : invocation.Instance;
        if (wait.Member is "Wait" or "GetResult" && IsCompleteByConstruction(task, k))
        {
            return null;
        }

        // Mechanical only where 'await' gives the same value: 'task.Wait();' as a statement, and GetResult(). GetResult() also
        // throws what 'await' throws (the task's exception itself); Task.Wait(), like Task<T>.Result, throws an AggregateException
        // around it, so AwaitFix offers no fix for those inside a try with a catch clause, and its title says the exception changes.
        string? fix = (wait.Member == "Wait" && wait.Subject == "Task.Wait" && invocation.Arguments.Length == 0) || wait.Member == "GetResult"
            ? FixKinds.Await
            : null;
        return new Hazard(DeterminismRules.BlockingWait, CalleeLocation(invocation), wait.Subject, fix, wait.Member, wait.Advice);
    }

    /// <summary>A blocking wait turned into a delegate (<c>Action a = task.Wait;</c>): it blocks when called.</summary>
    private static Hazard? BlockingMethodGroup(IMethodReferenceOperation reference, KnownSymbols k) =>
        BlockingMethod(reference.Method, k) is { } wait
            ? new Hazard(DeterminismRules.BlockingWait, reference.Syntax.GetLocation(), wait.Subject, advice: wait.Advice)
            : null;

    /// <summary>The blocking waits, by the method alone: what to call them, the member's name, and what to use instead.</summary>
    private static (string Subject, string Member, string Advice)? BlockingMethod(IMethodSymbol method, KnownSymbols k)
    {
        INamedTypeSymbol type = method.ContainingType;
        string name = method.Name;
        if (KnownSymbols.Same(type, k.Task))
        {
            return name switch
            {
                "Wait" when !method.IsStatic => ("Task.Wait", name, AwaitAdvice),
                "WaitAll" => ("Task.WaitAll", name, "'await Task.WhenAll(…)'"),
                "WaitAny" => ("Task.WaitAny", name, "'await Task.WhenAny(…)'"),
                _ => null,
            };
        }

        if (name == "GetResult" && TaskAwaiters.Contains(type.Name) && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices")
        {
            return ("GetAwaiter().GetResult()", name, AwaitAdvice);
        }

        if (name == "Wait" && KnownSymbols.Same(type, k.SemaphoreSlim))
        {
            return ("SemaphoreSlim.Wait", name, "'await semaphore.WaitAsync(…)'");
        }

        if (name == "Wait" && (KnownSymbols.Same(type, k.ManualResetEventSlim) || KnownSymbols.Same(type, k.CountdownEvent) || KnownSymbols.Same(type, k.Monitor)))
        {
            return (type.Name + ".Wait", name, SignalAdvice);
        }

        if (name is "WaitOne" or "WaitAll" or "WaitAny" && KnownSymbols.Is(type, k.WaitHandle))
        {
            return ("WaitHandle." + name, name, SignalAdvice);
        }

        return null;
    }

    /// <summary>A timeout of zero (<c>0</c> or <c>TimeSpan.Zero</c>): the call returns at once, whatever the state.</summary>
    private static bool PollsOnly(IInvocationOperation invocation)
    {
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name is not ("millisecondsTimeout" or "timeout"))
            {
                continue;
            }

            IOperation value = argument.Value;
            if (value.ConstantValue is { HasValue: true, Value: 0 or 0L or 0U or 0UL })
            {
                return true;
            }

            if (value is IFieldReferenceOperation { Field.Name: "Zero" } field && IsTimeSpan(field.Field.ContainingType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A task complete by construction, written in place: <c>Task.CompletedTask</c>, <c>Task.FromResult(…)</c>, <c>FromException</c>, <c>FromCanceled</c> (and the ValueTask ones).</summary>
    private static bool IsCompleteByConstruction(IOperation? task, KnownSymbols k)
    {
        while (task is IConversionOperation { IsImplicit: true } conversion)
        {
            task = conversion.Operand;
        }

        return task switch
        {
            IPropertyReferenceOperation { Property: { Name: "CompletedTask", IsStatic: true } property } => IsTaskType(property.ContainingType, k),
            IInvocationOperation { TargetMethod: { Name: "FromResult" or "FromException" or "FromCanceled", IsStatic: true } method } => IsTaskType(method.ContainingType, k),
            IParameterReferenceOperation parameter => IsAntecedent(parameter, k),
            _ => false,
        };
    }

    /// <summary>
    /// The first parameter of a lambda passed to <c>ContinueWith</c> (<c>t.ContinueWith(done =&gt; done.Result)</c>):
    /// the antecedent task, complete when the continuation runs.
    /// </summary>
    private static bool IsAntecedent(IParameterReferenceOperation reference, KnownSymbols k)
    {
        if (reference.Parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction, Parameters.Length: > 0 } lambda
            || !SymbolEqualityComparer.Default.Equals(lambda.Parameters[0], reference.Parameter))
        {
            return false;
        }

        for (IOperation? o = reference.Parent; o is not null; o = o.Parent)
        {
            if (o is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
            {
                IOperation? up = function.Parent;
                while (up is IDelegateCreationOperation or IConversionOperation)
                {
                    up = up.Parent;
                }

                return up is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ContinueWith" } call } && IsTask(call.TargetMethod.ContainingType, k);
            }
        }

        return false;
    }

    private static bool IsTaskType(INamedTypeSymbol type, KnownSymbols k) =>
        KnownSymbols.Same(type, k.Task) || KnownSymbols.Same(type, k.ValueTask);
}
