using DistSim.Detectors;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Tests.Detectors;

/// <summary>
/// Four nodes each running a detector over the others; node 3 (crash-stop) crashes at a time drawn from the
/// seed. Every suspicion is judged against the truth: false if the suspected node was up at that moment.
/// </summary>
public static class DetectorRig
{
    public sealed record Result(
        List<(SimTime At, NodeId By, NodeId Peer, bool False)> Suspicions, List<(SimTime At, NodeId By, NodeId Peer)> Restorations, SimTime CrashAt, SimTime? Gst)
    {
        /// <summary>Whether <paramref name="by"/> suspected <paramref name="peer"/> when the run ended.</summary>
        public bool SuspectsAtEnd(NodeId by, NodeId peer) =>
            Suspicions.Where(s => s.By == by && s.Peer == peer).Select(s => s.At).DefaultIfEmpty(SimTime.Zero).Max() >
            Restorations.Where(r => r.By == by && r.Peer == peer).Select(r => r.At).DefaultIfEmpty(SimTime.Zero).Max()
            && Suspicions.Any(s => s.By == by && s.Peer == peer);
    }

    public static Result Run(ulong seed, TimingModel timing, Func<INodeContext, IEnumerable<NodeId>, HeartbeatDetector> make, TimeSpan duration)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Timing = timing,
            Network = new global::DistSim.Links.FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(8)) },
            TimeLimit = duration,
        });
        var suspicions = new List<(SimTime, NodeId, NodeId, bool)>();
        var restorations = new List<(SimTime, NodeId, NodeId)>();
        for (int i = 0; i < 4; i++)
        {
            sim.AddNode(
                "n" + i,
                () => new Watcher(make, (by, peer) => suspicions.Add((sim.Now, by, peer, sim.IsUp(peer))), (by, peer) => restorations.Add((sim.Now, by, peer))),
                i == 3 ? FailureModels.CrashStop : null);
        }

        var crashAt = SimTime.FromStart(TimeSpan.FromMilliseconds(500 + (long)StreamSeed.Create(seed, "rig:crash").NextBelow(3000)));
        sim.At(crashAt, () => sim.Crash(new NodeId(3)));
        sim.RunUntil(SimTime.FromStart(duration));
        return new Result(suspicions, restorations, crashAt, sim.Gst);
    }

    private sealed class Watcher(Func<INodeContext, IEnumerable<NodeId>, HeartbeatDetector> make, Action<NodeId, NodeId> onSuspect, Action<NodeId, NodeId> onRestore) : Node
    {
        private HeartbeatDetector? _detector;

        public override void OnStart()
        {
            _detector = make(Context, Context.Nodes);
            _detector.Suspected += peer => onSuspect(Id, peer);
            _detector.Restored += peer => onRestore(Id, peer);
            _detector.Start();
        }

        public override void OnMessage(NodeId from, object message) => _detector!.OnMessage(from, message);

        public override void OnTimer(TimerId timer, object? state) => _detector!.OnTimer(timer, state);
    }
}
