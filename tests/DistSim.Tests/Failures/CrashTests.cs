using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

public class CrashTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>Counts its timer ticks and what it receives; remembers in a field only.</summary>
    private sealed class Counter : Node
    {
        public int Ticks { get; private set; }

        public int Received { get; private set; }

        public bool Recovered { get; private set; }

        public override void OnStart() => SetTimer(TimeSpan.FromSeconds(1));

        public override void OnRecover()
        {
            Recovered = true;
            OnStart();
        }

        public override void OnTimer(TimerId timer, object? state)
        {
            Ticks++;
            SetTimer(TimeSpan.FromSeconds(1));
        }

        public override void OnMessage(NodeId from, object message) => Received++;
    }

    private static DistSim.Simulation TwoNodes(FailureModel bModel, ILink? link = null)
    {
        DistSim.Simulation sim = Sims.Create(1, link: link);
        sim.AddNode("A", () => new Sender(B, 100, TimeSpan.FromMilliseconds(100)));
        sim.AddNode("B", () => new Counter(), bModel);
        return sim;
    }

    [Fact(DisplayName = "Crash-stop: the node stops for good, its timers die, messages to it are dropped and traced")]
    public void CrashStop_StopsForGood()
    {
        DistSim.Simulation sim = TwoNodes(FailureModels.CrashStop);
        sim.At(SimTime.FromSeconds(3.5), () => sim.Crash(B));
        sim.RunUntil(SimTime.FromSeconds(20));

        Assert.False(sim.IsUp(B));
        Assert.Null(sim.GetNode(B));
        TraceEvent crash = Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Crash);
        Assert.Equal(SimTime.FromSeconds(3.5), crash.Time);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.TimerFired && e.Node == B && e.Time > crash.Time);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Deliver && e.Node == B && e.Time > crash.Time);
        // pings at 3.5 s (after the crash, which was scheduled first), 3.6 s, …, 10.0 s: 66 of them
        Assert.Equal(66, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.NodeDown && e.Peer == B));
        Assert.Throws<InvalidOperationException>(() => sim.Restart(B)); // crash-stop never restarts
    }

    [Fact]
    public void CorrectNode_CannotBeCrashed()
    {
        DistSim.Simulation sim = TwoNodes(FailureModels.None);
        var ex = Assert.Throws<InvalidOperationException>(() => sim.Crash(B));
        Assert.Contains("does not allow Stop", ex.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Crash-recover: a new object from the factory, every field lost, the recovery handler runs")]
    public void CrashRecover_NewObject_FieldsLost_RecoveryRuns()
    {
        DistSim.Simulation sim = TwoNodes(FailureModels.CrashRecover());
        sim.RunUntil(SimTime.FromSeconds(5.5));
        Counter before = sim.GetNode<Counter>(B);
        Assert.Equal(5, before.Ticks);

        sim.CrashFor(B, TimeSpan.FromSeconds(2));
        sim.RunUntil(SimTime.FromSeconds(9.6));

        Counter after = sim.GetNode<Counter>(B);
        Assert.NotSame(before, after);
        Assert.True(after.Recovered);
        Assert.Equal(2, after.Ticks); // ticks at 8.5 and 9.5: counting started again from zero
        Assert.Equal(2, sim.IncarnationOf(B));
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Restart && e.Time == SimTime.FromSeconds(7.5));
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.NodeStarted && e.Node == B && (string?)e.Payload == "recover");
    }

    /// <summary>Writes one flushed and one unflushed entry, then a crash.</summary>
    /// <summary>Remembers in durable storage that it leads; after a restart it reads it back and acts on it.</summary>
    private sealed class Leader(bool startsAsLeader) : Node
    {
        public bool BelievesItLeads { get; private set; }

        public override void OnStart()
        {
            if (startsAsLeader)
            {
                Storage.PutString("role", "leader");
                Storage.Flush();
                BelievesItLeads = true;
            }
        }

        public override void OnRecover() => BelievesItLeads = Storage.GetString("role") == "leader";

        public void StepUp() => BelievesItLeads = true;
    }

    [Fact(DisplayName = "The stale leader: a restarted node that still believes it leads")]
    public void StaleLeader_IsExpressible()
    {
        DistSim.Simulation sim = Sims.Create(1);
        NodeId old = sim.AddNode("old", () => new Leader(startsAsLeader: true), FailureModels.CrashRecover());
        NodeId next = sim.AddNode("new", () => new Leader(startsAsLeader: false));
        sim.RunUntil(SimTime.FromSeconds(1));
        sim.Crash(old);
        sim.GetNode<Leader>(next).StepUp(); // the others elected a new leader meanwhile
        sim.Restart(old);
        sim.RunUntil(SimTime.FromSeconds(2));

        Assert.True(sim.GetNode<Leader>(old).BelievesItLeads);
        Assert.True(sim.GetNode<Leader>(next).BelievesItLeads); // two nodes believe they lead
    }

    [Fact]
    public void Storage_TruncateLog_IsDurableOnlyWhenFlushed()
    {
        var storage = new DistSim.Storage.DurableStorage();
        storage.AppendString("a");
        storage.AppendString("b");
        storage.AppendString("c");
        storage.Flush();
        storage.TruncateLog(1);
        Assert.Single(storage.Log);
        storage.Flush();
        storage.AppendString("d");
        Assert.Equal(["a", "d"], storage.Log.Select(e => System.Text.Encoding.UTF8.GetString(e)));
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => storage.TruncateLog(5)).ParamName);
    }
}
