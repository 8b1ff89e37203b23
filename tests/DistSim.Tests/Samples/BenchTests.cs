using DistSim.Tests.Support;
using System.Text.Json;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Bench;

namespace DistSim.Tests.Samples;

/// <summary>
/// The <c>bench</c> scenario: a smoke of every workload and link at tiny sizes (no timing is asserted, only that the
/// figures exist and the work was done), and that each bare baseline does the same logical work as DistSim. The
/// refusal of options that do not apply is in <see cref="HostileCommandLineTests"/>.
/// </summary>
public class BenchTests
{
    private const int SmokeNodes = 50;
    private const int SmokeCount = 2000;

    private static (int Code, string Out, string Err) Run(params string[] args) => RunnerCli.Run(args);

    [Theory]
    [InlineData("timers", null)]
    [InlineData("idle", null)]
    [InlineData("ring", "fair-loss")]
    [InlineData("ring", "reliable")]
    [InlineData("ring", "authenticated")]
    [InlineData("all-to-all", "fair-loss")]
    [InlineData("all-to-all", "reliable")]
    [InlineData("all-to-all", "authenticated")]
    public void Bench_EveryWorkloadAndLink_ReportsSaneFigures(string workload, string? link)
    {
        bool messages = link is not null;
        List<string> args = ["bench", "--workload", workload, "--nodes", SmokeNodes.ToString(), "--rounds", "5", "--json"];
        if (messages)
        {
            args.AddRange(["--link", link!, "--deliveries", SmokeCount.ToString()]);
        }
        else if (workload == "timers")
        {
            args.AddRange(["--events", SmokeCount.ToString()]);
        }

        (int code, string output, string error) = Run([.. args]);

        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(workload, root.GetProperty("workload").GetString());
        Assert.Equal(link, root.GetProperty("link").GetString());
        Assert.Equal(SmokeNodes, root.GetProperty("nodes").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("limitHit").ValueKind);
        Assert.Equal(5, root.GetProperty("rounds").GetInt32());
        Assert.True(root.GetProperty("distSimPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("barePerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("ratio").GetDouble() > 0);
        Assert.True(root.GetProperty("ratioMin").GetDouble() > 0);
        Assert.True(root.GetProperty("ratioMax").GetDouble() >= root.GetProperty("ratioMin").GetDouble());
        Assert.Equal(5, root.GetProperty("ratioPerRound").GetArrayLength());
        Assert.Equal(5, root.GetProperty("distSimPerSecondRounds").GetArrayLength());
        Assert.True(root.GetProperty("allocatedBytesPerUnit").GetDouble() >= 0);
        Assert.True(root.GetProperty("gcCollections").GetProperty("gen2").GetInt32() >= 0);
        Assert.True(root.GetProperty("fingerprintsIdentical").GetBoolean());
        Assert.Matches("^[0-9a-f]{16}$", root.GetProperty("fingerprint").GetString());
        JsonElement bare = root.GetProperty("bare");
        switch (workload)
        {
            case "timers":
                Assert.Equal("events", root.GetProperty("unit").GetString());
                Assert.Equal(SmokeCount, root.GetProperty("events").GetInt64());
                Assert.Equal(SmokeCount, bare.GetProperty("pops").GetInt64());
                break;
            case "idle":
                Assert.Equal(SmokeNodes, root.GetProperty("events").GetInt64());
                // The managed heap is the process's: tests running in parallel move it, so only the fields are checked here.
                Assert.True(double.IsFinite(root.GetProperty("bytesPerNode").GetDouble()));
                Assert.True(double.IsFinite(root.GetProperty("bareBytesPerNode").GetDouble()));
                break;
            default:
                Assert.Equal("deliveries", root.GetProperty("unit").GetString());
                Assert.Equal(SmokeCount, root.GetProperty("messages").GetProperty("delivered").GetInt64());
                Assert.Equal(SmokeCount, bare.GetProperty("deliveries").GetInt64());
                break;
        }
    }

    [Fact]
    public void Bench_OldCommandLine_RunsTheTimerWorkload_AsText()
    {
        (int code, string output, string error) = Run("bench", "--nodes", "10", "--events", "1000");

        Assert.True(code == 0, error);
        Assert.StartsWith("bench timers: 10 nodes, 1,000 events", output, StringComparison.Ordinal);
        Assert.Contains("ratio:", output, StringComparison.Ordinal);
        Assert.Contains("in every round", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, BenchLink.FairLoss)]
    [InlineData(false, BenchLink.Reliable)]
    [InlineData(false, BenchLink.Authenticated)]
    [InlineData(true, BenchLink.FairLoss)]
    [InlineData(true, BenchLink.Reliable)]
    [InlineData(true, BenchLink.Authenticated)]
    public void BareBaseline_DoesTheSameLogicalWorkAsDistSim(bool allToAll, BenchLink link)
    {
        const int nodes = 10, deliveries = 500;
        var workload = new MessageWorkload(allToAll, link, nodes, deliveries, seed: 3);
        Simulation simulation = workload.Build();
        RunResult result = simulation.Run();
        workload.Check(simulation, result);
        BareLoop bare = workload.CreateBare();
        bare.Run();
        BareCounts c = bare.Counts;

        Assert.Equal(deliveries, simulation.Messages.Sent);
        Assert.Equal(deliveries, simulation.Messages.Delivered);
        Assert.Equal(deliveries, c.Deliveries);
        Assert.Equal(deliveries, c.DataPackets);
        bool reliable = link != BenchLink.FairLoss;
        Assert.Equal(reliable ? deliveries : 0, c.Acks);
        Assert.Equal(c.Acks, c.AcksReceived);
        Assert.Equal(nodes + c.DataPackets + c.Acks, c.Pops); // a start entry per node, then one pop per packet
        Assert.Equal(c.Pops, c.Pushes);
        Assert.Equal(link == BenchLink.Authenticated ? 2 * deliveries : 0, c.MacsComputed);
        Assert.Equal(c.MacsComputed, c.MacsVerified);
        if (reliable)
        {
            // DistSim's link delivered each message once and acknowledged each one too; it retransmits only the first
            // frame of each pair, once, when the handshake binds it to the receiver's incarnation (the bare loop has no
            // incarnations: the workload has no crash).
            LinkCounters total = SessionTotals(simulation, nodes, allToAll);
            Assert.Equal(deliveries, total.Delivered);
            Assert.True(total.AcksSent >= deliveries, $"{total.AcksSent} acks for {deliveries} deliveries");
            Assert.True(total.Retransmitted <= total.Handshakes, $"{total.Retransmitted} retransmissions, {total.Handshakes} handshakes");
        }
    }

    [Fact]
    public void BareTimers_PopsEveryEvent_AsDistSimRunsThem()
    {
        var workload = new TimerWorkload(nodes: 20, events: 3000, seed: 5);
        Simulation simulation = workload.Build();
        RunResult result = simulation.Run();
        workload.Check(simulation, result);
        BareLoop bare = workload.CreateBare();
        bare.Run();

        Assert.Equal(3000, result.Events);
        Assert.Equal(3000, bare.Counts.Pops);
        Assert.Equal(20 + 3000, bare.Counts.Pushes); // a start entry per node, one re-arm per event
        Assert.True(bare.Counts.EndTime > 0);
    }

    [Fact]
    public void BareAllToAll_PicksEveryOtherNode_NeverItself()
    {
        var seen = new HashSet<int>();
        var random = new BareRandom(seed: 1, index: 0);
        for (int i = 0; i < 10_000; i++)
        {
            seen.Add(random.NextBelow(9));
        }

        Assert.Equal(Enumerable.Range(0, 9), seen.Order());
    }

    [Fact]
    public void BenchRunner_RoundsWithDifferentFingerprints_FailLoudly()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BenchRunner.Measure(new DriftingWorkload(), rounds: 5));

        Assert.Contains("fingerprint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("round 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Median_OddAndEvenCounts()
    {
        Assert.Equal(3, BenchReport.Median([5, 1, 3]));
        Assert.Equal(2.5, BenchReport.Median([4, 1, 2, 3]));
    }

    private static LinkCounters SessionTotals(Simulation simulation, int nodes, bool allToAll)
    {
        var total = new LinkCounters();
        for (int a = 0; a < nodes; a++)
        {
            for (int b = 0; b < nodes; b++)
            {
                if (a != b && (allToAll || b == (a + 1) % nodes))
                {
                    total.Add(simulation.Network.Session(new NodeId(a), new NodeId(b)).Counters);
                }
            }
        }

        return total;
    }

    /// <summary>A workload whose every build runs another seed: not deterministic, as the bench must notice.</summary>
    private sealed class DriftingWorkload() : BenchWorkload(nodes: 2, count: 100, seed: 1)
    {
        private ulong _builds;

        public override string Name => "drifting";

        public override string Unit => "events";

        public override Simulation Build() => new TimerWorkload(Nodes, Count, ++_builds).Build();

        public override void Check(Simulation simulation, RunResult result)
        {
        }

        public override BareLoop CreateBare() => new TimerWorkload(Nodes, Count, Seed).CreateBare();
    }
}
