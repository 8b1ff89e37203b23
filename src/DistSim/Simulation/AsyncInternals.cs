using System.Reflection;
using System.Runtime.CompilerServices;

namespace DistSim;

/// <summary>
/// What the kernel reads of the runtime's task internals to tell a fire-and-forget task that faulted from one that is
/// awaited (see <c>Simulation.Suspect</c>). Each read degrades safely: if a field is not found (another runtime), the
/// task counts as awaited and handled, so nothing is reported rather than something wrongly.
/// </summary>
internal static class AsyncInternals
{
    private static readonly FieldInfo? Contingent = typeof(Task).GetField("m_contingentProperties", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Whether something is registered to run when <paramref name="task"/> ends (an awaiter, a continuation); read it before the task ends.</summary>
    public static bool IsAwaited(Task task)
    {
        try
        {
            return ContinuationObject(task) is not null;
        }
        catch (MissingFieldException)
        {
            return true;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_continuationObject")]
    private static extern ref object? ContinuationObject(Task task);

    /// <summary>The async method's task behind a continuation's state (the delegate's target, or the task itself); null for anything else.</summary>
    public static Task? BoxOf(object? state)
    {
        for (int depth = 0; depth < 3 && state is not null; depth++)
        {
            switch (state)
            {
                case Task task when Facts(task.GetType()).IsBox:
                    return task;
                case Delegate d:
                    state = d.Target;
                    break;
                default:
                    // The runtime wraps a continuation when task tracing is on: the real one is in _continuation.
                    state = Facts(state.GetType()).Wrapped?.GetValue(state);
                    break;
            }
        }

        return null;
    }

    /// <summary>What <see cref="BoxOf"/> needs to know of a type, looked up once per type (it runs for every continuation).</summary>
    private static TypeFacts Facts(Type type) =>
        FactsByType.GetOrAdd(type, static t => new TypeFacts(
            t.Name.StartsWith("AsyncStateMachineBox", StringComparison.Ordinal),
            t.GetField("_continuation", BindingFlags.Instance | BindingFlags.NonPublic)));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, TypeFacts> FactsByType = new();

    private sealed record TypeFacts(bool IsBox, FieldInfo? Wrapped);

    /// <summary>The first exception of a faulted task, without marking it observed.</summary>
    public static Exception? PeekException(Task task)
    {
        object? holder = Holder(task);
        return holder?.GetType().GetField("m_faultExceptions", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(holder)
            is List<System.Runtime.ExceptionServices.ExceptionDispatchInfo> { Count: > 0 } list
            ? list[0].SourceException
            : null;
    }

    /// <summary>Whether a faulted task's exception was observed (awaited, waited on, or read); true when that cannot be told.</summary>
    public static bool IsHandled(Task task)
    {
        object? holder = Holder(task);
        return holder?.GetType().GetField("m_isHandled", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(holder) is not false;
    }

    private static object? Holder(Task task)
    {
        object? properties = Contingent?.GetValue(task);
        return properties?.GetType().GetField("m_exceptionsHolder", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(properties);
    }
}

/// <summary>
/// Reads what a suspended async method awaits, to name an await that nothing in the simulation will ever complete
/// (a wall-clock <c>Task.Delay</c>, a <c>Task.Run</c>) or that resumes off the simulation's thread
/// (<c>ConfigureAwait(false)</c>). Used when a run ends with node tasks still suspended; any field it cannot find
/// gives no verdict rather than a wrong one.
/// </summary>
internal static class SuspendedAwaits
{
    /// <summary>Why <paramref name="task"/> (an async method's task, or what it awaits) escapes the simulation; null when it does not, or when that cannot be told.</summary>
    /// <param name="task">The task to look into.</param>
    /// <param name="chain">Receives the async methods' tasks passed on the way down, outermost first.</param>
    /// <param name="depth">How deep the walk is.</param>
    public static string? Escape(Task task, List<Task>? chain = null, int depth = 0)
    {
        if (depth > 16 || task.IsCompleted)
        {
            return null;
        }

        Type type = task.GetType();
        if (type.Name.StartsWith("AsyncStateMachineBox", StringComparison.Ordinal))
        {
            object? machine = type.GetField("StateMachine", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(task);
            chain?.Add(task);
            return machine is null ? null : Awaited(machine, chain, depth);
        }

        if (type.Name.StartsWith("DelayPromise", StringComparison.Ordinal))
        {
            return Timers(task).Any(t => t.GetType().Name == "TimerQueueTimer")
                ? "Task.Delay on the wall clock (without the node's TimeProvider): nothing in the simulation completes it"
                : null;
        }

        if (Action(task) is not null && TaskScheduler.Default == Scheduler(task))
        {
            return "a task run on the thread pool (Task.Run or Task.Factory.StartNew): it does not run on the simulation's thread";
        }

        return null;
    }

    private static string? Awaited(object machine, List<Task>? chain, int depth)
    {
        foreach (FieldInfo field in machine.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Type ft = field.FieldType;
            bool configured = ft.Name.StartsWith("ConfiguredTaskAwaiter", StringComparison.Ordinal) || ft.Name.StartsWith("ConfiguredValueTaskAwaiter", StringComparison.Ordinal);
            if (!configured && !ft.Name.StartsWith("TaskAwaiter", StringComparison.Ordinal))
            {
                continue;
            }

            object? awaiter = field.GetValue(machine);
            if (awaiter is null || ft.GetField("m_task", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(awaiter) is not Task awaited || awaited.IsCompleted)
            {
                continue; // not suspended at this await
            }

            if (configured && ft.GetField("m_options", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(awaiter) is ConfigureAwaitOptions options
                && (options & ConfigureAwaitOptions.ContinueOnCapturedContext) == 0)
            {
                return "an await with ConfigureAwait(false): the rest of the method would run on the thread pool";
            }

            if (Escape(awaited, chain, depth + 1) is { } why)
            {
                return why;
            }
        }

        return null;
    }

    private static IEnumerable<object> Timers(Task task)
    {
        for (Type? t = task.GetType(); t is not null && t != typeof(Task); t = t.BaseType)
        {
            foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            {
                if (f.GetValue(task) is { } value && (value is ITimer || value.GetType().Name == "TimerQueueTimer"))
                {
                    yield return value;
                }
            }
        }
    }

    private static object? Action(Task task) => typeof(Task).GetField("m_action", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(task);

    private static TaskScheduler? Scheduler(Task task) =>
        typeof(Task).GetField("m_taskScheduler", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(task) as TaskScheduler;
}
