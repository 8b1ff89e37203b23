namespace DistSim.Analyzers.Tests;

/// <summary>DSIM001 (wall clock), DSIM002 (Stopwatch), DSIM003 (Environment.TickCount).</summary>
public class ClockRuleTests
{
    [Fact]
    public Task WallClock_InNode_EveryMemberFlagged() => AnalyzerAssert.Analyzer("""
        public sealed class Clocky : Node
        {
            public override void OnStart()
            {
                DateTime a = {|DSIM001:DateTime.Now|};
                DateTime b = {|DSIM001:DateTime.UtcNow|};
                DateTime c = {|DSIM001:DateTime.Today|};
                DateTimeOffset d = {|DSIM001:DateTimeOffset.Now|};
                DateTimeOffset e = {|DSIM001:DateTimeOffset.UtcNow|};
                TimeProvider f = {|DSIM001:TimeProvider.System|};
            }
        }
        """);

    [Fact]
    public Task WallClock_MessageNamesLocalNowAndNodeTimeProvider() => AnalyzerAssert.Analyzer(
        """
        public sealed class Clocky : Node
        {
            public override void OnStart() => Logger.GetHashCode(); // not data: discarded
            public DateTime When() => {|#0:DateTime.UtcNow|};
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM001").WithMessage(
            "'DateTime.UtcNow' reads the machine's wall clock; read the node's local clock instead: LocalNow (INodeContext.LocalNow, a SimTime), " +
            "or a DistSim.Time.NodeTimeProvider for code written against TimeProvider"));

    [Fact]
    public Task WallClock_OutsideNodes_NotFlagged() => AnalyzerAssert.Analyzer("""
        public static class Program
        {
            public static void Main() => Console.WriteLine(DateTime.Now + " " + DateTimeOffset.UtcNow + " " + Stopwatch.GetTimestamp() + " " + Environment.TickCount);
        }

        public sealed class NodeTests
        {
            public TimeSpan Measure() { var watch = Stopwatch.StartNew(); return watch.Elapsed + (DateTime.UtcNow - DateTime.Today); }
        }
        """);

    [Fact]
    public Task WallClock_DistSimClockApis_NotFlagged() => AnalyzerAssert.Analyzer("""
        using DistSim.Time;

        public sealed class Timed : Node
        {
            private NodeTimeProvider? _time;

            public override void OnStart()
            {
                _time = new NodeTimeProvider(Context);
                DateTimeOffset now = _time.GetUtcNow();
                long stamp = _time.GetTimestamp();
                TimeSpan since = LocalNow - SimTime.Zero;
                SimTime local = Context.LocalNow;
                DateTimeOffset epoch = NodeTimeProvider.Epoch;
                SetTimer(TimeSpan.FromSeconds(1));
            }

            public override void OnTimer(TimerId timer, object? state) => _time?.OnTimer(timer, state);
        }
        """);

    [Fact]
    public Task Stopwatch_AnyUseInNode_Flagged() => AnalyzerAssert.Analyzer("""
        public sealed class Timed : Node
        {
            public override void OnStart()
            {
                var a = {|DSIM002:new Stopwatch()|};
                var b = {|DSIM002:Stopwatch.StartNew|}();
                long c = {|DSIM002:Stopwatch.GetTimestamp|}();
                long d = {|DSIM002:Stopwatch.Frequency|};
                TimeSpan e = {|DSIM002:b.Elapsed|};
                Func<long> f = {|DSIM002:Stopwatch.GetTimestamp|};
            }
        }
        """);

    [Fact]
    public Task TickCount_InNode_Flagged_OutsideNot() => AnalyzerAssert.Analyzer("""
        public sealed class Ticker : Node
        {
            public override void OnStart()
            {
                int a = {|DSIM003:Environment.TickCount|};
                long b = {|DSIM003:Environment.TickCount64|};
                int c = Environment.ProcessorCount; // not a clock
            }
        }

        public static class Outside
        {
            public static long Ticks() => Environment.TickCount64;
        }
        """);
}
