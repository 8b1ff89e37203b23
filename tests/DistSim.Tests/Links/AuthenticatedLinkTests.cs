using System.Security.Cryptography;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Links;

public class AuthenticatedLinkTests
{
    private static readonly NodeId A = new(0), B = new(1);

    private static readonly AdversaryOptions Attack = new() { TamperProbability = 0.3, ForgeProbability = 0.3, ReplayProbability = 0.3 };

    /// <summary>A sends <paramref name="count"/> pings to B (and C listens) under the adversary.</summary>
    private static (DistSim.Simulation Sim, Receiver B) Attacked(ILink link, int count, bool record = true, double loss = 0)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 21,
            RecordTrace = record,
            TraceLimit = int.MaxValue,
            EventLimit = 100_000_000,
            Network = new FairLossLinkOptions { LossProbability = loss, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(30)) },
            Link = link,
            Adversary = Attack,
        });
        sim.AddNode("A", () => new Sender(B, count, TimeSpan.FromMilliseconds(1)));
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());
        sim.Run();
        return (sim, sim.GetNode<Receiver>(B));
    }

    [Fact(DisplayName = "Authenticated link: over 100,000 attacks, nothing tampered, forged or replayed reaches a node")]
    public void HundredThousandAttacks_NoneAccepted()
    {
        // A sends faster than its link delivers under these attacks: most of the run waits in the backlog.
        ILink link = global::DistSim.Links.Links.Authenticated(new ReliableLinkOptions { BacklogLimit = 115_000 });
        (DistSim.Simulation sim, Receiver b) = Attacked(link, 115_000, record: false);

        AttackCounters attacks = sim.Attacks;
        Assert.True(attacks.Attempts >= 100_000, $"only {attacks.Attempts} attempts");
        Assert.True(attacks.TamperAttempts > 30_000 && attacks.ForgeAttempts > 30_000 && attacks.ReplayAttempts > 30_000);
        Assert.Equal(0, attacks.Accepted);
        // Integrity, authenticity and no replay, checked from what B itself received:
        Assert.Equal(Enumerable.Range(0, 115_000), b.Received.Select(r => ((Ping)r.Message).Seq).Order());
        Assert.All(b.Received, r => Assert.Equal(A, r.From));
        Assert.Empty(sim.GetNode<Receiver>(new NodeId(2)).Received);
        LinkCounters counters = sim.Network.Session(A, B).Counters;
        Assert.True(counters.Rejected > 60_000, $"{counters.Rejected} rejected"); // every tampered and forged packet
        Assert.True(counters.DuplicatesSuppressed > 0); // replays of delivered packets
    }

    [Fact]
    public void SameAttacks_OnAFairLossLink_GetThrough()
    {
        (DistSim.Simulation sim, Receiver b) = Attacked(global::DistSim.Links.Links.FairLoss, 3000);

        AttackCounters attacks = sim.Attacks;
        Assert.True(attacks.TamperedAccepted > 100, $"{attacks.TamperedAccepted}");
        Assert.True(attacks.ForgedAccepted > 100, $"{attacks.ForgedAccepted}");
        Assert.True(attacks.ReplayedAccepted > 100, $"{attacks.ReplayedAccepted}");
        // The trace shows them arriving:
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Deliver && e.Mark.HasFlag(PacketMark.Tampered));
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Deliver && e.Mark.HasFlag(PacketMark.Forged));
        Assert.True(b.Received.Count > 3000); // replays and forgeries on top of the genuine messages
        Assert.Contains(b.Received.Concat(sim.GetNode<Receiver>(new NodeId(2)).Received), r => r.Message is Ping p && p.Seq >= 3000);
    }

    [Fact]
    public void SameAttacks_OnAReliableLinkWithoutMacs_TamperAndForgeGetThrough_ReplaysDoNot()
    {
        (DistSim.Simulation sim, _) = Attacked(global::DistSim.Links.Links.Reliable(), 3000);

        Assert.True(sim.Attacks.TamperedAccepted > 100);
        Assert.True(sim.Attacks.ForgedAccepted > 0);
        Assert.Equal(0, sim.Attacks.ReplayedAccepted); // sequence numbers stop replays, not forgeries
    }

    [Fact]
    public void AttackCounters_MatchTheTrace()
    {
        (DistSim.Simulation sim, _) = Attacked(global::DistSim.Links.Links.Authenticated(), 2000);

        Assert.Equal(sim.Attacks.TamperAttempts, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Tampered));
        Assert.Equal(sim.Attacks.ForgeAttempts, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Forged));
        Assert.Equal(sim.Attacks.ReplayAttempts, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Replayed));
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Deliver && (e.Mark & (PacketMark.Tampered | PacketMark.Forged)) != 0);
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Rejected && e.Mark.HasFlag(PacketMark.Forged));
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Rejected && e.Mark.HasFlag(PacketMark.Tampered));
    }

    [Fact]
    public void WithLoss_AuthenticatedLink_StillDeliversExactlyOnce_AndRejectsAttacks()
    {
        (DistSim.Simulation sim, Receiver b) = Attacked(global::DistSim.Links.Links.Authenticated(), 2000, loss: 0.3);

        Assert.Equal(Enumerable.Range(0, 2000), b.Received.Select(r => ((Ping)r.Message).Seq).Order());
        Assert.Equal(0, sim.Attacks.Accepted);
        Assert.True(sim.Network.Session(A, B).Counters.Retransmitted > 0);
    }

    [Fact]
    public void Mac_IsHmacSha256OverTheCanonicalEncoding_WithAPerPairKey()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 5, Link = global::DistSim.Links.Links.Authenticated() });
        sim.AddNode("A", () => new Sender(B, 1));
        sim.AddNode("B", () => new Sender(A, 1));
        sim.Run();

        // Recompute the MACs independently: the key from its documented stream, the bytes from the canonical encoding.
        byte[] keyAb = Key(5, "key:A->B");
        byte[] keyBa = Key(5, "key:B->A");
        Assert.NotEqual(keyAb, keyBa);
        var data = new DataFrame(1, 1, 1, new Ping(0));
        byte[] mac = HMACSHA256.HashData(keyAb, CanonicalEncoding.Encode(0, 1, data));
        TraceEvent ack = sim.Trace.Events.First(e => e.Kind == TraceEventKind.AckSent && e.Node == B);
        var ackFrame = Assert.IsType<AuthenticatedFrame>(ack.Payload);
        Assert.Equal(HMACSHA256.HashData(keyAb, CanonicalEncoding.Encode(0, 1, ackFrame.Frame)), ackFrame.Mac);
        Assert.NotEqual(mac, ackFrame.Mac);
        Assert.NotEqual(CanonicalEncoding.Encode(0, 1, data), CanonicalEncoding.Encode(1, 0, data)); // the ends are bound in
        Assert.NotEqual(CanonicalEncoding.Encode(0, 1, data), CanonicalEncoding.Encode(0, 1, data with { ReceiverIncarnation = 2 })); // and the incarnations
        Assert.NotEqual(CanonicalEncoding.Encode(0, 1, data), CanonicalEncoding.Encode(0, 1, data with { SenderIncarnation = 2 }));
        Assert.Equal(1 + 1, sim.Network.Session(A, B).Counters.Handshakes + sim.Network.Session(B, A).Counters.Handshakes);
    }

    private static byte[] Key(ulong seed, string name)
    {
        var stream = DistSim.Random.StreamSeed.Create(seed, name);
        var key = new byte[32];
        for (int i = 0; i < 4; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(key.AsSpan(i * 8), stream.NextUInt64());
        }

        return key;
    }

    [Fact]
    public void Tampering_ChangesOneFieldOfARecord()
    {
        var stream = new DistSim.Random.RandomStream(1);
        var original = new Ping(5);
        var tampered = Assert.IsType<Ping>(MessageTampering.ChangeOneField(original, stream));
        Assert.NotEqual(original, tampered);
        Assert.Equal("token~", MessageTampering.ChangeOneField("token", stream));
        Assert.Null(MessageTampering.ChangeOneField(new object(), stream));
    }

    [Theory]
    [InlineData("TamperProbability")]
    [InlineData("ForgeProbability")]
    [InlineData("ReplayProbability")]
    [InlineData("ReplayMemory")]
    public void InvalidAdversary_IsRejectedNamingTheOption(string parameter)
    {
        AdversaryOptions bad = parameter switch
        {
            "TamperProbability" => new() { TamperProbability = 2 },
            "ForgeProbability" => new() { ForgeProbability = -1 },
            "ReplayProbability" => new() { ReplayProbability = double.NaN },
            _ => new() { ReplayMemory = 0 },
        };
        var ex = Assert.ThrowsAny<ArgumentException>(() => new DistSim.Simulation(new SimulationOptions { Seed = 1, Adversary = bad }));
        Assert.Equal(parameter, ex.ParamName);
    }
}
