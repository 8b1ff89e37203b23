using DistSim.Samples.Cli;
using DistSim.Samples.Paxos;
using DistSim.Samples.RaftKv;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

/// <summary>
/// The replicated stores' clients keep at most one timer alive at a time (a think pause or one retry): a redirect or a
/// retry replaces the pending retry instead of adding one, so retries cannot multiply while no leader answers. Checked
/// from the trace over seeds of both protocols, under their crashes, partitions and loss.
/// </summary>
public class LeaderKvClientTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    public void EveryClient_HasAtMostOneLiveTimer_InPaxosAndRaft(ulong seed)
    {
        PaxosRun paxos = PaxosCluster.Play(seed, new PaxosOptions(), RunSettings.Recorded);
        RaftKvRun raft = RaftKvCluster.Play(seed, new RaftKvOptions(Servers: 5, CrashEvery: TimeSpan.FromMilliseconds(150)), RunSettings.Recorded);

        foreach (Simulation sim in new[] { paxos.Simulation, raft.Simulation })
        {
            Assert.False(sim.Trace.IsTruncated);
            var live = new Dictionary<int, HashSet<long>>();
            int retriesSeen = 0;
            foreach (TraceEvent e in sim.Trace.Events.Where(e => sim.Trace.NodeName(e.Node).StartsWith('c')))
            {
                HashSet<long> timers = live.TryGetValue(e.Node.Value, out var t) ? t : live[e.Node.Value] = [];
                switch (e.Kind)
                {
                    case TraceEventKind.TimerSet:
                        timers.Add(e.TimerNumber);
                        retriesSeen += e.Payload is long ? 1 : 0;
                        Assert.True(timers.Count <= 1, $"seed {seed}: {sim.Trace.NodeName(e.Node)} has {timers.Count} live timers at {e.Time}");
                        break;
                    case TraceEventKind.TimerCancelled or TraceEventKind.TimerFired:
                        timers.Remove(e.TimerNumber);
                        break;
                }
            }

            Assert.True(retriesSeen > 0, "the clients sent requests with retry timers"); // the check saw the timers it is about
        }
    }
}
