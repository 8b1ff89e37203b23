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

    public static TheoryData<string, string[], bool> Pages => new()
    {
        { "docs/guides/custom-models.md", ["Examples/CustomModelExamples.cs", "Examples/CustomModelExamplesTests.cs", "Failures/CustomByzantineBehaviorTests.cs"], true },
        { "docs/concepts/sweeps.md", ["Examples/SweepStatisticsExample.cs"], false },
    };

    [Theory(DisplayName = "The snippets of a page are, word for word (but for their using lines), code that this test suite compiles")]
    [MemberData(nameof(Pages))]
    public void ThePagesSnippets_AreTheCompiledCode(string page, string[] sources, bool all)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "DistSim.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("the repository root (DistSim.sln) is not above the test binaries");
        }

        string text = File.ReadAllText(Path.Combine(root, page)).ReplaceLineEndings("\n");
        List<string> blocks = text.Split("```csharp\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)])
            .Select(b => string.Join('\n', b.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal))).Trim('\n'))
            .ToList();
        var snippets = new List<string>();
        foreach (string source in sources)
        {
            string[] lines = File.ReadAllLines(Path.Combine(root, "tests", "DistSim.Tests", source));
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim().StartsWith("// snippet:", StringComparison.Ordinal))
                {
                    int end = Array.FindIndex(lines, i, l => l.Trim() == "// end snippet");
                    string[] body = lines[(i + 1)..end];
                    int indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
                    snippets.Add(string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n'));
                }
            }
        }

        Assert.NotEmpty(snippets);
        Assert.All(snippets, s => Assert.Contains(s, blocks));
        if (all)
        {
            Assert.Equal(blocks.Count, snippets.Count); // the page has no snippet the suite does not compile
        }
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
