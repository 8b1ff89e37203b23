using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

public class LinkStateAcrossRestartsTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>Sends one numbered ping every 10 ms, resuming after a restart from its flushed counter.</summary>
    private sealed class DurableSender(NodeId peer, int count) : Node
    {
        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

        public override void OnTimer(TimerId timer, object? state)
        {
            int next = int.Parse(Storage.GetString("next") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            if (next >= count)
            {
                return;
            }

            Send(peer, new Ping(next));
            Storage.PutString("next", (next + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Storage.Flush();
            SetTimer(TimeSpan.FromMilliseconds(10));
        }
    }

    private static (DistSim.Simulation Sim, List<int> Seqs) Run(bool durable, string crashed)
    {
        var link = global::DistSim.Links.Links.Reliable(new ReliableLinkOptions { DurableState = durable, RetransmitInterval = TimeSpan.FromMilliseconds(50) });
        DistSim.Simulation sim = Sims.Create(3, new FairLossLinkOptions { LossProbability = 0.3, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)) }, link: link);
        sim.AddNode("A", () => new DurableSender(B, 300), FailureModels.CrashRecover());
        sim.AddNode("B", () => new Receiver(), FailureModels.CrashRecover());
        NodeId victim = crashed == "A" ? A : B;
        var receivedAcrossIncarnations = new List<int>();
        for (int i = 1; i <= 5; i++)
        {
            sim.At(SimTime.FromSeconds(0.5 * i), () =>
            {
                if (victim == B)
                {
                    receivedAcrossIncarnations.AddRange(sim.GetNode<Receiver>(B).Received.Select(r => ((Ping)r.Message).Seq));
                }

                sim.CrashFor(victim, TimeSpan.FromMilliseconds(100));
            });
        }

        sim.Run();
        receivedAcrossIncarnations.AddRange(sim.GetNode<Receiver>(B).Received.Select(r => ((Ping)r.Message).Seq));
        return (sim, receivedAcrossIncarnations);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public void VolatileLinkState_LetsGapsOrDuplicatesReachTheApplication(string crashed)
    {
        (DistSim.Simulation sim, List<int> seqs) = Run(durable: false, crashed);

        bool gaps = seqs.Distinct().Count() < 300;
        bool duplicates = seqs.Count > seqs.Distinct().Count();
        Assert.True(gaps || duplicates, $"{crashed} crashed: {seqs.Count} received, {seqs.Distinct().Count()} distinct");
        Assert.Equal(5, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash));
        if (crashed == "A")
        {
            // The restarted sender numbers from 1 again; the receiver, which remembers, takes them for duplicates.
            Assert.True(gaps);
            Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.DuplicateSuppressed && e.Time > SimTime.FromSeconds(0.6));
        }
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public void DurableLinkState_IsExactlyOnceAgain(string crashed)
    {
        (DistSim.Simulation sim, List<int> seqs) = Run(durable: true, crashed);

        Assert.Equal(Enumerable.Range(0, 300), seqs.Order());
        Assert.Equal(5, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Crash));
    }
}
