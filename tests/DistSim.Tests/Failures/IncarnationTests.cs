using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Failures;

/// <summary>
/// Incarnations never leak: over random fault schedules with many faults at the same instant, each restart
/// that takes effect runs exactly one OnRecover, and nothing an incarnation set up (timers, deferred
/// deliveries) ever reaches a later one.
/// </summary>
public class IncarnationTests
{
    /// <summary>One scripted fault: at millisecond <c>At</c> (few distinct values, so faults collide), do <c>Kind</c> to node <c>Node</c>.</summary>
    public sealed record Fault(int At, int Kind, int Node);

    public static Arbitrary<(ulong Seed, Fault[] Faults)> Schedules() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from faults in Gen.ArrayOf(
             from at in Gen.Elements(5, 5, 5, 17, 17, 40, 41, 90)
             from kind in Gen.Choose(0, 3) // crash, restart, pause, resume
             from node in Gen.Choose(0, 1)
             select new Fault(at, kind, node))
         select (seed, faults)).ToArbitrary();

    /// <summary>Remembers which incarnation it is; timers carry the incarnation that set them; it pings its peer.</summary>
    private sealed class Probe(NodeId peer, List<string> violations, List<(int Node, int Incarnation)> starts) : Node
    {
        private int _incarnation;

        public override void OnStart() => Begin();

        public override void OnRecover() => Begin();

        public override void OnTimer(TimerId timer, object? state)
        {
            if ((int)state! != _incarnation || _incarnation != Context.Incarnation)
            {
                violations.Add($"{Context.Name}: timer set by incarnation {state} fired on incarnation {Context.Incarnation}");
            }

            Send(peer, _incarnation);
            SetTimer(TimeSpan.FromMilliseconds(3), _incarnation);
        }

        public override void OnMessage(NodeId from, object message)
        {
            if (_incarnation != Context.Incarnation)
            {
                violations.Add($"{Context.Name}: a stale object handled a message");
            }
        }

        private void Begin()
        {
            if (_incarnation != 0)
            {
                violations.Add($"{Context.Name}: one object started twice");
            }

            _incarnation = Context.Incarnation;
            starts.Add((Id.Value, _incarnation));
            SetTimer(TimeSpan.FromMilliseconds(1), _incarnation);
            SetTimer(TimeSpan.FromMilliseconds(2), _incarnation);
        }
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(IncarnationTests)])]
    public bool RandomSchedules_OneRecoverPerEffectiveRestart_NothingLeaks((ulong Seed, Fault[] Faults) s)
    {
        var violations = new List<string>();
        var starts = new List<(int Node, int Incarnation)>();
        var sim = new Simulation(new SimulationOptions { Seed = s.Seed });
        NodeId a = sim.AddNode("a", () => new Probe(new NodeId(1), violations, starts), FailureModels.CrashRecover());
        NodeId b = sim.AddNode("b", () => new Probe(new NodeId(0), violations, starts), FailureModels.CrashRecover());
        NodeId[] nodes = [a, b];
        foreach (Fault f in s.Faults)
        {
            NodeId n = nodes[f.Node];
            sim.At(SimTime.FromStart(TimeSpan.FromMilliseconds(f.At)), () =>
            {
                _ = f.Kind switch
                {
                    0 => sim.Crash(n),
                    1 => sim.Restart(n),
                    2 => sim.Pause(n),
                    _ => sim.Resume(n),
                };
            });
        }

        sim.RunUntil(SimTime.FromSeconds(1));

        // Per node, the trace alternates: node-started, crash, (restart, node-started recover)… with exactly one
        // start per restart that took effect, and incarnations 1, 2, 3, … in the order of the starts.
        foreach (NodeId n in nodes)
        {
            var life = sim.Trace.Events.Where(e => e.Node == n && e.Kind is TraceEventKind.NodeStarted or TraceEventKind.Crash or TraceEventKind.Restart).ToList();
            bool up = false, started = false;
            foreach (TraceEvent e in life)
            {
                switch (e.Kind)
                {
                    case TraceEventKind.NodeStarted when started:
                        return false; // two starts without a crash between them
                    case TraceEventKind.NodeStarted:
                        started = true;
                        up = true;
                        break;
                    case TraceEventKind.Crash:
                        started = false;
                        up = false;
                        break;
                    case TraceEventKind.Restart:
                        up = true;
                        break;
                }
            }

            int[] incarnations = starts.Where(x => x.Node == n.Value).Select(x => x.Incarnation).ToArray();
            if (!incarnations.SequenceEqual(Enumerable.Range(1, incarnations.Length))
                || incarnations.Length != life.Count(e => e.Kind == TraceEventKind.NodeStarted)
                || sim.IncarnationOf(n) != incarnations.Length
                || (up != sim.IsUp(n)))
            {
                return false;
            }
        }

        return violations.Count == 0;
    }

    [Fact(DisplayName = "Crash, restart, crash, restart at one instant: one OnRecover, and incarnation 2's timers never fire on incarnation 3")]
    public void CrashRestartTwiceAtOneInstant_RunsOneRecover()
    {
        var violations = new List<string>();
        var starts = new List<(int Node, int Incarnation)>();
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        NodeId a = sim.AddNode("a", () => new Probe(new NodeId(1), violations, starts), FailureModels.CrashRecover());
        sim.AddNode("b", () => new Probe(new NodeId(0), violations, starts));
        SimTime t = SimTime.FromStart(TimeSpan.FromMilliseconds(10));
        sim.At(t, () =>
        {
            sim.Crash(a);
            sim.Restart(a);
            sim.Crash(a);
            sim.Restart(a);
        });
        sim.RunUntil(SimTime.FromSeconds(1));

        Assert.Empty(violations);
        Assert.Equal([1, 2], starts.Where(x => x.Node == 0).Select(x => x.Incarnation));
        Assert.Single(sim.Trace.Events, e => e.Node == a && e.Kind == TraceEventKind.NodeStarted && (e.Payload as string) == "recover");
        Assert.Equal(2, sim.Trace.Events.Count(e => e.Node == a && e.Kind == TraceEventKind.Restart)); // both restarts happened; one took effect
    }
}
