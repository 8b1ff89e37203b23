using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Scheduling;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

/// <summary>
/// The event loop's cache prefetch hints (<c>Prefetch</c>, on from 2,048 nodes) change no run: over seeds, FIFO and
/// random tie-break order, a workload that sets, re-arms and cancels timers, sends to random peers over a lossy link,
/// and has nodes paused, resumed, crashed and restarted gives the same trace with hints as without.
/// </summary>
public class PrefetchTests
{
    private const int Nodes = 2_100; // above the loop's threshold: hints are given

    private static readonly FairLossLinkOptions Lossy = new()
    {
        LossProbability = 0.1,
        DuplicateProbability = 0.05,
        Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)),
    };

    private static SimTime Ms(int ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));

    private static DistSim.Simulation Run(ulong seed, bool randomOrder, bool prefetch)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Network = Lossy,
            Scheduler = randomOrder ? Schedulers.RandomTieBreak : Schedulers.Fifo,
            TimeLimit = TimeSpan.FromMilliseconds(30),
        })
        {
            KernelPrefetching = prefetch,
        };

        for (int i = 0; i < Nodes; i++)
        {
            sim.AddNode("n" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(c.Random.NextBelow(3))),
                onMessage: (c, from, m) =>
                {
                    if (c.Random.NextBelow(4) == 0)
                    {
                        c.Send(from, m);
                    }
                },
                onTimer: (c, _) =>
                {
                    c.Send(new NodeId((int)c.Random.NextBelow(Nodes)), new Ping((int)c.Random.NextBelow(1000)));
                    TimerId spare = c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(5)));
                    c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(5)));
                    if (c.Random.NextBelow(2) == 0)
                    {
                        c.CancelTimer(spare); // cancelled entries stay in the heap until they reach the top
                    }
                }),
                FailureModels.CrashRecover());
        }

        var faults = new DistSim.Random.RandomStream(seed ^ 0x5EED);
        for (int k = 0; k < 40; k++)
        {
            var node = new NodeId((int)faults.NextBelow(Nodes));
            int at = 1 + (int)faults.NextBelow(25);
            switch (faults.NextBelow(3))
            {
                case 0:
                    sim.At(Ms(at), () => sim.PauseFor(node, TimeSpan.FromMilliseconds(2)));
                    break;
                case 1:
                    sim.At(Ms(at), () => sim.CrashFor(node, TimeSpan.FromMilliseconds(3)));
                    break;
                default:
                    sim.At(Ms(at), () => sim.Crash(node));
                    break;
            }
        }

        sim.Run();
        return sim;
    }

    [Property(MaxTest = 4)]
    public bool HintsChangeNoRun(ulong seed, bool randomOrder)
    {
        DistSim.Simulation with = Run(seed, randomOrder, prefetch: true);
        DistSim.Simulation without = Run(seed, randomOrder, prefetch: false);
        return with.Trace.Fingerprint == without.Trace.Fingerprint
            && with.EventsExecuted == without.EventsExecuted
            && with.EventsExecuted > 20 * Nodes // the workload really ran: timers, deliveries, faults
            && with.Trace.Events.Any(e => e.Kind == TraceEventKind.Crash)
            && with.Trace.Events.Any(e => e.Kind == TraceEventKind.Pause)
            && with.Trace.Events.Any(e => e.Kind == TraceEventKind.TimerCancelled)
            && with.Trace.Events.Any(e => e.Kind == TraceEventKind.Drop);
    }
}
