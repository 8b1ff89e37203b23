using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

/// <summary>
/// The partition table keeps only the epochs a packet on the wire can still ask about: runs equal those that keep every
/// epoch, and the states kept do not grow with the number of partition changes.
/// </summary>
public class PartitionEpochTests
{
    private sealed record Outcome(ulong Fingerprint, int Changes, int MaxKept, int KeptAtEnd, long PartitionDrops, long InFlightAtEnd);

    /// <summary>
    /// Nodes chatter with long, spread delays (a packet's flight spans many epochs) under a fast random partition nemesis;
    /// a script pauses, resumes, crashes and restarts nodes, so packets also wait in a paused node's buffer and are dropped
    /// with it.
    /// </summary>
    private static Outcome Run(ulong seed, bool reliable, int nodes, double maxDelayMs, bool keepEvery)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            TimeLimit = TimeSpan.FromSeconds(30),
            Partitions = new RandomPartitionOptions
            {
                MeanInterval = TimeSpan.FromMilliseconds(20),
                Duration = Delay.Uniform(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(60)),
                Until = TimeSpan.FromSeconds(6),
            },
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(maxDelayMs)) },
            Link = reliable ? global::DistSim.Links.Links.Reliable() : global::DistSim.Links.Links.FairLoss,
        });
        sim.Network.KeepEveryPartitionEpoch = keepEvery;
        var ids = new NodeId[nodes];
        for (int i = 0; i < nodes; i++)
        {
            ids[i] = sim.AddNode("n" + i, () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(7)),
                onTimer: (c, _) =>
                {
                    c.Send(c.Nodes[(int)c.Random.NextBelow((ulong)c.Nodes.Count)], new Ping(0));
                    if (c.LocalNow < SimTime.FromSeconds(7))
                    {
                        c.SetTimer(TimeSpan.FromMilliseconds(7));
                    }
                }),
                FailureModels.CrashRecover());
        }

        var script = new System.Random((int)(seed % int.MaxValue)); // determinism-ok: the test's own script, fixed by the seed
        for (double t = 0.3; t < 6; t += 0.2 + script.NextDouble() * 0.4)
        {
            NodeId node = ids[script.Next(nodes)];
            double until = t + 0.05 + script.NextDouble() * 0.3;
            if (script.Next(2) == 0)
            {
                sim.At(SimTime.FromSeconds(t), () => sim.Pause(node));
                sim.At(SimTime.FromSeconds(until), () => sim.Resume(node));
            }
            else
            {
                sim.At(SimTime.FromSeconds(t), () => sim.Pause(node)); // its buffered packets are dropped by the crash below
                sim.At(SimTime.FromSeconds(t + 0.01), () => sim.Crash(node));
                sim.At(SimTime.FromSeconds(until), () => sim.Restart(node));
            }
        }

        int maxKept = 0;
        for (double t = 0.05; t < 8; t += 0.05)
        {
            sim.At(SimTime.FromSeconds(t), () => maxKept = Math.Max(maxKept, sim.Network.PartitionStatesKept));
        }

        sim.Run();
        return new Outcome(
            sim.Trace.Fingerprint,
            sim.Network.PartitionEpoch,
            maxKept,
            sim.Network.PartitionStatesKept,
            sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Partition),
            sim.Messages.InFlight);
    }

    [Property(MaxTest = 12)]
    public Property ReleasingOldEpochs_ChangesNoRun_AndKeepsOnlyWhatPacketsInFlightNeed(ulong seed, bool reliable, PositiveInt nodes, bool longFlights)
    {
        int k = 2 + (nodes.Get % 5);
        double maxDelay = longFlights ? 900 : 60;
        Outcome released = Run(seed, reliable, k, maxDelay, keepEvery: false);
        Outcome kept = Run(seed, reliable, k, maxDelay, keepEvery: true);
        return (released.Fingerprint == kept.Fingerprint).Label($"fingerprints {released.Fingerprint:x16} vs every epoch kept {kept.Fingerprint:x16}")
            .And(released.Changes > 50).Label($"partition changes: {released.Changes}")
            .And(released.PartitionDrops > 0).Label("no packet was lost to a partition")
            .And(released.InFlightAtEnd == 0 && released.KeptAtEnd == 1).Label($"at the end {released.InFlightAtEnd} in flight, {released.KeptAtEnd} states kept")
            .And(kept.KeptAtEnd == kept.Changes + 1).Label("the oracle keeps every epoch")
            .And(released.MaxKept < released.Changes / 3).Label($"kept up to {released.MaxKept} states over {released.Changes} changes");
    }

    [Fact]
    public void ThousandsOfChanges_UnderTraffic_HoldPlacesOnlyForTheEpochsInFlight_AndEqualTheRunThatKeepsThemAll()
    {
        (ulong Fingerprint, int Changes, int Places, int Kept, long Drops) Play(bool keepEvery)
        {
            DistSim.Simulation sim = Sims.Create(4, new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(30)) });
            sim.Network.KeepEveryPartitionEpoch = keepEvery;
            var a = new NodeId(0);
            var b = new NodeId(1);
            sim.AddNode("A", () => new Sender(b, 4000, TimeSpan.FromMilliseconds(1)));
            sim.AddNode("B", () => new Sender(a, 4000, TimeSpan.FromMilliseconds(1)));
            for (int i = 0; i < 10_000; i++)
            {
                int change = i;
                sim.At(SimTime.FromSeconds(0.0004 * (i + 1)), () =>
                {
                    switch (change % 4)
                    {
                        case 0: sim.Network.Isolate(change % 8 == 0 ? a : b); break;
                        case 2: sim.Network.Cut(a, b); break;
                        default: sim.Network.Heal(); break;
                    }
                });
            }

            sim.Run();
            return (sim.Trace.Fingerprint, sim.Network.PartitionEpoch, sim.Network.PartitionPlaces, sim.Network.PartitionStatesKept,
                sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Partition));
        }

        var released = Play(keepEvery: false);
        var kept = Play(keepEvery: true);

        Assert.Equal(10_000, released.Changes);
        Assert.True(released.Drops > 100, $"{released.Drops} packets lost to partitions");
        Assert.Equal(kept.Fingerprint, released.Fingerprint);
        Assert.Equal(1, released.Kept);
        Assert.True(released.Places <= 512, $"{released.Places} places held after {released.Changes} changes"); // a flight spans at most ~75 epochs here
        Assert.True(kept.Places > 10_000); // the oracle really kept them all
    }

    [Fact]
    public void APacketSentBeforeTheFirstChange_StillSeesTheCutsOfItsWholeFlight()
    {
        // Epoch 0's packets are counted only from the first change on (the table then takes the number in flight).
        DistSim.Simulation sim = Sims.Create(1, new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromSeconds(1)) });
        var b = new NodeId(1);
        sim.AddNode("A", () => new Sender(b, 1));
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());
        sim.At(SimTime.FromSeconds(0.2), () => sim.Network.Isolate(b));
        sim.At(SimTime.FromSeconds(0.3), () => sim.Network.Heal());
        sim.At(SimTime.FromSeconds(0.4), () => sim.Network.Cut(new NodeId(2), new NodeId(0)));
        sim.At(SimTime.FromSeconds(0.5), () => sim.Network.Heal());
        sim.At(SimTime.FromSeconds(0.6), () => Assert.Equal(5, sim.Network.PartitionStatesKept)); // the packet of epoch 0 holds them all
        sim.Run();

        Assert.Empty(sim.GetNode<Receiver>(b).Received);
        Assert.Equal(DropCause.Partition, Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop).Cause);
        Assert.Equal(1, sim.Network.PartitionStatesKept);
    }
}
