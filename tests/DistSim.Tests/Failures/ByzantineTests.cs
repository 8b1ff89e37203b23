using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Security;
using DistSim.Tests.Support;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

public class ByzantineTests
{
    private static readonly NodeId A = new(0), B = new(1), C = new(2);

    /// <summary>A, possibly Byzantine, sends Ping(i) to B and C every 10 ms, 50 times.</summary>
    private static DistSim.Simulation Broadcast(ByzantineBehavior? behavior, ILink? link = null)
    {
        DistSim.Simulation sim = Sims.Create(5, link: link);
        Func<Node> honest = () => new Scripted(
            onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10), 0),
            onTimer: (c, s) =>
            {
                int i = (int)s!;
                c.Send(B, new Ping(i));
                c.Send(C, new Ping(i));
                if (i < 49)
                {
                    c.SetTimer(TimeSpan.FromMilliseconds(10), i + 1);
                }
            });
        sim.AddNode("A", behavior is null ? honest : Byzantine.Wrap(honest, behavior), FailureModels.Byzantine);
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());
        sim.Run();
        return sim;
    }

    private static List<int> Seqs(DistSim.Simulation sim, NodeId node) => sim.GetNode<Receiver>(node).Received.Select(r => ((Ping)r.Message).Seq).ToList();

    [Fact]
    public void Tamper_MutatesEveryMessage_AndTracesIt()
    {
        DistSim.Simulation sim = Broadcast(ByzantineBehavior.Tamper());

        Assert.NotEqual(Enumerable.Range(0, 50), Seqs(sim, B));
        Assert.Equal(100, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Byzantine && e.TimerNumber == (long)FaultKinds.Tamper));
    }

    [Fact]
    public void Equivocate_TellsDifferentPeersDifferentThings()
    {
        DistSim.Simulation sim = Broadcast(ByzantineBehavior.Equivocate());

        Assert.Equal(Enumerable.Range(0, 50), Seqs(sim, C)); // C (id 2, even) hears the truth
        Assert.NotEqual(Seqs(sim, C), Seqs(sim, B)); // B (id 1, odd) hears something else
        Assert.Equal(50, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Byzantine && e.TimerNumber == (long)FaultKinds.Equivocate));
    }

    [Fact]
    public void Replay_SendsOldMessagesAgain()
    {
        DistSim.Simulation sim = Broadcast(ByzantineBehavior.Replay(0.5));

        List<int> b = Seqs(sim, B);
        Assert.True(b.Count > 50 && b.Distinct().Count() == 50, $"{b.Count} received");
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Byzantine && e.TimerNumber == (long)FaultKinds.Replay);
    }

    [Fact]
    public void Silent_SendsNothing_ButKeepsRunning()
    {
        DistSim.Simulation sim = Broadcast(ByzantineBehavior.Silent());

        Assert.Empty(Seqs(sim, B));
        Assert.Equal(50, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.TimerFired && e.Node == A));
    }

    [Fact(DisplayName = "Forging the sender works on a plain link and fails on the authenticated link")]
    public void Forge_OnlyWithoutAuthentication()
    {
        DistSim.Simulation plain = Broadcast(ByzantineBehavior.Forge());
        Assert.All(plain.GetNode<Receiver>(B).Received, r => Assert.Equal(C, r.From)); // B believes C sent them
        Assert.Equal(50, plain.GetNode<Receiver>(B).Received.Count);

        DistSim.Simulation authenticated = Broadcast(ByzantineBehavior.Forge(), global::DistSim.Links.Links.Authenticated());
        Assert.Empty(authenticated.GetNode<Receiver>(B).Received);
        Assert.Empty(authenticated.GetNode<Receiver>(C).Received);
        Assert.Equal(100, authenticated.Trace.Events.Count(e => e.Kind == TraceEventKind.Rejected));
    }

    [Fact]
    public void RandomMix_IsAFunctionOfTheSeed_AndUsesSeveralBehaviours()
    {
        DistSim.Simulation a = Broadcast(ByzantineBehavior.RandomMix());
        DistSim.Simulation b = Broadcast(ByzantineBehavior.RandomMix());

        Assert.Equal(a.Trace.Fingerprint, b.Trace.Fingerprint);
        var kinds = a.Trace.Events.Where(e => e.Kind == TraceEventKind.Byzantine).Select(e => e.TimerNumber).ToHashSet();
        Assert.True(kinds.Count >= 3, string.Join(",", kinds));
    }

    [Fact]
    public void Signatures_VerifyForTheSigner_AndCannotBeMadeForAnotherNode()
    {
        Signature? byB = null;
        bool? valid = null, tamperedValid = null, forgedValid = null;
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Scripted(onStart: c =>
        {
            Signature own = c.Sign(new Ping(1));
            Assert.Equal(c.Id, own.Signer); // a node can only sign as itself
            forgedValid = c.Verify(new Ping(1), own with { Signer = B }); // relabelling its own signature as B's
        }), FailureModels.Byzantine);
        sim.AddNode("B", () => new Scripted(onStart: c => byB = c.Sign(new Ping(7))));
        sim.AddNode("C", () => new Scripted(onTimer: (c, _) =>
        {
            valid = c.Verify(new Ping(7), byB);
            tamperedValid = c.Verify(new Ping(8), byB);
        }, onStart: c => c.SetTimer(TimeSpan.FromSeconds(1))));
        sim.Run();

        Assert.True(valid);
        Assert.False(tamperedValid);
        Assert.False(forgedValid);
    }

    [Fact]
    public void RecordFault_IsRefusedOutsideTheModel()
    {
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("honest", () => new Scripted(onStart: c => c.RecordFault(FaultKinds.Lie, "I lied")));
        var ex = Assert.Throws<DistSim.Diagnostics.SimulationFailureException>(() => sim.Run());
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }
}
