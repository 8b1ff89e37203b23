namespace DistSim.Analyzers.Tests;

/// <summary>The code fixes: each replacement compiles against the real DistSim API, and no fix is offered where none is reachable.</summary>
public class CodeFixTests
{
    [Fact]
    public Task DateTimeUtcNow_InNode_BecomesTheLocalClock() => AnalyzerAssert.CodeFix(
        """
        public sealed class Stamper : Node
        {
            public override void OnStart() => Send(Id, {|DSIM001:DateTime.UtcNow|}.Ticks);
        }
        """,
        """
        public sealed class Stamper : Node
        {
            public override void OnStart() => Send(Id, (NodeTimeProvider.Epoch + LocalNow.SinceStart).UtcDateTime.Ticks);
        }
        """,
        addedUsing: "DistSim.Time");

    [Fact]
    public Task DateTimeNowAndToday_InNode_BecomeTheLocalClock() => AnalyzerAssert.CodeFix(
        """
        public sealed class Stamper : Node
        {
            public override void OnStart()
            {
                DateTime now = {|DSIM001:DateTime.Now|};
                DateTime today = {|DSIM001:DateTime.Today|};
                Send(Id, (now - today).Ticks);
            }
        }
        """,
        """
        public sealed class Stamper : Node
        {
            public override void OnStart()
            {
                DateTime now = (NodeTimeProvider.Epoch + LocalNow.SinceStart).UtcDateTime;
                DateTime today = (NodeTimeProvider.Epoch + LocalNow.SinceStart).UtcDateTime.Date;
                Send(Id, (now - today).Ticks);
            }
        }
        """,
        iterations: 2,
        addedUsing: "DistSim.Time");

    [Fact]
    public Task DateTimeOffsetUtcNow_InHelperWithAContext_UsesTheContext() => AnalyzerAssert.CodeFix(
        """
        public static class Stamps
        {
            public static DateTimeOffset Stamp(INodeContext context) => {|DSIM001:DateTimeOffset.UtcNow|};
        }

        public sealed class Stamper : Node
        {
            public override void OnStart() => Send(Id, Stamps.Stamp(Context).Ticks);
        }
        """,
        """
        public static class Stamps
        {
            public static DateTimeOffset Stamp(INodeContext context) => NodeTimeProvider.Epoch + context.LocalNow.SinceStart;
        }

        public sealed class Stamper : Node
        {
            public override void OnStart() => Send(Id, Stamps.Stamp(Context).Ticks);
        }
        """,
        addedUsing: "DistSim.Time");

    [Fact]
    public Task WallClock_NoContextReachable_NoFix()
    {
        const string source = """
            public sealed class Stamper : Node
            {
                public Stamper() => Created = {|DSIM001:DateTime.UtcNow|}; // the context is not attached in a constructor
                public DateTime Created { get; }
                public static DateTime Stamp() => {|DSIM001:DateTime.UtcNow|}; // static: no node instance
                public override void OnStart() => Send(Id, Stamp().Ticks);
            }
            """;
        return AnalyzerAssert.CodeFix(source, source, iterations: 0);
    }

    [Fact]
    public Task TickCount_InNode_BecomesLocalMilliseconds() => AnalyzerAssert.CodeFix(
        """
        public sealed class Ticker : Node
        {
            public override void OnStart() => Send(Id, {|DSIM003:Environment.TickCount64|} + {|DSIM003:Environment.TickCount|});
        }
        """,
        """
        public sealed class Ticker : Node
        {
            public override void OnStart() => Send(Id, LocalNow.Ticks / TimeSpan.TicksPerMillisecond + (int)(LocalNow.Ticks / TimeSpan.TicksPerMillisecond));
        }
        """,
        iterations: 2);

    [Fact]
    public Task NewRandom_InNode_BecomesTheNodesStream() => AnalyzerAssert.CodeFix(
        """
        public sealed class Dicey : Node
        {
            public override void OnStart()
            {
                System.Random random = {|DSIM004:new System.Random()|};
                Send(Id, random.Next(6) + {|DSIM004:System.Random.Shared|}.Next(6));
            }
        }
        """,
        """
        public sealed class Dicey : Node
        {
            public override void OnStart()
            {
                System.Random random = Random;
                Send(Id, random.Next(6) + Random.Next(6));
            }
        }
        """,
        iterations: 2);

    [Fact]
    public Task NewRandom_InHelperWithAContextField_UsesTheContext() => AnalyzerAssert.CodeFix(
        """
        public sealed class Jitter(INodeContext context)
        {
            private readonly INodeContext _context = context;
            public TimeSpan Next() => TimeSpan.FromMilliseconds({|DSIM004:new Random()|}.Next(100));
        }

        public sealed class Retrier : Node
        {
            public override void OnStart() => SetTimer(new Jitter(Context).Next());
        }
        """,
        """
        public sealed class Jitter(INodeContext context)
        {
            private readonly INodeContext _context = context;
            public TimeSpan Next() => TimeSpan.FromMilliseconds(_context.Random.Next(100));
        }

        public sealed class Retrier : Node
        {
            public override void OnStart() => SetTimer(new Jitter(Context).Next());
        }
        """);

    [Fact]
    public Task NewRandom_InALambdaTakingAContext_UsesIt() => AnalyzerAssert.CodeFix(
        """
        public sealed class Scripted(Action<INodeContext> onStart) : Node
        {
            public override void OnStart() => onStart(Context);
        }

        public static class Scenario
        {
            public static Node Dice() => new Scripted(c => c.Send(c.Id, {|DSIM004:new Random()|}.Next(6)));
        }
        """,
        """
        public sealed class Scripted(Action<INodeContext> onStart) : Node
        {
            public override void OnStart() => onStart(Context);
        }

        public static class Scenario
        {
            public static Node Dice() => new Scripted(c => c.Send(c.Id, c.Random.Next(6)));
        }
        """);

    [Fact]
    public Task TaskDelay_WithAProviderInScope_GetsIt() => AnalyzerAssert.CodeFix(
        """
        using DistSim.Time;

        public sealed class Waiter : Node
        {
            private NodeTimeProvider? _time;

            public override void OnStart()
            {
                _time = new NodeTimeProvider(Context);
                _ = Work(CancellationToken.None);
            }

            public override void OnTimer(TimerId timer, object? state) => _time?.OnTimer(timer, state);

            private async Task Work(CancellationToken token)
            {
                await {|DSIM007:Task.Delay|}(100);
                await {|DSIM007:Task.Delay|}(TimeSpan.FromSeconds(1), token);
                using var timeout = {|DSIM007:new CancellationTokenSource(TimeSpan.FromSeconds(5))|};
                await {|DSIM007:Task.CompletedTask.WaitAsync|}(TimeSpan.FromSeconds(1), token);
            }
        }
        """,
        """
        using DistSim.Time;

        public sealed class Waiter : Node
        {
            private NodeTimeProvider? _time;

            public override void OnStart()
            {
                _time = new NodeTimeProvider(Context);
                _ = Work(CancellationToken.None);
            }

            public override void OnTimer(TimerId timer, object? state) => _time?.OnTimer(timer, state);

            private async Task Work(CancellationToken token)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, token);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                await Task.CompletedTask.WaitAsync(TimeSpan.FromSeconds(1), _time, token);
            }
        }
        """,
        iterations: 4);

    [Fact]
    public Task TaskDelay_NoProviderInScope_UsesTheContextsTimeProvider() => AnalyzerAssert.CodeFix(
        """
        public sealed class Waiter : Node
        {
            public override void OnStart() => _ = {|DSIM007:Task.Delay|}(100);
        }

        public static class Helper
        {
            public static Task Pause(INodeContext ctx) => {|DSIM007:Task.Delay|}(TimeSpan.FromSeconds(1));
        }
        """,
        """
        public sealed class Waiter : Node
        {
            public override void OnStart() => _ = Task.Delay(TimeSpan.FromMilliseconds(100), Context.TimeProvider);
        }

        public static class Helper
        {
            public static Task Pause(INodeContext ctx) => Task.Delay(TimeSpan.FromSeconds(1), ctx.TimeProvider);
        }
        """,
        iterations: 2);

    [Fact]
    public Task ConfigureAwaitFalse_Removed() => AnalyzerAssert.CodeFix(
        """
        public sealed class Awaiter : Node
        {
            public override void OnStart() => _ = Work(Task.CompletedTask);

            private static async Task<int> Work(Task task)
            {
                await task.{|DSIM008:ConfigureAwait(false)|};
                return await Task.FromResult(1)
                    .{|DSIM008:ConfigureAwait(false)|};
            }
        }
        """,
        """
        public sealed class Awaiter : Node
        {
            public override void OnStart() => _ = Work(Task.CompletedTask);

            private static async Task<int> Work(Task task)
            {
                await task;
                return await Task.FromResult(1);
            }
        }
        """,
        iterations: 2);
}
