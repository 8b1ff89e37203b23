using DistSim.Links;
using DistSim.Messages;
using DistSim.Nodes;
using DistSim.Timing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Simulations;

/// <summary>
/// Messages are values: what a receiver sees is what the sender sent at Send, whatever the sender does to its
/// objects afterwards, whatever other receivers (of a broadcast, of a duplicate, of a retransmission) do to
/// theirs. Checked by encoding each message at Send and again at every delivery.
/// </summary>
public class IsolationTests
{
    /// <summary>A mutable message of several shapes: a list, an array, a nested object with public fields, a dictionary.</summary>
    public sealed class Bag
    {
        public int Seq;
        public List<int> Items = [];
        public int[] Array = [];
        public Inner Nested = new();
        public Dictionary<string, int> Map = [];
    }

    public sealed class Inner
    {
        public string Text = "";
        public List<string> Tags = [];
    }

    /// <summary>Each tick: builds (or reuses and mutates) a Bag, broadcasts it to every peer, then mutates it again.</summary>
    private sealed class Mutator(int rounds, int shape, Dictionary<int, byte[]> sentAs) : Node
    {
        private readonly Bag _reused = new();
        private int _round;

        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(1));

        public override void OnTimer(TimerId timer, object? state)
        {
            Bag bag = _reused; // the hostile pattern: one object, sent, then changed
            bag.Seq = _round;
            bag.Items.Add(_round);
            bag.Array = [_round, _round + 1];
            bag.Nested.Text = "round " + _round;
            bag.Nested.Tags.Add("t" + _round);
            bag.Map["k" + _round] = _round;
            sentAs[_round] = MessageCodec.Encode(bag); // what was sent, byte for byte
            foreach (NodeId peer in Context.Nodes.Where(n => n != Id))
            {
                Send(peer, bag);
            }

            Scribble(bag, shape); // after Send: must reach no one
            if (++_round < rounds)
            {
                SetTimer(TimeSpan.FromMilliseconds(1));
            }
        }
    }

    private static void Scribble(Bag bag, int shape)
    {
        switch (shape % 5)
        {
            case 0: bag.Items.Add(-1); break;
            case 1: bag.Array[0] = -1; break;
            case 2: bag.Nested.Text = "scribbled"; break;
            case 3: bag.Nested.Tags.Clear(); break;
            default: bag.Map["evil"] = -1; break;
        }
    }

    /// <summary>Checks every delivery against what was sent, then scribbles over what it got (hostile receiver).</summary>
    private sealed class Checker(int shape, Dictionary<int, byte[]> sentAs, List<string> violations) : Node
    {
        public int Received { get; private set; }

        public override void OnMessage(NodeId from, object message)
        {
            var bag = (Bag)message;
            Received++;
            if (!MessageCodec.Encode(bag).AsSpan().SequenceEqual(sentAs[bag.Seq]))
            {
                violations.Add($"{Context.Name} got round {bag.Seq} changed after Send");
            }

            Scribble(bag, shape + 1);
        }
    }

    public static Arbitrary<(ulong Seed, int Shape, int Link, int Receivers)> Runs() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from shape in Gen.Choose(0, 4)
         from link in Gen.Choose(0, 2)
         from receivers in Gen.Choose(1, 3)
         select (seed, shape, link, receivers)).ToArbitrary();

    [Property(MaxTest = 40, Arbitrary = [typeof(IsolationTests)])]
    public bool EveryDelivery_IsWhatWasSentAtSend((ulong Seed, int Shape, int Link, int Receivers) r)
    {
        ILink link = r.Link switch { 0 => global::DistSim.Links.Links.FairLoss, 1 => global::DistSim.Links.Links.Reliable(), _ => global::DistSim.Links.Links.Authenticated() };
        var sentAs = new Dictionary<int, byte[]>();
        var violations = new List<string>();
        var sim = new Simulation(new SimulationOptions
        {
            Seed = r.Seed,
            Link = link,
            Network = new FairLossLinkOptions { LossProbability = 0.2, DuplicateProbability = 0.3, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)) },
        });
        sim.AddNode("sender", () => new Mutator(20, r.Shape, sentAs));
        for (int i = 0; i < r.Receivers; i++)
        {
            sim.AddNode("r" + i, () => new Checker(r.Shape, sentAs, violations));
        }

        sim.Run();
        bool delivered = Enumerable.Range(1, r.Receivers).All(i => sim.GetNode<Checker>(new NodeId(i)).Received > 0);
        return delivered && violations.Count == 0;
    }

    [Fact(DisplayName = "Isolation off: the receiver sees the sender's later change (the option really switches it off)")]
    public void IsolationOff_SharesTheObject()
    {
        var sentAs = new Dictionary<int, byte[]>();
        var violations = new List<string>();
        var sim = new Simulation(new SimulationOptions { Seed = 1, IsolateMessages = false });
        sim.AddNode("sender", () => new Mutator(5, 0, sentAs));
        sim.AddNode("r", () => new Checker(0, sentAs, violations));
        sim.Run();
        Assert.NotEmpty(violations);
    }

    [Fact(DisplayName = "An immutable record is shared as it is: the receiver gets the very object (no copy, no cost)")]
    public void ImmutableRecord_IsNotCopied()
    {
        var ping = new Support.Ping(3);
        object? got = null;
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        sim.AddNode("a", () => new Support.Scripted(onStart: c => c.Send(new NodeId(1), ping)));
        sim.AddNode("b", () => new Support.Scripted(onMessage: (_, _, m) => got = m));
        sim.Run();
        Assert.Same(ping, got);
    }

    [Fact(DisplayName = "The trace shows what was sent, not what the sender changed afterwards")]
    public void Trace_RecordsTheSnapshot()
    {
        var list = new List<int> { 1 };
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        sim.AddNode("a", () => new Support.Scripted(onStart: c =>
        {
            c.Send(new NodeId(1), list);
            list.Add(2);
        }));
        sim.AddNode("b", () => new Support.Receiver());
        sim.Run();
        var sent = (List<int>)sim.Trace.Events.Single(e => e.Kind == DistSim.Tracing.TraceEventKind.Send).Payload!;
        Assert.Equal([1], sent);
        Assert.Equal([1], (List<int>)sim.GetNode<Support.Receiver>(new NodeId(1)).Received.Single().Message);
    }
}
