using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Scheduling;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Links;

/// <summary>
/// The reliable and authenticated links send their frames as pooled carriers (<see cref="FrameCarrier"/>) instead of a
/// <see cref="DataFrame"/> and an <see cref="AckFrame"/> per message (each wrapped, with a MAC array, in an
/// <see cref="AuthenticatedFrame"/> on the authenticated link). That must change no run: over seeds, both links, both scheduling orders, a lossy,
/// duplicating network with a capacity-bound channel, crashes that lose the link state (handshakes, stale frames,
/// abandoned messages), pauses (packets buffered by the paused machine, some dropped by a crash during the pause),
/// partitions, a window that fills (backlog, out-of-window frames), a Byzantine node whose forged frames (records) arrive
/// among the carriers, and a timing model that looks at every held packet,
/// a run with carriers gives the trace of the run without them, event for event and payload for payload, the same
/// counters, and the same state digest (what the explorer hashes) at every checkpoint. Whatever observes a frame sees
/// the public record, with the values it had when sent, even after its carrier was reused.
/// </summary>
public class FrameCarrierTests
{
    private const int Nodes = 6;

    private static readonly FairLossLinkOptions Lossy = new()
    {
        LossProbability = 0.15,
        DuplicateProbability = 0.1,
        Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)),
    };

    private static readonly ReliableLinkOptions Tight = new()
    {
        RetransmitInterval = TimeSpan.FromMilliseconds(3),
        RetransmitLimit = 3, // messages are abandoned and streams restarted
        Window = 4, // the window fills: a backlog, frames beyond the receiver's window
    };

    private static SimTime Ms(int ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));

    /// <summary>Everything a run shows: fingerprint, events, outcome, each trace event's text, counters, and state digests along the way.</summary>
    internal sealed record Observed(ulong Fingerprint, long Events, RunOutcome Outcome, string Trace, string Counters, string Digests);

    /// <summary>A timing model that keeps every packet it is shown, with the text it had then.</summary>
    private sealed class Keeping() : TimingModel("keeping")
    {
        public List<(object Packet, string Then)> Seen { get; } = [];

        protected override TimeSpan GetDelayCore(DelayContext context)
        {
            Seen.Add((context.Packet, context.Packet.ToString()!));
            return context.LinkDelay;
        }
    }

    /// <summary>Sends to random peers on timers, answers some messages, and keeps going.</summary>
    private static Scripted Chatty() => new(
        onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(c.Random.NextBelow(2))),
        onMessage: (c, from, m) =>
        {
            if (c.Random.NextBelow(3) == 0)
            {
                c.Send(from, m);
            }
        },
        onTimer: (c, _) =>
        {
            for (int i = 0; i < 3; i++)
            {
                c.Send(new NodeId((int)c.Random.NextBelow(Nodes)), new Ping((int)c.Random.NextBelow(1000)));
            }

            c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(3)));
        });

    /// <summary>
    /// Six nodes (one Byzantine) chat for 60 ms over <paramref name="link"/> under loss, duplication, a capacity-bound
    /// channel, crashes, pauses and isolation; <paramref name="midRun"/> may add more before the run starts. The sixth
    /// node forges frames of the built-in links unless <paramref name="forger"/> is false (then it is Byzantine but
    /// honest: a forger knows only the built-in links' frames, so over a user's link it would send other packets).
    /// </summary>
    internal static (Observed Observed, DistSim.Simulation Sim) Run(
        ulong seed, Scheduler scheduler, bool carriers, TimingModel timing, ILink? link = null, Action<DistSim.Simulation>? midRun = null, bool forger = true)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Network = Lossy,
            Link = link ?? global::DistSim.Links.Links.Reliable(Tight),
            Scheduler = scheduler,
            Timing = timing,
            TimeLimit = TimeSpan.FromMilliseconds(60),
        });
        sim.Pipeline.FrameCarriers = carriers;
        for (int i = 0; i < Nodes - 1; i++)
        {
            sim.AddNode("n" + i, Chatty, FailureModels.CrashRecover());
        }

        sim.AddNode("liar", forger ? Byzantine.Wrap(Chatty, ByzantineBehavior.Forge()) : Chatty, FailureModels.Byzantine); // its frames are forged records
        sim.Network.SetFairLoss(new NodeId(0), new NodeId(1), Lossy with { Capacity = 2 }); // drops at capacity
        var faults = new DistSim.Random.RandomStream(seed ^ 0xCA44);
        for (int k = 0; k < 12; k++)
        {
            var node = new NodeId((int)faults.NextBelow(Nodes));
            int at = 2 + (int)faults.NextBelow(40);
            switch (k % 4) // each kind three times, at random nodes and times
            {
                case 0:
                    sim.At(Ms(at), () => sim.PauseFor(node, TimeSpan.FromMilliseconds(4)));
                    break;
                case 1:
                    sim.At(Ms(at), () => sim.CrashFor(node, TimeSpan.FromMilliseconds(5)));
                    break;
                case 2:
                    sim.At(Ms(at), () => sim.PauseFor(node, TimeSpan.FromMilliseconds(6)));
                    sim.At(Ms(at + 2), () => sim.CrashFor(node, TimeSpan.FromMilliseconds(3))); // drops what the pause buffered
                    break;
                default:
                    sim.At(Ms(at), () => sim.Network.Isolate(node));
                    sim.At(Ms(at + 3), () => sim.Network.Heal());
                    break;
            }
        }

        midRun?.Invoke(sim);
        var digests = new List<ulong>();
        for (int t = 5; t < 60; t += 5)
        {
            sim.RunUntil(Ms(t));
            digests.Add(sim.PendingDigest(null));
        }

        RunResult end = sim.Run();
        var counters = new LinkCounters();
        for (int a = 0; a < Nodes; a++)
        {
            for (int b = 0; b < Nodes; b++)
            {
                if (a != b)
                {
                    counters.Add(sim.Network.Session(new NodeId(a), new NodeId(b)).Counters);
                }
            }
        }

        string Counted(LinkCounters c) =>
            $"{c.Sent} {c.Delivered} {c.Retransmitted} {c.AcksSent} {c.Acknowledged} {c.DuplicatesSuppressed} {c.Rejected} {c.OutOfWindow} {c.Abandoned} {c.Stale} {c.Handshakes} {c.BacklogHighWater} | {M(sim.Messages)}";
        return (new Observed(
            sim.Trace.Fingerprint,
            sim.EventsExecuted,
            end.Outcome,
            string.Join("\n", sim.Trace.Events.Select(e => e.ToString())),
            Counted(counters),
            string.Join(",", digests)), sim);
    }

    private static string M(MessageCounters m) => $"{m.Sent} {m.Delivered} {m.Dropped} {m.Duplicated} {m.Packets} {m.InFlight} {m.Received}";

    [Property(MaxTest = 10)]
    public void CarriersChangeNoRun(ulong seed)
    {
        foreach ((bool randomOrder, ILink link) in new[]
        {
            (false, global::DistSim.Links.Links.Reliable(Tight)), (true, global::DistSim.Links.Links.Reliable(Tight)),
            (false, global::DistSim.Links.Links.Authenticated(Tight)), (true, global::DistSim.Links.Links.Authenticated(Tight)),
        })
        {
            TimingModel holding = TimingModels.Asynchronous(
                Delay.Constant(TimeSpan.Zero), holdProbability: 0.2, holdFor: Delay.Constant(TimeSpan.FromMilliseconds(1)),
                holdWhen: p => (p is AuthenticatedFrame a ? a.Frame : p) is DataFrame { Seq: > 1 } or AckFrame { Cumulative: > 2 }); // reads the frames it is shown
            (Observed with, DistSim.Simulation sim) = Run(seed, Order(randomOrder), carriers: true, holding, link);
            (Observed without, _) = Run(seed, Order(randomOrder), carriers: false, holding, link);
            string where = $"{link.Name}, {(randomOrder ? "random" : "FIFO")} order";
            Assert.True(without.Trace == with.Trace, $"{where}: the traces differ from event {FirstDifference(without.Trace, with.Trace)}");
            Assert.Equal(without, with);

            // The behaviours under test really happened, and carriers were used and reused.
            foreach (TraceEventKind kind in new[]
            {
                TraceEventKind.Retransmit, TraceEventKind.DuplicateSuppressed, TraceEventKind.Handshake, TraceEventKind.Stale,
                TraceEventKind.Abandoned, TraceEventKind.Crash, TraceEventKind.Pause, TraceEventKind.Acknowledged, TraceEventKind.Forged,
            })
            {
                Assert.True(sim.Trace.Events.Any(e => e.Kind == kind), $"{where}: no {kind}");
            }

            foreach (DropCause cause in new[] { DropCause.Capacity, DropCause.Partition, DropCause.NodeDown })
            {
                Assert.True(sim.Trace.Events.Any(e => e.Cause == cause), $"{where}: no drop for {cause}");
            }

            FramePool pool = sim.Pipeline.CarrierPool!;
            long frames = sim.Trace.Events.Count(e => e.Kind is TraceEventKind.Send or TraceEventKind.AckSent);
            Assert.True(pool.Created > 0 && pool.Created < frames / 4, $"{where}: {pool.Created} carriers for {frames} frames");
        }
    }

    private static int FirstDifference(string a, string b)
    {
        string[] x = a.Split('\n'), y = b.Split('\n');
        int i = 0;
        while (i < x.Length && i < y.Length && x[i] == y[i])
        {
            i++;
        }

        return i;
    }

    [Theory]
    [InlineData(3UL, false)]
    [InlineData(11UL, true)]
    public void WithoutAKeptTrace_TheFingerprintIsTheSame(ulong seed, bool authenticated)
    {
        ulong Fingerprint(bool carriers)
        {
            var sim = new DistSim.Simulation(new SimulationOptions
            {
                Seed = seed,
                Network = Lossy,
                Link = authenticated ? global::DistSim.Links.Links.Authenticated(Tight) : global::DistSim.Links.Links.Reliable(Tight),
                RecordTrace = false, // the fingerprint hashes a carrier as its record's type
                TimeLimit = TimeSpan.FromMilliseconds(40),
            });
            sim.Pipeline.FrameCarriers = carriers;
            for (int i = 0; i < Nodes; i++)
            {
                sim.AddNode("n" + i, Chatty);
            }

            sim.Run();
            Assert.True(sim.Messages.Delivered > 300, $"only {sim.Messages.Delivered} deliveries");
            return sim.Trace.Fingerprint;
        }

        Assert.Equal(Fingerprint(carriers: false), Fingerprint(carriers: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ADerivedTimingModel_SeesAndKeepsRecords_ThatKeepTheirValues_AfterTheirCarriersAreReused(bool authenticated)
    {
        var keeping = new Keeping();
        (_, DistSim.Simulation sim) = Run(5, Schedulers.Fifo, carriers: true, keeping,
            authenticated ? global::DistSim.Links.Links.Authenticated(Tight) : global::DistSim.Links.Links.Reliable(Tight));
        Assert.True(keeping.Seen.Count > 1000, $"{keeping.Seen.Count} packets");
        Assert.All(keeping.Seen, s => Assert.IsNotAssignableFrom<FrameCarrier>(s.Packet));
        Assert.Contains(keeping.Seen, s => (s.Packet is AuthenticatedFrame a ? a.Frame : s.Packet) is DataFrame);
        Assert.Contains(keeping.Seen, s => (s.Packet is AuthenticatedFrame a ? a.Frame : s.Packet) is AckFrame);
        Assert.Equal(authenticated, keeping.Seen.All(s => s.Packet is AuthenticatedFrame));
        Assert.All(keeping.Seen, s => Assert.Equal(s.Then, s.Packet.ToString())); // nothing changed under it
        Assert.True(sim.Pipeline.CarrierPool!.Created < keeping.Seen.Count / 4, "carriers were reused meanwhile");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AtQuiescence_EveryCarrierIsBackInThePool(bool authenticated)
    {
        // Every message acknowledged, nothing in flight: no hold is left, so a leak (a hold never released) shows here.
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 9,
            Network = Lossy,
            Link = authenticated ? global::DistSim.Links.Links.Authenticated() : global::DistSim.Links.Links.Reliable(),
            RecordTrace = false,
        });
        for (int i = 0; i < Nodes; i++)
        {
            int me = i;
            sim.AddNode("n" + i, () => new Scripted(onStart: c =>
            {
                for (int k = 0; k < 200; k++)
                {
                    c.Send(new NodeId((me + 1 + (k % (Nodes - 1))) % Nodes), new Ping(k));
                }
            }));
        }

        RunResult end = sim.Run();
        Assert.Equal(RunOutcome.Quiescent, end.Outcome);
        Assert.Equal(Nodes * 200, sim.Messages.Delivered);
        FramePool pool = sim.Pipeline.CarrierPool!;
        Assert.Equal(0, pool.Live);
        Assert.True(pool.Created > 0);
    }

    private static ILink Faulty(bool authenticated, bool durable)
    {
        var options = new ReliableLinkOptions { RetransmitInterval = TimeSpan.FromMilliseconds(2), RetransmitLimit = 4, Window = 3, DurableState = durable };
        return authenticated ? global::DistSim.Links.Links.Authenticated(options) : global::DistSim.Links.Links.Reliable(options);
    }

    /// <summary>Traffic for 40 ms among five nodes under omission, crashes, pauses, a crash during a pause, isolation and a capacity set mid-run; then quiet.</summary>
    private static DistSim.Simulation RunToQuiet(ulong seed, bool carriers, Scheduler scheduler, ILink link)
    {
        const int n = 5;
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Network = Lossy with { LossProbability = 0.2, DuplicateProbability = 0.2 },
            Link = link,
            Scheduler = scheduler,
            TimeLimit = TimeSpan.FromSeconds(100),
        });
        sim.Pipeline.FrameCarriers = carriers;
        for (int i = 0; i < n; i++)
        {
            sim.AddNode("n" + i, () => new Scripted(
                onStart: c =>
                {
                    for (int k = 0; k < 30; k++)
                    {
                        c.Send(new NodeId((int)c.Random.NextBelow(n)), new Ping(k));
                    }

                    c.SetTimer(TimeSpan.FromMilliseconds(3));
                },
                onMessage: (c, from, m) =>
                {
                    if (c.Random.NextBelow(4) == 0 && c.LocalNow < Ms(40))
                    {
                        c.Send(from, m);
                    }
                },
                onTimer: (c, _) =>
                {
                    if (c.LocalNow < Ms(40))
                    {
                        c.Send(new NodeId((int)c.Random.NextBelow(n)), new Ping(-1));
                        c.SetTimer(TimeSpan.FromMilliseconds(3));
                    }
                }),
                i == 0 ? FailureModels.Omission(0.1, 0.1) : FailureModels.CrashRecover());
        }

        var faults = new DistSim.Random.RandomStream(seed ^ 0x0FF);
        for (int k = 0; k < 16; k++)
        {
            var node = new NodeId(1 + (int)faults.NextBelow(n - 1));
            int at = 1 + (int)faults.NextBelow(40);
            switch (k % 5)
            {
                case 0:
                    sim.At(Ms(at), () => sim.PauseFor(node, TimeSpan.FromMilliseconds(5)));
                    break;
                case 1:
                    sim.At(Ms(at), () => sim.CrashFor(node, TimeSpan.FromMilliseconds(4)));
                    break;
                case 2:
                    sim.At(Ms(at), () => sim.Pause(node));
                    sim.At(Ms(at + 1), () => sim.Crash(node)); // drops what the pause buffered
                    sim.At(Ms(at + 3), () => sim.Restart(node));
                    break;
                case 3:
                    sim.At(Ms(at), () => sim.Network.Isolate(node));
                    sim.At(Ms(at + 2), () => sim.Network.Heal());
                    break;
                default:
                    sim.At(Ms(at), () => sim.Network.SetFairLoss(node, new NodeId(0), Lossy with { Capacity = 1 })); // marks packets in flight
                    break;
            }
        }

        Assert.Equal(RunOutcome.Quiescent, sim.Run().Outcome);
        return sim;
    }

    public static TheoryData<ulong, string, bool, bool> QuietCases()
    {
        var cases = new TheoryData<ulong, string, bool, bool>();
        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            foreach (string scheduler in new[] { "fifo", "random", "pct", "delay-bounding" })
            {
                foreach (bool authenticated in new[] { false, true })
                {
                    foreach (bool durable in new[] { false, true })
                    {
                        cases.Add(seed, scheduler, authenticated, durable);
                    }
                }
            }
        }

        return cases;
    }

    private static Scheduler Order(bool random) => random ? Schedulers.RandomTieBreak : Schedulers.Fifo;

    /// <summary>The schedulers the carrier and row properties run under, by name.</summary>
    internal static Scheduler SchedulerNamed(string name) => name switch
    {
        "fifo" => Schedulers.Fifo,
        "random" => Schedulers.RandomTieBreak,
        "pct" => Schedulers.Pct(3, 20_000), // strategies that pick: packets move through the controlled queue
        "delay-bounding" => Schedulers.DelayBounding(3, 20_000),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "fifo, random, pct or delay-bounding"),
    };

    [Theory]
    [MemberData(nameof(QuietCases))]
    public void AfterFaults_AtQuiescence_TheRunIsTheSame_AndNoCarrierIsStillHeld(ulong seed, string scheduler, bool authenticated, bool durable)
    {
        // A hold never released (a leak) changes no trace; here every message has settled, so any hold left shows.
        DistSim.Simulation with = RunToQuiet(seed, carriers: true, SchedulerNamed(scheduler), Faulty(authenticated, durable));
        DistSim.Simulation without = RunToQuiet(seed, carriers: false, SchedulerNamed(scheduler), Faulty(authenticated, durable));
        Assert.Equal(string.Join("\n", without.Trace.Events), string.Join("\n", with.Trace.Events));
        Assert.Equal(without.Trace.Fingerprint, with.Trace.Fingerprint);
        Assert.Contains(with.Trace.Events, e => e.Cause == DropCause.NodeDown);
        Assert.Contains(with.Trace.Events, e => e.Kind == TraceEventKind.Abandoned);
        FramePool pool = with.Pipeline.CarrierPool!;
        Assert.True(pool.Created > 0);
        Assert.Equal(0, pool.Live);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALinkThatWrapsABuiltInOne_SeesRecords_AndTheRunIsTheSame(bool authenticated)
    {
        var watchingWith = new WrappingLink(Faulty(authenticated, durable: false), "watching");
        var watchingWithout = new WrappingLink(Faulty(authenticated, durable: false), "watching");
        DistSim.Simulation with = RunToQuiet(3, carriers: true, Schedulers.Fifo, watchingWith);
        DistSim.Simulation without = RunToQuiet(3, carriers: false, Schedulers.Fifo, watchingWithout);
        Assert.Equal(string.Join("\n", without.Trace.Events), string.Join("\n", with.Trace.Events));
        Assert.True(with.Pipeline.CarrierPool!.Created > 0, "the wrapped session made carriers");
        Assert.NotEmpty(watchingWith.Seen);
        Assert.DoesNotContain(watchingWith.Seen, frame => frame is FrameCarrier);
        Assert.Equal(watchingWithout.Seen.Select(f => f.ToString()), watchingWith.Seen.Select(f => f.ToString()));
        Assert.Equal(0, with.Pipeline.CarrierPool!.Live);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASweepOnSeveralThreads_GivesEachSeedTheRunItGetsAloneWithoutCarriers(bool authenticated)
    {
        // Each simulation has its own pool: runs on two threads at once share nothing through it.
        ulong Alone(ulong seed) => RunToQuiet(seed, carriers: false, Schedulers.Fifo, Faulty(authenticated, durable: false)).Trace.Fingerprint;
        var swept = new List<(ulong Seed, ulong Fingerprint)>();
        global::DistSim.Sweeps.SeedSweep.Run(
            new global::DistSim.Sweeps.SeedSweepOptions { FirstSeed = 20, Count = 12, Parallelism = 2 },
            seed => RunToQuiet(seed, carriers: true, Schedulers.Fifo, Faulty(authenticated, durable: false)).Trace.Fingerprint,
            (seed, fingerprint) => swept.Add((seed, fingerprint)),
            TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(20, 12).Select(s => ((ulong)s, Alone((ulong)s))), swept);
    }

    [Fact]
    public void TheSwitch_IsRefusedOnceASessionAskedForThePool()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Link = global::DistSim.Links.Links.Reliable() });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))));
        sim.AddNode("b", () => new Scripted());
        sim.Run();
        Assert.Throws<InvalidOperationException>(() => sim.Pipeline.FrameCarriers = false);
    }

    [Fact]
    public void WithAnAdversary_FramesTravelAsRecords()
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 2,
            Link = global::DistSim.Links.Links.Reliable(),
            Adversary = new global::DistSim.Network.AdversaryOptions { ReplayProbability = 0.2 }, // it remembers frames: they must be records
        });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))));
        sim.AddNode("b", () => new Scripted());
        sim.Run();
        Assert.Null(sim.Pipeline.CarrierPool);
        Assert.Equal(1, sim.Messages.Delivered);
    }

    /// <summary>Node 0 sends node 1 one message over <paramref name="link"/>; the pair's session and its incarnations after it was delivered.</summary>
    private static (DistSim.Simulation Sim, ILinkSession Session, long Sender, long Receiver) OneMessageDelivered(ILink link)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 4, Link = link });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))));
        sim.AddNode("b", () => new Scripted());
        sim.Run();
        ILinkSession session = sim.Network.Session(new NodeId(0), new NodeId(1));
        Assert.Equal(1, session.Counters.Delivered);
        (long sender, long receiver) = ((ReliableSession)session).Incarnations;
        return (sim, session, sender, receiver);
    }

    [Fact]
    public void AnAuthenticatedCarrier_IsVerified_AWrongMacIsRejected_TheRightOneDelivered()
    {
        // Carriers travel only where no adversary can touch them, so their MACs always verify in a run: this drives the
        // receiving session directly, with a carrier whose MAC is wrong and then one whose MAC is right.
        (DistSim.Simulation sim, ILinkSession session, long sender, long receiver) = OneMessageDelivered(global::DistSim.Links.Links.Authenticated());
        NodeId a = new(0), b = new(1);
        FramePool pool = sim.Pipeline.CarrierPool!;

        AuthenticatedCarrier forged = pool.Authenticated(sender, receiver, 2, new Ping(2), 0); // its MAC: 32 zero bytes
        ((ReliableSession)session).Receive(new LinkPacket(a, b, 100, 100, forged, PacketMark.None));
        Assert.Equal(1, session.Counters.Rejected);
        Assert.Equal(1, session.Counters.Delivered);

        AuthenticatedCarrier sealedRight = pool.Authenticated(sender, receiver, 2, new Ping(2), 0);
        ReadOnlySpan<byte> key = sim.Network.Rich(sim.Network.PairIndex(a.Value, b.Value)).Key;
        CanonicalEncoding.Mac(key, a.Value, b.Value, sender, receiver, 2, new Ping(2), 0, sealedRight.Mac);
        ((ReliableSession)session).Receive(new LinkPacket(a, b, 101, 101, sealedRight, PacketMark.None));
        Assert.Equal(1, session.Counters.Rejected);
        Assert.Equal(2, session.Counters.Delivered);
    }

    [Fact]
    public void AnAuthenticatedCarrier_AtAPlainReliableSession_IsRejected_AsAnAuthenticatedRecordIs()
    {
        (DistSim.Simulation sim, ILinkSession session, long sender, long receiver) = OneMessageDelivered(global::DistSim.Links.Links.Reliable());
        NodeId a = new(0), b = new(1);
        ((ReliableSession)session).Receive(new LinkPacket(a, b, 100, 100, sim.Pipeline.CarrierPool!.Authenticated(sender, receiver, 2, new Ping(2), 0), PacketMark.None));
        Assert.Equal(1, session.Counters.Rejected);
        Assert.Equal(1, session.Counters.Delivered);
    }

    [Fact]
    public void ReleasingACarrierNoOneHolds_Throws()
    {
        var pool = new FramePool();
        DataCarrier data = pool.Data(1, 1, 1, new Ping(1));
        FramePool.Hold(data); // queued
        pool.Release(data);
        pool.Release(data); // arrived: pooled
        Assert.Equal(0, pool.Live);
        Assert.Throws<InvalidOperationException>(() => pool.Release(data));
    }
}
