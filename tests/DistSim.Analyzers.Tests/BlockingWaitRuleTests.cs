namespace DistSim.Analyzers.Tests;

/// <summary>DSIM011: a blocking wait on a task (or a synchronisation primitive) on the simulation's thread, and its code fix.</summary>
public class BlockingWaitRuleTests
{
    private const string Deadlocks =
        "blocks the simulation's thread; the event that would complete what it waits for can never run while it blocks " +
        "(the run deadlocks; a timed wait only times out). Use ";

    [Fact]
    public Task BlockingWaits_InNode_EveryMemberFlagged() => AnalyzerAssert.Analyzer("""
        public sealed class Blocker : Node
        {
            private readonly SemaphoreSlim _gate = new(0);
            private readonly ManualResetEventSlim _ready = new();
            private readonly CountdownEvent _countdown = new(1);
            private readonly ManualResetEvent _handle = new(false);
            private readonly object _monitor = new();

            public override void OnMessage(NodeId from, object message)
            {
                Task<int> t = new TaskCompletionSource<int>().Task;
                ValueTask<int> v = new(t);
                int a = {|DSIM011:t.Result|};
                int b = {|DSIM011:v.Result|};
                {|DSIM011:t.Wait|}();
                bool timed = {|DSIM011:t.Wait|}(TimeSpan.FromSeconds(1));
                {|DSIM011:t.Wait|}(CancellationToken.None);
                {|DSIM011:Task.WaitAll|}(t);
                int first = {|DSIM011:Task.WaitAny|}(t);
                int c = {|DSIM011:t.GetAwaiter().GetResult|}();
                int d = {|DSIM011:v.GetAwaiter().GetResult|}();
                int e = {|DSIM011:t.ConfigureAwait(true).GetAwaiter().GetResult|}();
                {|DSIM011:new ValueTask(t).GetAwaiter().GetResult|}();
                {|DSIM011:_gate.Wait|}();
                bool entered = {|DSIM011:_gate.Wait|}(100);
                {|DSIM011:_ready.Wait|}();
                {|DSIM011:_countdown.Wait|}();
                {|DSIM011:_handle.WaitOne|}();
                {|DSIM011:WaitHandle.WaitAll|}(new WaitHandle[] { _handle });
                {|DSIM011:WaitHandle.WaitAny|}(new WaitHandle[] { _handle });
                lock (_monitor)
                {
                    {|DSIM011:Monitor.Wait|}(_monitor);
                }

                Action later = {|DSIM011:t.Wait|};
                Send(from, a + b + c + d + e + first);
            }
        }
        """);

    [Fact]
    public Task TaskResult_InNode_MessageNamesTheMemberAndAwait() => AnalyzerAssert.Analyzer(
        """
        public sealed class Reader : Node
        {
            public override void OnStart() => Send(Id, {|#0:new TaskCompletionSource<int>().Task.Result|});
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM011").WithMessage("'Task.Result' " + Deadlocks + "'await' instead"));

    [Fact]
    public Task SemaphoreWait_InNode_MessageNamesWaitAsync() => AnalyzerAssert.Analyzer(
        """
        public sealed class Gated : Node
        {
            private readonly SemaphoreSlim _gate = new(0);

            public override void OnStart() => {|#0:_gate.Wait|}();
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM011").WithMessage("'SemaphoreSlim.Wait' " + Deadlocks + "'await semaphore.WaitAsync(…)' instead"));

    [Fact]
    public Task Helper_ReachedFromNode_FlaggedWithThePath() => AnalyzerAssert.Analyzer(
        """
        public static class Sync
        {
            public static int Get(Task<int> task) => {|#0:task.GetAwaiter().GetResult|}();
            public static void Both(Task a, Task b) => {|DSIM011:Task.WaitAll|}(a, b);
        }

        public sealed class Caller : Node
        {
            public override void OnStart()
            {
                Task<int> pending = new TaskCompletionSource<int>().Task;
                Sync.Both(pending, pending);
                Send(Id, Sync.Get(pending));
            }
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM011").WithMessage(
            "'GetAwaiter().GetResult()' " + Deadlocks + "'await' instead (in code reached from node code: Caller.OnStart → Sync.Get)"));

    [Fact]
    public Task BlockingWaits_OutsideNodeReach_NotFlagged() => AnalyzerAssert.Analyzer("""
        public static class Offline
        {
            public static int Read(Task<int> t) => t.Result + t.GetAwaiter().GetResult();

            public static void Block(Task t, SemaphoreSlim gate)
            {
                t.Wait();
                Task.WaitAll(t);
                gate.Wait();
            }
        }

        public sealed class Quiet : Node
        {
            public override void OnStart() => Send(Id, 1);
        }
        """);

    [Fact]
    public Task AsynchronousWaits_PollsAndCompleteTasks_NotFlagged() => AnalyzerAssert.Analyzer("""
        public sealed class Patient : Node
        {
            private readonly SemaphoreSlim _gate = new(1);
            private readonly ManualResetEventSlim _ready = new();

            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task<int> Work(Task<int> t)
            {
                int a = await t;
                a += await t.WaitAsync(CancellationToken.None);
                await _gate.WaitAsync();
                _gate.Release();
                Task<int> next = t.ContinueWith(done => done.Result + 1, TaskScheduler.Current);
                Task chained = t.ContinueWith(done => done.Wait(), TaskScheduler.Current);
                bool completed = t.IsCompleted;
                bool polled = _gate.Wait(0) && t.Wait(TimeSpan.Zero) && _ready.Wait(0) && Task.WaitAll([t], 0);
                Task.CompletedTask.Wait();
                Task.CompletedTask.GetAwaiter().GetResult();
                int b = Task.FromResult(1).Result + ValueTask.FromResult(2).Result + Task.FromResult(3).GetAwaiter().GetResult();
                return a + b + await next;
            }
        }
        """);

    [Fact]
    public Task Result_InAsyncMethod_BecomesAwait() => AnalyzerAssert.CodeFix(
        """
        public sealed class Reader : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task<string> Work(Task<int> t)
            {
                int value = {|DSIM011:t.Result|};
                return value + {|DSIM011:t.Result|}.ToString();
            }
        }
        """,
        """
        public sealed class Reader : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task<string> Work(Task<int> t)
            {
                int value = await t;
                return value + (await t).ToString();
            }
        }
        """,
        iterations: 2);

    [Fact]
    public Task WaitStatement_InAsyncLambda_BecomesAwait() => AnalyzerAssert.CodeFix(
        """
        public sealed class Waiter : Node
        {
            public override void OnStart()
            {
                Task pending = new TaskCompletionSource().Task;
                Func<Task> work = async () =>
                {
                    {|DSIM011:pending.Wait|}();
                    Send(Id, 1);
                };
                _ = work();
            }
        }
        """,
        """
        public sealed class Waiter : Node
        {
            public override void OnStart()
            {
                Task pending = new TaskCompletionSource().Task;
                Func<Task> work = async () =>
                {
                    await pending;
                    Send(Id, 1);
                };
                _ = work();
            }
        }
        """);

    [Fact]
    public Task GetAwaiterGetResult_InAsyncLocalFunction_BecomesAwait() => AnalyzerAssert.CodeFix(
        """
        public sealed class Reader : Node
        {
            public override void OnStart()
            {
                _ = Work(new TaskCompletionSource<int>().Task);

                async Task Work(Task<int> t)
                {
                    int value = {|DSIM011:t.GetAwaiter().GetResult|}();
                    {|DSIM011:new ValueTask(t).GetAwaiter().GetResult|}();
                    Send(Id, value + {|DSIM011:t.GetAwaiter().GetResult|}().CompareTo(0));
                }
            }
        }
        """,
        """
        public sealed class Reader : Node
        {
            public override void OnStart()
            {
                _ = Work(new TaskCompletionSource<int>().Task);

                async Task Work(Task<int> t)
                {
                    int value = await t;
                    await new ValueTask(t);
                    Send(Id, value + (await t).CompareTo(0));
                }
            }
        }
        """,
        iterations: 3);

    [Fact]
    public Task BlockingWait_NoMechanicalAwait_NoFix()
    {
        const string source = """
            public sealed class Blocker : Node
            {
                private readonly object _monitor = new();
                private readonly SemaphoreSlim _gate = new(0);

                public override void OnStart() // not async: making it async would change its signature
                {
                    Task<int> t = new TaskCompletionSource<int>().Task;
                    Send(Id, {|DSIM011:t.Result|});
                    {|DSIM011:t.Wait|}();
                    _ = Work(t);
                }

                private async Task Work(Task<int> t)
                {
                    Func<int> read = () => {|DSIM011:t.Result|};   // a lambda that is not async
                    bool timed = {|DSIM011:t.Wait|}(100);           // a timeout: not what await does
                    {|DSIM011:_gate.Wait|}();                        // not a task
                    lock (_monitor)
                    {
                        Send(Id, {|DSIM011:t.GetAwaiter().GetResult|}()); // await is not allowed in a lock
                    }

                    await Task.Yield();
                    Send(Id, read() + (timed ? 1 : 0));
                }
            }
            """;
        return AnalyzerAssert.CodeFix(source, source, iterations: 0);
    }

    [Fact]
    public Task NameOf_BlockingMembers_NotFlagged() => AnalyzerAssert.Analyzer("""
        public sealed class Named : Node
        {
            private readonly SemaphoreSlim _gate = new(0);

            public override void OnStart()
            {
                Task<int> t = new TaskCompletionSource<int>().Task;
                Send(Id, nameof(t.Result));                 // nameof evaluates nothing: it is the string "Result"
                Send(Id, nameof(Task<int>.Result));
                Send(Id, nameof(t.Wait) + nameof(_gate.Wait) + nameof(Task.WaitAll));
                Send(Id, nameof(DateTime.UtcNow));
                _ = Work(t);
            }

            private async Task Work(Task<int> t)
            {
                Send(Id, nameof(t.Result) + {|DSIM011:t.Result|}); // only the evaluated one
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task NameOf_NextToAWait_FixLeavesItAlone() => AnalyzerAssert.CodeFix(
        """
        public sealed class Named : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task Work(Task<int> t)
            {
                Send(Id, nameof(t.Result) + {|DSIM011:t.Result|});
            }
        }
        """,
        """
        public sealed class Named : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task Work(Task<int> t)
            {
                Send(Id, nameof(t.Result) + await t);
            }
        }
        """);

    [Fact]
    public Task ExpressionTree_InAsyncMethod_FlaggedWithoutFix()
    {
        // Flagged: the tree blocks once compiled and invoked. No fix: 'await' is not allowed in an expression tree (nor an async lambda).
        const string source = """
            public sealed class Trees : Node
            {
                public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

                private async Task Work(Task<int> t)
                {
                    System.Linq.Expressions.Expression<Func<int>> read = () => {|DSIM011:t.Result|};
                    System.Linq.Expressions.Expression<Func<int>> get = () => {|DSIM011:t.GetAwaiter().GetResult|}();
                    await Task.Yield();
                    Send(Id, read.Compile()() + get.Compile()());
                }
            }
            """;
        return AnalyzerAssert.CodeFix(source, source, iterations: 0);
    }

    [Fact]
    public Task ResultAndWait_InTryWithCatch_NoFix()
    {
        // t.Result and t.Wait() throw an AggregateException, 'await t' the exception inside it: a catch around them would
        // catch something else after the fix (AggregateException no more; the inner type, newly).
        const string source = """
            public sealed class Careful : Node
            {
                public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

                private async Task Work(Task<int> t)
                {
                    try
                    {
                        Send(Id, {|DSIM011:t.Result|});
                    }
                    catch (AggregateException e)
                    {
                        Send(Id, e.InnerExceptions.Count);
                    }

                    try
                    {
                        using (new System.IO.MemoryStream())
                        {
                            {|DSIM011:t.Wait|}();
                        }
                    }
                    catch (InvalidOperationException)
                    {
                        Send(Id, 1); // 'await' would newly catch an InvalidOperationException the task faulted with
                    }
                    finally
                    {
                        Send(Id, 2);
                    }

                    try
                    {
                        {|DSIM011:t.Wait|}();
                    }
                    catch
                    {
                        Send(Id, 3);
                    }

                    await Task.Yield();
                }
            }
            """;
        return AnalyzerAssert.CodeFix(source, source, iterations: 0);
    }

    [Fact]
    public Task AwaitFix_NearATryButNotInsideACaughtBlock_Offered() => AnalyzerAssert.CodeFix(
        """
        public sealed class Careful : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task Work(Task<int> t)
            {
                try
                {
                    Send(Id, {|DSIM011:t.GetAwaiter().GetResult|}()); // already throws the inner exception: exact
                    Send(Id, {|DSIM011:new ValueTask<int>(t).Result|}); // ValueTask<T>.Result too
                }
                catch (AggregateException)
                {
                    Send(Id, 0);
                }
                finally
                {
                    {|DSIM011:t.Wait|}(); // in a finally block: that try's catch clauses do not see it
                }

                try
                {
                    Func<Task> later = async () => Send(Id, {|DSIM011:t.Result|}); // another function: the catch does not see it
                    await later();
                }
                catch (Exception)
                {
                    Send(Id, 1);
                }

                try
                {
                    Send(Id, {|DSIM011:t.Result|}); // no catch clause: nothing changes
                }
                finally
                {
                    Send(Id, 2);
                }
            }
        }
        """,
        """
        public sealed class Careful : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

            private async Task Work(Task<int> t)
            {
                try
                {
                    Send(Id, await t); // already throws the inner exception: exact
                    Send(Id, await new ValueTask<int>(t)); // ValueTask<T>.Result too
                }
                catch (AggregateException)
                {
                    Send(Id, 0);
                }
                finally
                {
                    await t; // in a finally block: that try's catch clauses do not see it
                }

                try
                {
                    Func<Task> later = async () => Send(Id, await t); // another function: the catch does not see it
                    await later();
                }
                catch (Exception)
                {
                    Send(Id, 1);
                }

                try
                {
                    Send(Id, await t); // no catch clause: nothing changes
                }
                finally
                {
                    Send(Id, 2);
                }
            }
        }
        """,
        iterations: 5);

    [Theory]
    [InlineData("{|DSIM011:t.Result|}", "await t", "Await the task instead of blocking on it (an exception comes out unwrapped, not in an AggregateException)")]
    [InlineData("{|DSIM011:new ValueTask<int>(t).Result|}", "await new ValueTask<int>(t)", "Await the task instead of blocking on it")]
    [InlineData("{|DSIM011:t.GetAwaiter().GetResult|}()", "await t", "Await the task instead of blocking on it")]
    public Task AwaitFix_Title_SaysWhenTheExceptionChanges(string wait, string awaited, string title)
    {
        const string source = """
            public sealed class Reader : Node
            {
                public override void OnStart() => _ = Work(new TaskCompletionSource<int>().Task);

                private async Task Work(Task<int> t) => Send(Id, WAIT);
            }
            """;
        return AnalyzerAssert.CodeFix(source.Replace("WAIT", wait, StringComparison.Ordinal), source.Replace("WAIT", awaited, StringComparison.Ordinal), title: title);
    }

    [Fact]
    public Task WaitFix_Title_SaysTheExceptionChanges() => AnalyzerAssert.CodeFix(
        """
        public sealed class Waiter : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource().Task);

            private async Task Work(Task t)
            {
                {|DSIM011:t.Wait|}();
            }
        }
        """,
        """
        public sealed class Waiter : Node
        {
            public override void OnStart() => _ = Work(new TaskCompletionSource().Task);

            private async Task Work(Task t)
            {
                await t;
            }
        }
        """,
        title: "Await the task instead of blocking on it (an exception comes out unwrapped, not in an AggregateException)");
}
