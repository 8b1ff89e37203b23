using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Time;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

/// <summary>
/// A crash reaches exactly the link sessions with the crashed node at one end, in pair order, found through a
/// per-node index rather than a scan of every pair (all-to-all traffic at K = 1,000 leaves up to a million pairs,
/// and a scan made each crash cost milliseconds). The oracle is the scan itself, over random traffic shapes in which
/// pairs and their sessions are created in different orders (a pair first carries acknowledgements, its own
/// session comes later).
/// </summary>
public class CrashScopeTests
{
    [Property(MaxTest = 60)]
    public Property EveryCrash_ReachesTheSessionsAtTheCrashedNode_InPairOrder()
    {
        Gen<(int Nodes, (int From, int To, int AtMs)[] Sends, (int Node, int AtMs)[] Crashes)> shapes =
            from nodes in Gen.Choose(2, 7)
            from sendCount in Gen.Choose(1, 30)
            from sends in (from f in Gen.Choose(0, nodes - 1) from t in Gen.Choose(0, nodes - 1) from at in Gen.Choose(0, 200) select (f, t, at)).ArrayOf(sendCount)
            from crashCount in Gen.Choose(1, 4)
            from crashes in (from n in Gen.Choose(0, nodes - 1) from at in Gen.Choose(1, 260) select (n, at)).ArrayOf(crashCount)
            select (nodes, sends, crashes);
        return Prop.ForAll(shapes.ToArbitrary(), shape =>
        {
            var calls = new List<string>();
            var link = new RecordingLink(global::DistSim.Links.Links.Reliable(), calls);
            var simulation = new Simulation(new SimulationOptions { Seed = 7, Link = link, RecordTrace = false });
            for (int i = 0; i < shape.Nodes; i++)
            {
                simulation.AddNode("n" + i, () => new Talker(), FailureModels.CrashRecover());
            }

            foreach ((int from, int to, int atMs) in shape.Sends)
            {
                simulation.At<Talker>(SimTime.FromStart(TimeSpan.FromMilliseconds(atMs)), new NodeId(from), n => n.Say(new NodeId(to)));
            }

            int crashesSeen = 0;
            foreach ((int node, int atMs) in shape.Crashes.OrderBy(c => c.AtMs))
            {
                simulation.RunUntil(SimTime.FromStart(TimeSpan.FromMilliseconds(atMs)));
                if (!simulation.IsUp(new NodeId(node)))
                {
                    continue;
                }

                List<string> expected = SessionsAt(simulation, node);
                calls.Clear();
                simulation.Crash(new NodeId(node));
                crashesSeen++;
                if (!calls.SequenceEqual(expected))
                {
                    return false.Label($"crash of n{node} at {atMs} ms reached [{string.Join(", ", calls)}], the sessions at it in pair order are [{string.Join(", ", expected)}]");
                }

                simulation.Restart(new NodeId(node));
            }

            return (crashesSeen > 0).Label("at least one crash happened");
        });
    }

    [Fact]
    public void ASessionWhosePairCameFirst_IsReachedBeforeOneCreatedEarlier()
    {
        // n0 -> n1 creates pair 0 and its session; n1's acknowledgements create pair 1 (n1 -> n0) without a session;
        // n2 -> n0 creates pair 2 and its session; only then does n1 send to n0, giving pair 1 its session. A crash of
        // n0 must reach them in pair order (0, 1, 2), not in the order the sessions were created (0, 2, 1).
        var calls = new List<string>();
        var simulation = new Simulation(new SimulationOptions { Seed = 1, Link = new RecordingLink(global::DistSim.Links.Links.Reliable(), calls) });
        for (int i = 0; i < 3; i++)
        {
            simulation.AddNode("n" + i, () => new Talker(), FailureModels.CrashRecover());
        }

        simulation.At<Talker>(SimTime.FromStart(TimeSpan.FromMilliseconds(0)), new NodeId(0), n => n.Say(new NodeId(1)));
        simulation.At<Talker>(SimTime.FromStart(TimeSpan.FromMilliseconds(100)), new NodeId(2), n => n.Say(new NodeId(0)));
        simulation.At<Talker>(SimTime.FromStart(TimeSpan.FromMilliseconds(200)), new NodeId(1), n => n.Say(new NodeId(0)));
        simulation.RunUntil(SimTime.FromStart(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(["n0->n1 created", "n2->n0 created", "n1->n0 created"], calls);

        calls.Clear();
        simulation.Crash(new NodeId(0));

        Assert.Equal(["n0->n1 crash n0", "n1->n0 crash n0", "n2->n0 crash n0"], calls);
    }

    [Fact]
    public void ASessionMadeWhileTheCrashIsTold_IsToldToo_AsAScanOfTheTableWouldReachIt()
    {
        // A custom link's OnCrash asks the network for another session of the crashed node, on a pair with a higher
        // index than its own: a scan of the pair table in index order reaches that session as well, and so must the
        // per-node index.
        var calls = new List<string>();
        Simulation? simulation = null;
        var link = new RecordingLink(global::DistSim.Links.Links.Reliable(), calls)
        {
            OnFirstCrash = () => simulation!.Network.Session(new NodeId(2), new NodeId(0)),
        };
        simulation = new Simulation(new SimulationOptions { Seed = 1, Link = link });
        for (int i = 0; i < 3; i++)
        {
            simulation.AddNode("n" + i, () => new Talker(), FailureModels.CrashRecover());
        }

        simulation.At<Talker>(SimTime.FromStart(TimeSpan.Zero), new NodeId(0), n => n.Say(new NodeId(1)));
        simulation.RunUntil(SimTime.FromStart(TimeSpan.FromMilliseconds(100)));
        calls.Clear();

        simulation.Crash(new NodeId(0));

        Assert.Equal(["n0->n1 crash n0", "n2->n0 created", "n2->n0 crash n0"], calls);
    }

    /// <summary>The oracle: a scan of every pair, in index order, for a session with <paramref name="node"/> at one end.</summary>
    private static List<string> SessionsAt(Simulation simulation, int node)
    {
        var expected = new List<string>();
        var pairs = simulation.Network.Pairs;
        for (int i = 0; i < pairs.Count; i++)
        {
            if (pairs.RichOf(i) is { HasSession: true } pair && (pair.From.Value == node || pair.To.Value == node))
            {
                expected.Add($"n{pair.From.Value}->n{pair.To.Value} crash n{node}");
            }
        }

        return expected;
    }

    private sealed class Talker : Node
    {
        public void Say(NodeId to) => Send(to, "hello");

        public override void OnMessage(NodeId from, object message)
        {
        }
    }

    [Fact]
    public void ALinkWhoseCreateSessionAsksForItsOwnSession_IsRefusedNamingTheLinkAndThePair()
    {
        // Before the refusal, such a link made two sessions (one thrown away) and its pair was told of every crash twice.
        Simulation? simulation = null;
        var link = new ReentrantLink(host => simulation!.Network.Session(host.From, host.To));
        simulation = new Simulation(new SimulationOptions { Seed = 3, Link = link });
        simulation.AddNode("a", () => new Talker(), FailureModels.CrashRecover());
        simulation.AddNode("b", () => new Talker(), FailureModels.CrashRecover());

        var ex = Assert.Throws<InvalidOperationException>(() => simulation.Network.Session(new NodeId(0), new NodeId(1)));
        Assert.Contains("link reentrant: CreateSession for a->b asked for the session of a->b it is creating", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, link.Calls); // refused on the inner call, not by a second CreateSession
    }

    [Fact]
    public void ALinkWhoseCreateSessionReturnsNull_IsRefusedNamingTheLinkAndThePair()
    {
        var simulation = new Simulation(new SimulationOptions { Seed = 3, Link = new ReentrantLink(_ => { }, returnNull: true) });
        NodeId a = simulation.AddNode("a", () => new Talker());
        simulation.AddNode("b", () => new Talker());

        var ex = Assert.Throws<InvalidOperationException>(() => simulation.Network.Session(a, new NodeId(1)));
        Assert.Equal("link reentrant: CreateSession returned null for a->b", ex.Message);
    }

    /// <summary>A link that runs <paramref name="inside"/> within its first CreateSession (or returns null).</summary>
    private sealed class ReentrantLink(Action<ILinkHost> inside, bool returnNull = false) : ILink
    {
        private readonly ILink _inner = global::DistSim.Links.Links.Reliable();

        public string Name => "reentrant";

        public int Calls { get; private set; }

        public ILinkSession CreateSession(ILinkHost host)
        {
            if (++Calls == 1)
            {
                inside(host);
            }

            return returnNull ? null! : _inner.CreateSession(host);
        }
    }

    /// <summary>The reliable link, with every session creation and every crash notice written down.</summary>
    private sealed class RecordingLink(ILink inner, List<string> calls) : ILink
    {
        public string Name => "recording";

        /// <summary>Runs inside the first crash notice any session gets, after it is written down.</summary>
        public Action? OnFirstCrash { get; set; }

        public ILinkSession CreateSession(ILinkHost host)
        {
            calls.Add($"{host.Name} created");
            return new Session(inner.CreateSession(host), host.Name, calls, this);
        }

        private sealed class Session(ILinkSession inner, string name, List<string> calls, RecordingLink link) : ILinkSession
        {
            public LinkCounters Counters => inner.Counters;

            public int DedupMemory => inner.DedupMemory;

            public void Send(long messageId, object message) => inner.Send(messageId, message);

            public void OnPacket(in LinkPacket packet) => inner.OnPacket(packet);

            public void OnTimer(long token) => inner.OnTimer(token);

            public void OnCrash(NodeId node)
            {
                calls.Add($"{name} crash n{node.Value}");
                inner.OnCrash(node);
                if (link.OnFirstCrash is { } hook)
                {
                    link.OnFirstCrash = null;
                    hook();
                }
            }
        }
    }
}
