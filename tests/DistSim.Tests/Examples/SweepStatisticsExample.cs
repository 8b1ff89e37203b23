// The statistics example of docs/concepts/sweeps.md, compiled and run as a test (the snippet is checked against the
// page by CustomModelExamplesTests.TheDocsSnippets_AreTheCompiledCode).
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Sweeps;
using DistSim.Testing;
using DistSim.Timing;

namespace DistSim.Tests.Examples;

// snippet: sweep-statistics
public sealed record Hello(int Seq);

public sealed class Greeter(NodeId peer) : Node
{
    public override void OnStart()
    {
        for (int i = 0; i < 50; i++)
        {
            Send(peer, new Hello(i));
        }
    }
}

public class LossySweepTests
{
    [Fact]
    public void ALossyLink_OverTwoHundredSeeds()
    {
        var stats = new SweepStatistics(confidence: 0.999);
        long sent = 0, delivered = 0;
        SeedSweep.Run(
            new SeedSweepOptions { FirstSeed = 1, Count = 200 },
            seed =>
            {
                var sim = new Simulation(new SimulationOptions
                {
                    Seed = seed,
                    Network = new FairLossLinkOptions { LossProbability = 0.2, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5)) },
                });
                sim.AddNode("A", () => new Greeter(new NodeId(1)));
                sim.AddNode("B", () => new Greeter(new NodeId(0)));
                RunResult result = sim.Run();
                return (sim.Messages.Sent, sim.Messages.Delivered, DurationMs: result.Time.TotalSeconds * 1000);
            },
            (seed, run) =>
            {
                sent += run.Sent;
                delivered += run.Delivered;
                stats.Add("delivered", run.Delivered);
                stats.Add("duration-ms", run.DurationMs);
            },
            TestContext.Current.CancellationToken);

        MetricSummary perRun = stats.Summarize("delivered");
        Assert.True(perRun.MeanInterval.Contains(80), perRun.ToString()); // 100 sent per run, 80 % arrive
        Assert.True(stats.Summarize("duration-ms").Percentile(99) > 20);  // a tail: the slowest packet of a run
        Rates.AssertWithin(delivered, sent, 0.8, confidence: 0.999);
    }
}
// end snippet
