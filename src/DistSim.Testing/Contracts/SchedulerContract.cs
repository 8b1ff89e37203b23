using System.Globalization;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Scheduling;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using Xunit;

namespace DistSim.Testing.Contracts;

/// <summary>
/// The contract every <see cref="Scheduler"/> keeps with the simulation, as xunit tests a test class inherits: derive
/// from it, override <see cref="CreateScheduler"/>, and the tests run for your strategy.
/// <code>
/// public sealed class LastFirstContract : SchedulerContract
/// {
///     protected override Scheduler CreateScheduler() => new LastFirst();
/// }
/// </code>
/// </summary>
/// <remarks>
/// What it checks, on a workload of four nodes that talk to each other on timers: the strategy is named; the same seed
/// gives the same trace, also when one strategy object serves other runs in between (no state kept across runs outside
/// <see cref="SchedulerRun"/>); timers fire at their time; a lossless network delivers every message exactly once;
/// under a synchronous timing model every delivery is within Δ of its send; and the nemesis's faults happen at the same
/// times as under FIFO. The built-in strategies are held to the same contract in DistSim's own tests. See
/// <c>docs/concepts/exploration.md</c>.
/// </remarks>
public abstract class SchedulerContract
{
    private static readonly TimeSpan Delta = TimeSpan.FromMilliseconds(8);

    /// <summary>Makes the strategy under test.</summary>
    protected abstract Scheduler CreateScheduler();

    /// <summary>The seeds of the runs. Default 1 to 4.</summary>
    protected virtual IReadOnlyList<ulong> Seeds => [1, 2, 3, 4];

    /// <summary>The strategy has a name.</summary>
    [Fact]
    public void Scheduler_IsNamed()
    {
        Scheduler scheduler = CreateScheduler();
        Assert.False(string.IsNullOrWhiteSpace(scheduler.Name), "the scheduler's Name is empty");
        Assert.Contains(scheduler.Name, scheduler.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The same seed gives the same trace, with one strategy object serving other runs in between.</summary>
    [Fact]
    public void SameSeed_SameTrace_WhateverRanBefore()
    {
        Scheduler shared = CreateScheduler();
        var first = Seeds.Select(seed => Chatter.Run(seed, shared, TimingModels.Unbounded, null).Trace.Fingerprint).ToList();
        var again = Seeds.Reverse().Select(seed => Chatter.Run(seed, shared, TimingModels.Unbounded, null).Trace.Fingerprint).Reverse().ToList();
        var fresh = Seeds.Select(seed => Chatter.Run(seed, CreateScheduler(), TimingModels.Unbounded, null).Trace.Fingerprint).ToList();
        Assert.Equal(first, again);
        Assert.Equal(first, fresh);
    }

    /// <summary>Every timer fires exactly when it is due, and a lossless network delivers every message once.</summary>
    [Fact]
    public void Timers_FireOnTime_AndEveryMessageArrivesOnce()
    {
        foreach (ulong seed in Seeds)
        {
            Simulation sim = Chatter.Run(seed, CreateScheduler(), TimingModels.Unbounded, null);
            Assert.Equal(0, Chatter.LateTimers(sim));
            Assert.Equal(sim.Messages.Sent, sim.Messages.Delivered);
            var delivered = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).Select(e => e.MessageId).ToList();
            Assert.Equal(delivered.Count, delivered.Distinct().Count());
        }
    }

    /// <summary>Under a synchronous timing model every delivery comes within Δ of its send: no strategy postpones past the bound.</summary>
    [Fact]
    public void DelayBound_Holds()
    {
        foreach (ulong seed in Seeds)
        {
            Simulation sim = Chatter.Run(seed, CreateScheduler(), TimingModels.Synchronous(Delta), null);
            var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time);
            foreach (TraceEvent deliver in sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver))
            {
                TimeSpan took = deliver.Time - sent[deliver.MessageId];
                Assert.True(took <= Delta, string.Create(CultureInfo.InvariantCulture, $"seed {seed}: message {deliver.MessageId} took {took}, beyond Δ = {Delta}"));
            }
        }
    }

    /// <summary>The nemesis's crashes, restarts and pauses happen at the times they happen under FIFO: a strategy never moves a fault.</summary>
    [Fact]
    public void Faults_AreNotMoved()
    {
        var nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromMilliseconds(150), MeanTimeBetweenPauses = TimeSpan.FromMilliseconds(150), Until = TimeSpan.FromMilliseconds(400) };
        foreach (ulong seed in Seeds)
        {
            static List<(TraceEventKind, long, int)> Faults(Simulation sim) =>
                [.. sim.Trace.Events.Where(e => e.Kind is TraceEventKind.Crash or TraceEventKind.Pause).Select(e => (e.Kind, e.Time.Ticks, e.Node.Value))];
            Assert.Equal(Faults(Chatter.Run(seed, Schedulers.Fifo, TimingModels.Unbounded, nemesis)), Faults(Chatter.Run(seed, CreateScheduler(), TimingModels.Unbounded, nemesis)));
        }
    }

    /// <summary>Four nodes; each, every 10 ms for 30 rounds, sends its round to every peer, which answers.</summary>
    private static class Chatter
    {
        private const int Nodes = 4;

        public static Simulation Run(ulong seed, Scheduler scheduler, TimingModel timing, NemesisOptions? nemesis)
        {
            var sim = new Simulation(new SimulationOptions
            {
                Seed = seed,
                Scheduler = scheduler,
                Timing = timing,
                Nemesis = nemesis,
                Network = new Links.FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(6)) },
            });
            for (int i = 0; i < Nodes; i++)
            {
                sim.AddNode("n" + i.ToString(CultureInfo.InvariantCulture), () => new Talker(), nemesis is null ? FailureModels.None : FailureModels.CrashRecover());
            }

            sim.Run();
            return sim;
        }

        /// <summary>Timers whose firing came later or earlier than due (each talker counts its own).</summary>
        public static int LateTimers(Simulation sim) => sim.Nodes.Sum(n => sim.GetNode(n) is Talker t ? t.Late : 0);

        private sealed record Round(int Number, bool Answer);

        private sealed class Talker : Node
        {
            private SimTime _due;

            public int Late { get; private set; }

            public override void OnStart() => Arm(0);

            public override void OnRecover() => Arm(0);

            public override void OnTimer(TimerId timer, object? state)
            {
                int round = (int)state!;
                if (LocalNow != _due)
                {
                    Late++;
                }

                foreach (NodeId peer in Context.Nodes)
                {
                    if (peer != Id)
                    {
                        Send(peer, new Round(round, false));
                    }
                }

                if (round < 30)
                {
                    Arm(round + 1);
                }
            }

            public override void OnMessage(NodeId from, object message)
            {
                if (message is Round { Answer: false } r)
                {
                    Send(from, r with { Answer = true });
                }
            }

            private void Arm(int round)
            {
                _due = LocalNow + TimeSpan.FromMilliseconds(10);
                SetTimer(TimeSpan.FromMilliseconds(10), round);
            }
        }
    }
}
