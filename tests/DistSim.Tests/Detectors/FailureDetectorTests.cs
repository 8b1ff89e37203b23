using DistSim.Detectors;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Tests.Detectors;

public class FailureDetectorTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50), Delta = TimeSpan.FromMilliseconds(10);
    private const double Drift = 1e-3;

    private static TimingModel Synchronous => TimingModels.Synchronous(Delta, drift: Drift, clockSkew: TimeSpan.FromMilliseconds(20));

    private static HeartbeatDetector Perfect(INodeContext c, IEnumerable<NodeId> peers) => new PerfectFailureDetector(c, peers, Interval, Delta, Drift);

    private static HeartbeatDetector Eventually(INodeContext c, IEnumerable<NodeId> peers) =>
        new EventuallyPerfectFailureDetector(c, peers, Interval, initialTimeout: TimeSpan.FromMilliseconds(55), increment: TimeSpan.FromMilliseconds(20));

    [Fact(DisplayName = "Perfect detector, synchronous model, 1,000 seeds: no false suspicion, every crash detected within the bound")]
    public void Perfect_UnderSynchrony_IsAccurateAndComplete()
    {
        TimeSpan bound = TimeSpan.FromTicks((long)(new PerfectFailureDetector(new ProbeContext(), [], Interval, Delta, Drift).DetectionBound.Ticks / (1 - Drift)) + 1);
        for (ulong seed = 0; seed < 1000; seed++)
        {
            DetectorRig.Result r = DetectorRig.Run(seed, Synchronous, Perfect, TimeSpan.FromSeconds(4));

            Assert.DoesNotContain(r.Suspicions, s => s.False);
            var ofCrashed = r.Suspicions.Where(s => s.Peer.Value == 3).ToList();
            Assert.Equal(3, ofCrashed.Count); // every other node suspects it
            Assert.All(ofCrashed, s => Assert.InRange(s.At - r.CrashAt, TimeSpan.Zero, bound));
        }
    }

    [Fact]
    public void Perfect_UnderAsynchrony_MakesMistakes()
    {
        int mistakes = Enumerable.Range(0, 20)
            .Sum(s => DetectorRig.Run((ulong)s, TimingModels.Asynchronous(Delay.Pareto(TimeSpan.FromMilliseconds(5), 1.5)), Perfect, TimeSpan.FromSeconds(4)).Suspicions.Count(x => x.False));
        Assert.True(mistakes > 0);
    }

    [Fact(DisplayName = "Eventually perfect detector, partial synchrony, 1,000 seeds: no false suspicion after GST plus its adaptation time")]
    public void EventuallyPerfect_AfterGst_StopsSuspectingLiveNodes()
    {
        TimeSpan adaptation = TimeSpan.FromSeconds(2);
        TimingModel partial = TimingModels.PartiallySynchronous(Delta, Delay.Pareto(TimeSpan.FromMilliseconds(20), 1.3), gstMax: TimeSpan.FromSeconds(3));
        int before = 0;
        for (ulong seed = 0; seed < 1000; seed++)
        {
            DetectorRig.Result r = DetectorRig.Run(seed, partial, Eventually, TimeSpan.FromSeconds(8));
            SimTime settled = r.Gst!.Value + adaptation;

            Assert.DoesNotContain(r.Suspicions, s => s.False && s.At > settled);
            Assert.All(Enumerable.Range(0, 3), i => Assert.True(r.SuspectsAtEnd(new NodeId(i), new NodeId(3)))); // the crashed node is suspected for good
            before += r.Suspicions.Count(s => s.False);
        }

        Assert.True(before > 100, $"{before} mistakes before GST: the detector really was tested by asynchrony");
    }
}
