using System.Diagnostics.Tracing;
using System.Reflection;

namespace DistSim.Tests.Nodes;

/// <summary>
/// How the runtime-escape listener tells a thread-pool work item that node code queued (Task.Run, QueueUserWorkItem) from
/// one the runtime queued to finish a task that runs its continuations asynchronously, by the stack at the enqueue: also
/// once the JIT has inlined the pool's <c>ThreadPoolWorkQueue.Enqueue</c> into its caller (it then has no frame, and a
/// full test run, with the runtime's code optimised, reported a task's completion as "queued work").
/// </summary>
public class EscapeClassificationTests
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static MethodBase Method(Type? type, string name)
    {
        Assert.NotNull(type);
        MethodBase? method = type.GetMethods(All).FirstOrDefault(m => m.Name.StartsWith(name, StringComparison.Ordinal));
        Assert.True(method is not null, $"{type.FullName}.{name} not found: the runtime's shape changed, and with it what the listener reads");
        return method;
    }

    private static Type? CoreLib(string name) => typeof(object).Assembly.GetType(name);

    /// <summary>The frames every enqueue event starts with, innermost first: the listener and the event sources.</summary>
    private static List<MethodBase?> EventPlumbing() =>
    [
        Method(typeof(RuntimeEscapeListener), "OnEventWritten"),
        Method(typeof(EventSource), "WriteEvent"),
        Method(CoreLib("System.Diagnostics.Tracing.FrameworkEventSource"), "ThreadPoolEnqueueWork"),
    ];

    private static MethodBase Enqueue => Method(CoreLib("System.Threading.ThreadPoolWorkQueue"), "Enqueue");

    private static MethodBase NodeCode => Method(typeof(EscapeClassificationTests), nameof(TheStacks_AreClassifiedByWhoQueuedTheWork));

    public static TheoryData<string, bool> Stacks() => new()
    {
        { "completion, Enqueue framed", true },
        { "completion, Enqueue inlined", true },
        { "completion, RunOrQueueCompletionAction inlined too", true },
        { "await continuation sent to the pool", true },
        { "Task.Run", false },
        { "Task.Run, Enqueue inlined", false },
        { "ThreadPool.UnsafeQueueUserWorkItem, Enqueue inlined", false },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void TheStacks_AreClassifiedByWhoQueuedTheWork(string stack, bool byCompletion)
    {
        List<MethodBase?> frames = EventPlumbing();
        MethodBase runOrQueue = Method(typeof(Task), "RunOrQueueCompletionAction");
        MethodBase runContinuations = Method(typeof(Task), "RunContinuations");
        MethodBase trySetResult = Method(typeof(Task), "TrySetResult");
        MethodBase scheduleAndStart = Method(typeof(Task), "ScheduleAndStart");
        MethodBase run = Method(typeof(Task), "Run");
        switch (stack)
        {
            case "completion, Enqueue framed":
                frames.AddRange([Enqueue, runOrQueue, runContinuations, trySetResult, NodeCode]);
                break;
            case "completion, Enqueue inlined":
                frames.AddRange([runOrQueue, runContinuations, trySetResult, NodeCode]);
                break;
            case "completion, RunOrQueueCompletionAction inlined too":
                frames.AddRange([runContinuations, trySetResult, NodeCode]);
                break;
            case "await continuation sent to the pool":
                frames.AddRange([Enqueue, Method(CoreLib("System.Threading.Tasks.AwaitTaskContinuation"), "RunOrScheduleAction"), runContinuations, NodeCode]);
                break;
            case "Task.Run":
                frames.AddRange([Enqueue, scheduleAndStart, run, NodeCode]);
                break;
            case "Task.Run, Enqueue inlined":
                frames.AddRange([scheduleAndStart, run, NodeCode]);
                break;
            default:
                frames.AddRange([Method(typeof(ThreadPool), "UnsafeQueueUserWorkItem"), NodeCode]);
                break;
        }

        Assert.Equal(byCompletion, RuntimeEscapeListener.QueuedByTaskCompletion(frames));
    }
}
