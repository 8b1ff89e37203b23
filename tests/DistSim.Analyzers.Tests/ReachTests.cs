namespace DistSim.Analyzers.Tests;

/// <summary>Call following: code of the same project that node classes reach is node code; code they do not reach is not.</summary>
public class ReachTests
{
    [Fact]
    public Task Helper_CalledFromNode_FlaggedWithThePath() => AnalyzerAssert.Analyzer(
        """
        public static class Clocks
        {
            public static DateTime Stamp() => {|#0:DateTime.UtcNow|};
        }

        public sealed class Pinger : Node
        {
            public override void OnStart() => Send(Id, Clocks.Stamp().Ticks);
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM001").WithMessage(
            "'DateTime.UtcNow' reads the machine's wall clock; read the node's local clock instead: LocalNow (INodeContext.LocalNow, a SimTime), " +
            "or a DistSim.Time.NodeTimeProvider for code written against TimeProvider (in code reached from node code: Pinger.OnStart → Clocks.Stamp)"));

    [Fact]
    public Task Helper_ReachedThroughManyCalls_Flagged() => AnalyzerAssert.Analyzer("""
        public static class A { public static int One() => B.Two() + 1; }
        public static class B { public static int Two() => C.Three() + 2; }
        public static class C { public static int Three() => {|DSIM004:new Random()|}.Next() + D.Four(); }
        public static class D { public static int Four() => Environment.ProcessorCount + {|DSIM003:Environment.TickCount|}; }

        public sealed class Deep : Node
        {
            public override void OnMessage(NodeId from, object message) => Send(from, A.One());
        }
        """);

    [Fact]
    public Task InstanceHelper_ConstructorInitializersPropertiesAndLambdas_Followed() => AnalyzerAssert.Analyzer("""
        public sealed class Backoff
        {
            private readonly Random _jitter = {|DSIM004:new Random()|};          // runs in the constructor the node calls
            private static readonly DateTime Start = {|DSIM001:DateTime.Now|};    // the type's static initializer
            public TimeSpan Elapsed => {|DSIM001:DateTime.Now|} - Start;          // a property getter
            public TimeSpan Next() => TimeSpan.FromMilliseconds(_jitter.Next(100));
            public static Guid Tag() => {|DSIM005:Guid.NewGuid|}();
        }

        public sealed class Retrier : Node
        {
            private Backoff? _backoff;

            public override void OnStart()
            {
                _backoff = new Backoff();
                SetTimer(_backoff.Next());
                Func<Guid> tag = () => Backoff.Tag();
                Send(Id, _backoff.Elapsed.ToString() + tag());
            }
        }
        """);

    [Fact]
    public Task InterfaceAndVirtualCalls_FollowedToImplementationsInTheProject() => AnalyzerAssert.Analyzer("""
        public interface IClock { DateTime Now(); }
        public sealed class SystemClock : IClock { public DateTime Now() => {|DSIM001:DateTime.UtcNow|}; }

        public abstract class Policy { public abstract int Pick(); }
        public sealed class RandomPolicy : Policy { public override int Pick() => {|DSIM004:Random.Shared|}.Next(); }

        public sealed class Unrelated { public DateTime Now() => DateTime.UtcNow; } // same name, not an IClock

        public sealed class Clocked(IClock clock, Policy policy) : Node
        {
            public override void OnStart() => Send(Id, clock.Now().Ticks + policy.Pick());
        }
        """);

    [Fact]
    public Task CodeThatTakesOrHoldsANodeContext_IsNodeCode() => AnalyzerAssert.Analyzer("""
        public sealed class Detector(INodeContext context)
        {
            public DateTime LastSeen { get; private set; }
            public void Seen() => LastSeen = {|DSIM001:DateTime.UtcNow|};     // a type built with a context
            public int Roll() => {|DSIM004:new Random()|}.Next() + context.Id.Value;
        }

        public sealed class Holder
        {
            private INodeContext? _context;
            public void Attach(INodeContext context) => _context = context;
            public Guid Tag() => {|DSIM005:Guid.NewGuid|}();                  // a type holding a context
        }

        public static class Extensions
        {
            public static long Stamp(this INodeContext context) => {|DSIM003:Environment.TickCount64|}; // takes a context
            public static long Plain() => Environment.TickCount64;          // neither, and not called: fine
        }
        """);

    [Fact]
    public Task LambdaTakingANodeContext_IsNodeCode_AndItsCallsAreFollowed() => AnalyzerAssert.Analyzer(
        """
        public sealed class Scripted(Action<INodeContext> onStart) : Node
        {
            public override void OnStart() => onStart(Context);
        }

        public static class Stamps
        {
            public static long Now() => {|#0:DateTime.UtcNow|}.Ticks;
        }

        public sealed class ScenarioTests
        {
            public void Run()
            {
                var node = new Scripted(c => c.Send(c.Id, {|DSIM004:new Random()|}.Next() + Stamps.Now()));
                Func<int, int> plain = i => i + new Random().Next(); // takes no context: test code
                Console.WriteLine(DateTime.Now.ToString() + plain(1) + node);
            }
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM001").WithMessage(
            "'DateTime.UtcNow' reads the machine's wall clock; read the node's local clock instead: LocalNow (INodeContext.LocalNow, a SimTime), " +
            "or a DistSim.Time.NodeTimeProvider for code written against TimeProvider (in code reached from node code: ScenarioTests.Run (lambda) → Stamps.Now)"));

    [Fact]
    public Task DispatchOnDistSimsOwnAbstractions_NotExpandedToTestDoubles() => AnalyzerAssert.Analyzer("""
        using DistSim.Random;
        using DistSim.Security;
        using DistSim.Storage;
        using DistSim.Time;
        using Microsoft.Extensions.Logging;

        // A test double of the context: Node.Send reaches it only through INodeContext, which is DistSim's contract.
        public sealed class RecordingContext : INodeContext
        {
            public static readonly List<object> Sent = new();
            public NodeId Id => default;
            public string Name => "fake";
            public IReadOnlyList<NodeId> Nodes => Array.Empty<NodeId>();
            public SimTime LocalNow => SimTime.FromStart(DateTime.UtcNow - DateTime.UnixEpoch);
            public RandomStream Random => new((ulong)Environment.TickCount64);
            public ILogger Logger => throw new NotSupportedException();
            public DurableStorage Storage => throw new NotSupportedException();
            public int Incarnation => 1;
            public System.TimeProvider TimeProvider => System.TimeProvider.System;
            public Signature Sign(object message) => throw new NotSupportedException();
            public bool Verify(object message, Signature? signature) => false;
            public void RecordFault(DistSim.Failures.FaultKinds kind, string description) { }
            public long Send(NodeId to, object message) { Sent.Add(message); return Sent.Count; }
            public TimerId SetTimer(TimeSpan delay, object? state = null) => default;
            public bool CancelTimer(TimerId timer) => false;
            public void Sometimes(string name, bool condition = true) { }
            public void Unreachable(string name, string? detail = null) { }
        }

        public sealed class Talker : Node
        {
            public override void OnStart() => Context.Send(Id, Context.LocalNow.Ticks + Context.Random.Next());
        }
        """);

    [Fact]
    public Task CodeNotReachedFromNodes_NotFlagged() => AnalyzerAssert.Analyzer("""
        public static class Helpers
        {
            public static DateTime Now() => DateTime.Now;
            public static int Roll() => new Random().Next();
            public static int Used() => 1;
        }

        public static class Program
        {
            public static void Main() => Console.WriteLine(Helpers.Now() + " " + Helpers.Roll());
        }

        public sealed class SimulationTests
        {
            public void Run() { var watch = Stopwatch.StartNew(); _ = Task.Run(() => Helpers.Roll()); Console.WriteLine(watch.Elapsed); }
        }

        public sealed class Quiet : Node
        {
            public override void OnStart() => Send(Id, Helpers.Used() + ToString()!.Length); // object.ToString is not expanded to every override
        }
        """);
}
