using System.Globalization;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Examples;

/// <summary>The guide's examples (<c>docs/guides/custom-models.md</c>) do what the guide says.</summary>
public class CustomModelExamplesTests
{
    private const string Data = "Timing/Data/synthetic-rtt.txt";

    [Fact(DisplayName = "The synthetic RTT file is what its header says: 200 draws of the documented log-normal, labelled synthetic")]
    public void SyntheticRttData_IsWhatItsHeaderSays()
    {
        string[] lines = File.ReadAllLines(Data);
        Assert.StartsWith("# SYNTHETIC DATA - NOT A MEASUREMENT.", lines[0], StringComparison.Ordinal);

        var stream = new RandomStream(2024);
        Delay lognormal = Delay.LogNormal(Math.Log(0.0008), 0.5);
        IEnumerable<string> regenerated = Enumerable.Range(0, 200)
            .Select(_ => lognormal.Sample(stream).TotalMilliseconds.ToString("0.0000", CultureInfo.InvariantCulture));
        Assert.Equal(regenerated, lines.Where(l => !l.StartsWith('#')));
    }

    [Fact(DisplayName = "A run under the measured-latency model: every delay is half of a measured RTT")]
    public void MeasuredLatencyModel_ReplaysTheMeasurements()
    {
        // snippet: measured-latency-usage
        TimingModel measured = MeasuredLatencyModel.FromFile("Timing/Data/synthetic-rtt.txt");
        var sim = new Simulation(new SimulationOptions { Seed = 7, Timing = measured });
        // end snippet
        var halves = File.ReadLines(Data).Where(l => !l.StartsWith('#'))
            .Select(l => TimeSpan.FromMilliseconds(double.Parse(l, CultureInfo.InvariantCulture)) / 2).ToHashSet();
        NodeId b = new(1);
        sim.AddNode("A", () => new Sender(b, 300, TimeSpan.FromMilliseconds(1)));
        sim.AddNode("B", () => new Receiver());
        sim.Run();

        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time);
        List<TimeSpan> delays = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).Select(e => e.Time - sent[e.MessageId]).ToList();
        Assert.Equal(300, delays.Count);
        Assert.All(delays, d => Assert.Contains(d, halves));
        Assert.True(delays.Distinct().Count() > 100, "the draws cover the measurements");
        Assert.Equal(halves.Max(), measured.DelayBound);
    }

    [Fact]
    public void LieToOnePeer_WithTheDefaultLie_ChangesWhatTheVictimHears()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 4 });
        NodeId victim = new(1), other = new(2);
        Func<Node> honest = () => new Scripted(onStart: c =>
        {
            for (int i = 0; i < 20; i++)
            {
                c.Send(victim, new Ping(i));
                c.Send(other, new Ping(i));
            }
        });
        sim.AddNode("A", Byzantine.Wrap(honest, new LieToOnePeer(victim)), FailureModels.Byzantine);
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());
        sim.Run();

        Assert.Equal(Enumerable.Range(0, 20), sim.GetNode<Receiver>(other).Received.Select(r => ((Ping)r.Message).Seq));
        List<int> heard = sim.GetNode<Receiver>(victim).Received.Select(r => ((Ping)r.Message).Seq).ToList();
        Assert.Equal(20, heard.Count);
        Assert.All(heard.Zip(Enumerable.Range(0, 20)), p => Assert.NotEqual(p.Second, p.First));
        Assert.Equal(20, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Byzantine && e.TimerNumber == (long)FaultKinds.Lie));
    }
}
