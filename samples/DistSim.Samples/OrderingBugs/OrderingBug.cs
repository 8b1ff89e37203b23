using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.OrderingBugs;

/// <summary>One run of <c>ordering-bugs</c>: whether the planted bug showed.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Found">Whether the run reached the buggy ordering.</param>
/// <param name="Arrivals">The order in which the server received its messages.</param>
public sealed record OrderingBugRun(Simulation Simulation, RunResult Run, bool Found, string Arrivals) : IScenarioRun;

/// <summary>
/// The planted bugs of <c>ordering-bugs</c>: three nodes (a server, a writer, a reader), link delays so narrow that the
/// natural order almost never shows the bug, and a check of the server's arrivals. See <c>docs/concepts/exploration.md</c>.
/// </summary>
public static class OrderingBug
{
    /// <summary>The bugs, by name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["stale-read", "torn-update", "interleaved"];

    private static readonly NodeId Server = new(0), Writer = new(1), Reader = new(2);

    private static FairLossLinkOptions Link(double minMs, double maxMs) =>
        new() { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(maxMs)) };

    /// <summary>
    /// Plays bug <paramref name="bug"/> once:
    /// <list type="bullet">
    /// <item><c>stale-read</c>: the writer sends <c>write</c> to the server and <c>go</c> to the reader, which then reads
    /// from the server; the bug is a read answered 0 — the read overtook the write it was told about. Every link takes
    /// 1–1.2 ms but writer → server, 1 ms plus an exponential tail of mean 0.25 ms, so the natural order shows it rarely.</item>
    /// <item><c>torn-update</c>: the writer sends the two halves of an update (<c>a1</c>, <c>a2</c>); the reader, farther
    /// away (3–3.2 ms), sends a <c>probe</c>; the bug is the probe arriving between the halves.</item>
    /// <item><c>interleaved</c>: the writer sends <c>a1</c>, <c>a2</c>, the farther reader <c>b1</c>, <c>b2</c>; the bug
    /// is the server receiving them alternately, a b a b or b a b a.</item>
    /// </list>
    /// </summary>
    /// <param name="bug">One of <see cref="Names"/>.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="settings">Tracing, limit and scheduling strategy.</param>
    public static OrderingBugRun Play(string bug, ulong seed, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions { Seed = seed, Network = Link(1, 1.2) }));
        var log = new List<string>();
        int observed = -1;
        simulation.AddNode("server", () => new LogServer(log));
        switch (bug)
        {
            case "stale-read":
                simulation.AddNode("writer", () => new ScriptedClient([(Server, new Note("write")), (Reader, new Note("go"))]));
                simulation.AddNode("reader", () => new ScriptedClient([], note =>
                {
                    if (note.Tag == "value")
                    {
                        observed = note.Value;
                        return null;
                    }

                    return (Server, new Note("read"));
                }));
                simulation.Network.SetFairLoss(Writer, Server, new FairLossLinkOptions { Delay = Delay.Exponential(TimeSpan.FromMilliseconds(0.25), TimeSpan.FromMilliseconds(1)) });
                break;
            case "torn-update":
                simulation.AddNode("writer", () => new ScriptedClient([(Server, new Note("a1")), (Server, new Note("a2"))]));
                simulation.AddNode("reader", () => new ScriptedClient([(Server, new Note("probe"))]));
                simulation.Network.SetFairLoss(Reader, Server, Link(3, 3.2));
                break;
            case "interleaved":
                simulation.AddNode("writer", () => new ScriptedClient([(Server, new Note("a1")), (Server, new Note("a2"))]));
                simulation.AddNode("reader", () => new ScriptedClient([(Server, new Note("b1")), (Server, new Note("b2"))]));
                simulation.Network.SetFairLoss(Reader, Server, Link(3, 3.2));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(bug), bug, "is not one of " + string.Join(", ", Names));
        }

        RunResult run = simulation.Run();
        string arrivals = string.Join(" ", log);
        string senders = string.Concat(log.Select(t => t[0]));
        bool found = bug switch
        {
            "stale-read" => observed == 0,
            "torn-update" => log.IndexOf("probe") == 1,
            _ => senders is "abab" or "baba",
        };
        return new OrderingBugRun(simulation, run, found, arrivals);
    }
}
