using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Scheduling;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

/// <summary>
/// The event loop's cache prefetch hints (<c>Prefetch</c>, given from <see cref="EventLoop.PrefetchFromNodes"/> nodes)
/// change no run: over seeds, in FIFO and random tie-break order, a workload that sets, re-arms and cancels timers,
/// sends to random peers over a lossy link, and has nodes paused, resumed, crashed and restarted gives the same trace,
/// event count and outcome with hints as without; so does a run driven step by step, with events scheduled between
/// steps, nodes added mid-run across the threshold, and the reliable link's timers.
/// </summary>
public class PrefetchTests
{
    private const int Nodes = EventLoop.PrefetchFromNodes + 52; // hints are given

    private static readonly FairLossLinkOptions Lossy = new()
    {
        LossProbability = 0.1,
        DuplicateProbability = 0.05,
        Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)),
    };

    private static SimTime Ms(int ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));

    /// <summary>What must be the same with and without hints: the trace (fingerprint and last events), the events run, the outcome.</summary>
    private sealed record Observed(ulong Fingerprint, long Events, RunOutcome Outcome, string Tail);

    private static Observed Observe(DistSim.Simulation sim, RunResult end) =>
        new(sim.Trace.Fingerprint, sim.EventsExecuted, end.Outcome, string.Join(" | ", sim.Trace.Events.TakeLast(5)));

    private static DistSim.Simulation NewSimulation(ulong seed, bool randomOrder, bool prefetch, int milliseconds, ILink? link = null) =>
        new(new SimulationOptions
        {
            Seed = seed,
            Network = Lossy,
            Link = link ?? global::DistSim.Links.Links.FairLoss,
            Scheduler = randomOrder ? Schedulers.RandomTieBreak : Schedulers.Fifo,
            TimeLimit = TimeSpan.FromMilliseconds(milliseconds),
        })
        {
            KernelPrefetching = prefetch,
        };

    /// <summary>Timers set, re-armed and cancelled; a message to a random peer of the first <paramref name="peers"/>() nodes; some answered.</summary>
    private static Scripted Busy(Func<int> peers) => new(
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
            c.Send(new NodeId((int)c.Random.NextBelow((ulong)peers())), new Ping((int)c.Random.NextBelow(1000)));
            TimerId spare = c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(5)));
            c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(5)));
            if (c.Random.NextBelow(2) == 0)
            {
                c.CancelTimer(spare); // cancelled entries stay in the heap until they reach the top
            }
        });

    private static (Observed Observed, DistSim.Simulation Sim) RunWhole(ulong seed, bool randomOrder, bool prefetch)
    {
        DistSim.Simulation sim = NewSimulation(seed, randomOrder, prefetch, milliseconds: 15);
        for (int i = 0; i < Nodes; i++)
        {
            sim.AddNode("n" + i, () => Busy(() => Nodes), FailureModels.CrashRecover());
        }

        var faults = new DistSim.Random.RandomStream(seed ^ 0x5EED);
        for (int k = 0; k < 40; k++)
        {
            var node = new NodeId((int)faults.NextBelow(Nodes));
            int at = 1 + (int)faults.NextBelow(12);
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

        RunResult end = sim.Run();
        return (Observe(sim, end), sim);
    }

    [Property(MaxTest = 3)]
    public bool HintsChangeNoRun(ulong seed)
    {
        foreach (bool randomOrder in new[] { false, true })
        {
            (Observed with, DistSim.Simulation sim) = RunWhole(seed, randomOrder, prefetch: true);
            (Observed without, _) = RunWhole(seed, randomOrder, prefetch: false);
            bool ran = with.Events > 20 * Nodes // the workload really ran: timers, deliveries, faults
                && sim.Trace.Events.Any(e => e.Kind == TraceEventKind.Crash)
                && sim.Trace.Events.Any(e => e.Kind == TraceEventKind.Pause)
                && sim.Trace.Events.Any(e => e.Kind == TraceEventKind.TimerCancelled)
                && sim.Trace.Events.Any(e => e.Kind == TraceEventKind.Drop);
            if (with != without || !ran)
            {
                return false;
            }
        }

        return true;
    }

    private static Observed RunStepwise(ulong seed, bool randomOrder, bool prefetch)
    {
        var link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { RetransmitInterval = TimeSpan.FromMilliseconds(3) });
        DistSim.Simulation sim = NewSimulation(seed, randomOrder, prefetch, milliseconds: 12, link);
        int count = 0;
        for (; count < EventLoop.PrefetchFromNodes - 48; count++)
        {
            sim.AddNode("n" + count, () => Busy(() => count), FailureModels.CrashRecover());
        }

        var faults = new DistSim.Random.RandomStream(seed ^ 0xFA17);
        for (int i = 0; i < 300; i++)
        {
            sim.Step();
        }

        for (; count < Nodes + 100; count++)
        {
            sim.AddNode("n" + count, () => Busy(() => count), FailureModels.CrashRecover()); // crosses the threshold mid-run
        }

        for (int step = 0; step < 3000 && sim.Step(); step++)
        {
            if (step % 7 == 0)
            {
                var node = new NodeId((int)faults.NextBelow((ulong)count));
                sim.At(sim.Now, () => sim.CrashFor(node, TimeSpan.FromMilliseconds(1))); // scheduled between steps, at the current instant
            }
        }

        for (int t = 4; t <= 10; t += 2)
        {
            sim.RunUntil(Ms(t));
            var node = new NodeId((int)faults.NextBelow((ulong)count));
            sim.At(Ms(t), () => sim.PauseFor(node, TimeSpan.FromMilliseconds(2)));
        }

        return Observe(sim, sim.Run());
    }

    [Theory]
    [InlineData(1UL, false)]
    [InlineData(7UL, true)]
    public void HintsChangeNoRun_DrivenStepByStep_WithNodesAddedMidRun_OnTheReliableLink(ulong seed, bool randomOrder)
    {
        Observed with = RunStepwise(seed, randomOrder, prefetch: true);
        Observed without = RunStepwise(seed, randomOrder, prefetch: false);
        Assert.Equal(without, with);
        Assert.True(with.Events > 20_000, $"only {with.Events} events ran");
    }
}
