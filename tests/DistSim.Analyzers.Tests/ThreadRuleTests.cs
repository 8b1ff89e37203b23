namespace DistSim.Analyzers.Tests;

/// <summary>DSIM006 (threads), DSIM007 (real delays), DSIM008 (ConfigureAwait(false)).</summary>
public class ThreadRuleTests
{
    [Fact]
    public Task Threads_InNode_EveryEntryFlagged() => AnalyzerAssert.Analyzer("""
        public sealed class Busy : Node
        {
            public override void OnStart()
            {
                Task a = {|DSIM006:Task.Run|}(() => { });
                Task<int> b = {|DSIM006:Task.Run|}(() => 1);
                Task c = {|DSIM006:Task.Factory.StartNew|}(() => { });
                var t = {|DSIM006:new Thread(() => { })|};
                {|DSIM006:ThreadPool.QueueUserWorkItem|}(_ => { });
                {|DSIM006:Parallel.For|}(0, 4, i => { });
                {|DSIM006:Parallel.Invoke|}(() => { });
                var d = new Task(() => { });
                {|DSIM006:d.Start|}();
                var timer = {|DSIM006:new System.Threading.Timer(_ => { }, null, 0, 10)|};
            }
        }
        """);

    [Fact]
    public Task Threads_OutsideNodes_NotFlagged() => AnalyzerAssert.Analyzer("""
        public static class Sweep
        {
            public static void RunSeeds() => Parallel.For(0, 8, seed => Task.Run(() => { }).Wait());
        }
        """);

    [Fact]
    public Task Delay_WithoutTimeProvider_Flagged_WithProviderNot() => AnalyzerAssert.Analyzer("""
        using DistSim.Time;

        public sealed class Waiter : Node
        {
            private NodeTimeProvider? _time;

            public override void OnStart()
            {
                _time = new NodeTimeProvider(Context);
                _ = Work(_time, CancellationToken.None);
            }

            public override void OnTimer(TimerId timer, object? state) => _time?.OnTimer(timer, state);

            private static async Task Work(TimeProvider time, CancellationToken token)
            {
                await {|DSIM007:Task.Delay|}(100);
                await {|DSIM007:Task.Delay|}(TimeSpan.FromSeconds(1), token);
                await {|DSIM007:Task.CompletedTask.WaitAsync|}(TimeSpan.FromSeconds(1));
                using var cts = {|DSIM007:new CancellationTokenSource(TimeSpan.FromSeconds(1))|};
                await Task.Delay(TimeSpan.FromSeconds(1), time);
                await Task.Delay(TimeSpan.FromSeconds(1), time, token);
                await Task.CompletedTask.WaitAsync(TimeSpan.FromSeconds(1), time);
                using var timed = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
                using var plain = new CancellationTokenSource();
            }
        }

        public static class Outside
        {
            public static Task Pause() => Task.Delay(10);
        }
        """);

    [Fact]
    public Task ConfigureAwaitFalse_InNode_Flagged_TrueNot() => AnalyzerAssert.Analyzer("""
        public sealed class Awaiter : Node
        {
            public override void OnStart() => _ = Work(Task.CompletedTask);

            private static async Task Work(Task task)
            {
                await task.{|DSIM008:ConfigureAwait(false)|};
                await Task.FromResult(1).{|DSIM008:ConfigureAwait(false)|};
                await new ValueTask(task).{|DSIM008:ConfigureAwait(false)|};
                await task.{|DSIM008:ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)|};
                await task.ConfigureAwait(true);
                await task.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext);
                await task;
            }
        }

        public static class Library
        {
            public static async Task Outside(Task task) => await task.ConfigureAwait(false);
        }
        """);
}
