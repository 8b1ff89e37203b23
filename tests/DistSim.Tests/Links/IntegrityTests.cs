using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Messages;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Security;
using DistSim.Tests.Support;
using DistSim.Timing;
using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Links;

/// <summary>
/// Integrity over the whole message: the authenticated link's MAC and the ideal signatures cover every
/// member a receiver can observe, so a tamper anywhere — a public field (what System.Text.Json skips), a
/// private field, a base class's field, a nested list element, the runtime type — is caught; and a message
/// that cannot be encoded faithfully is refused at Send.
/// </summary>
public class IntegrityTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>A message class with public fields, a private field, a base class and a nested list.</summary>
    public class Base
    {
        public int BaseField;
    }

    public sealed class Order : Base
    {
        public int Amount;
        public string Account = "";
        public List<int> Lines = [];
        private long _secret;

        public long Secret { get => _secret; set => _secret = value; }

        public Order Copy() => new() { BaseField = BaseField, Amount = Amount, Account = Account, Lines = [.. Lines], Secret = Secret };
    }

    /// <summary>The Order's derived "evil twin": same fields, a different runtime type.</summary>
    public sealed class Twin : Base
    {
        public int Amount;
    }

    /// <summary>Which member of an Order a tamper function changes (0: public field, 1: string field, 2: private field, 3: base field, 4: list element, 5: list length).</summary>
    private static Func<object, RandomStream, object?> TamperAt(int where) => (message, _) =>
    {
        if (message is not Order o)
        {
            return null;
        }

        Order t = o.Copy();
        switch (where)
        {
            case 0: t.Amount += 1; break;
            case 1: t.Account += "~"; break;
            case 2: t.Secret ^= 1; break;
            case 3: t.BaseField -= 1; break;
            case 4: t.Lines[0] += 1; break;
            default: t.Lines.Add(0); break;
        }

        return t;
    };

    private sealed class OrderSender(NodeId to, int count) : Node
    {
        public override void OnStart()
        {
            for (int i = 0; i < count; i++)
            {
                var order = new Order { Amount = i, Account = "acct", Lines = [i, 2 * i], BaseField = 7 };
                order.Secret = 1000 + i;
                Send(to, order);
            }
        }
    }

    private static DistSim.Simulation TamperRun(ILink link, int where, ulong seed, double tamper, int count = 50)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Link = link,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
            Adversary = new AdversaryOptions { TamperProbability = tamper, Tamper = TamperAt(where) },
        });
        sim.AddNode("A", () => new OrderSender(B, count));
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        return sim;
    }

    [Property(MaxTest = 30)]
    public bool AuthenticatedLink_TamperAnywhereInTheMessage_IsNeverAccepted(ulong seed, byte where)
    {
        DistSim.Simulation sim = TamperRun(global::DistSim.Links.Links.Authenticated(), where % 6, seed, tamper: 0.5);
        Receiver b = sim.GetNode<Receiver>(B);
        return sim.Attacks.TamperAttempts >= 10
            && sim.Attacks.TamperedAccepted == 0
            && b.Received.Count == 50 // every genuine order arrives, retransmitted past the tampered copies
            && b.Received.All(r => r.Message is Order o && o.Secret == 1000 + o.Amount && o.Lines.SequenceEqual([o.Amount, 2 * o.Amount]) && o.BaseField == 7);
    }

    [Theory(DisplayName = "The same tampers get through a link without MACs: the attack is real")]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void ReliableLink_WithoutMacs_AcceptsTheTamper(int where)
    {
        DistSim.Simulation sim = TamperRun(global::DistSim.Links.Links.Reliable(), where, 3, tamper: 1);
        Assert.Equal(50, sim.Attacks.TamperedAccepted);
    }

    [Fact(DisplayName = "Authenticated link: a forged packet whose message is another runtime type with the same fields is rejected")]
    public void AuthenticatedLink_RuntimeTypeIsCovered()
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 5,
            Link = global::DistSim.Links.Links.Authenticated(),
            Adversary = new AdversaryOptions { TamperProbability = 0.5, Tamper = (m, _) => m is Order o ? new Twin { Amount = o.Amount, BaseField = o.BaseField } : null },
        });
        sim.AddNode("A", () => new OrderSender(B, 20));
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        Assert.True(sim.Attacks.TamperAttempts >= 5);
        Assert.Equal(0, sim.Attacks.TamperedAccepted);
        Assert.Equal(20, sim.GetNode<Receiver>(B).Received.Count);
        Assert.All(sim.GetNode<Receiver>(B).Received, r => Assert.IsType<Order>(r.Message));
    }

    [Property(MaxTest = 20)]
    public bool Signatures_BreakOnAChangeAnywhere(byte where)
    {
        bool? original = null, changed = null;
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Scripted(onStart: c =>
        {
            var order = new Order { Amount = 4, Account = "x", Lines = [1, 2], BaseField = 3, Secret = 9 };
            Signature signature = c.Sign(order);
            original = c.Verify(order.Copy(), signature); // an equal, rebuilt message verifies
            changed = c.Verify(TamperAt(where % 6)(order, new RandomStream(1))!, signature);
        }));
        sim.Run();
        return original == true && changed == false;
    }

    /// <summary>Messages that cannot be encoded faithfully.</summary>
    public sealed class WithCallback
    {
        public Action? Callback;
    }

    public sealed class Node2
    {
        public Node2? Next;
    }

    public static TheoryData<string, string> Unsendable() => new()
    {
        { "delegate", "fair-loss" }, { "delegate", "reliable" }, { "delegate", "authenticated" },
        { "cycle", "fair-loss" }, { "cycle", "reliable" }, { "cycle", "authenticated" },
        { "cycle-no-isolation", "authenticated" },
    };

    [Theory(DisplayName = "A message that cannot be encoded faithfully is refused at Send, naming the type and the member")]
    [MemberData(nameof(Unsendable))]
    public void UnencodableMessage_IsRefusedAtSend(string shape, string linkName)
    {
        ILink link = linkName switch
        {
            "fair-loss" => global::DistSim.Links.Links.FairLoss,
            "reliable" => global::DistSim.Links.Links.Reliable(),
            _ => global::DistSim.Links.Links.Authenticated(),
        };
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Link = link, IsolateMessages = shape != "cycle-no-isolation" });
        sim.AddNode("A", () => new Scripted(onStart: c =>
        {
            object message;
            if (shape == "delegate")
            {
                message = new WithCallback { Callback = () => { } };
            }
            else
            {
                var n = new Node2();
                n.Next = new Node2 { Next = n };
                message = n;
            }

            c.Send(B, message);
        }));
        sim.AddNode("B", () => new Receiver());

        var ex = Assert.Throws<SimulationFailureException>(() => sim.Run());
        var refused = Assert.IsType<MessageEncodingException>(ex.InnerException);
        Assert.Equal("A", ex.NodeName);
        Assert.Contains(shape == "delegate" ? "Callback" : "Next", refused.MemberPath, StringComparison.Ordinal);
        Assert.Contains(shape == "delegate" ? nameof(WithCallback) : nameof(Node2), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == DistSim.Tracing.TraceEventKind.Deliver);
    }
}
