using DistSim.Diagnostics;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Security;
using DistSim.Tests.Examples;
using DistSim.Tests.Support;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

/// <summary>Byzantine behaviours and failure models written by users, through the public extension points.</summary>
public class CustomByzantineBehaviorTests
{
    private static readonly NodeId A = new(0), B = new(1), C = new(2);

    /// <summary>A (wrapped by <paramref name="behavior"/>, under <paramref name="model"/>) sends Ping(i) to B and C, ten times.</summary>
    private static DistSim.Simulation Broadcast(Func<ByzantineBehavior> behavior, FailureModel? model = null, int rounds = 10)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 3, ThrowOnNodeFault = false });
        Func<Node> honest = () => new Scripted(
            onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10), 0),
            onTimer: (c, s) =>
            {
                int i = (int)s!;
                c.Send(B, new Ping(i));
                c.Send(C, new Ping(i));
                if (i + 1 < rounds)
                {
                    c.SetTimer(TimeSpan.FromMilliseconds(10), i + 1);
                }
            });
        sim.AddNode("A", Byzantine.Wrap(honest, behavior), model ?? FailureModels.Byzantine);
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Receiver());
        sim.Run();
        return sim;
    }

    private static List<int> Seqs(DistSim.Simulation sim, NodeId node) => sim.GetNode<Receiver>(node).Received.Select(r => ((Ping)r.Message).Seq).ToList();

    private sealed class Acting(Action<ByzantineSendContext, NodeId, object> act) : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message) => act(context, to, message);
    }

    [Fact(DisplayName = "The doc's LieToOnePeer lies to its victim only, and traces every lie")]
    public void LieToOnePeer_LiesToTheVictimOnly()
    {
        DistSim.Simulation sim = Broadcast(() => new LieToOnePeer(B, (m, _) => m is Ping p ? new Ping(-p.Seq - 1) : null));

        Assert.Null(sim.Failure);
        Assert.Equal(Enumerable.Range(0, 10), Seqs(sim, C));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => -i - 1), Seqs(sim, B));
        List<TraceEvent> lies = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Byzantine).ToList();
        Assert.Equal(10, lies.Count);
        Assert.All(lies, e => Assert.Equal((A, (long)FaultKinds.Lie), (e.Node, e.TimerNumber)));
        Assert.Contains("told #1 Ping { Seq = -1 } instead of Ping { Seq = 0 }", (string)lies[0].Payload!, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<ByzantineSendContext, NodeId, object>, string> Unrecorded => new()
    {
        { "a changed message", (c, to, m) => c.Send(to, new Ping(99)), "sent Ping { Seq = 99 } to #1 where the honest code sent Ping { Seq = 0 } to #1" },
        { "another receiver", (c, to, m) => c.Send(to == B ? C : B, m), "where the honest code sent" },
        { "a second copy", (c, to, m) => { c.Send(to, m); c.Send(to, m); }, "a second time" },
        { "nothing", (c, to, m) => { }, "did not send Ping { Seq = 0 } to #1" },
        { "a forgery", (c, to, m) => c.SendForged(C, to, m), "forged Ping { Seq = 0 } to #1 as if from #2" },
    };

    [Theory(DisplayName = "A deviation made without recording it first is refused, and the run fails naming the behaviour")]
    [MemberData(nameof(Unrecorded))]
    public void AnUnrecordedDeviation_FailsTheRun(string what, Action<ByzantineSendContext, NodeId, object> act, string message)
    {
        DistSim.Simulation sim = Broadcast(() => new Acting(act));

        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(sim.Failure);
        var inner = Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Contains("Byzantine behaviour Acting on node A", inner.Message, StringComparison.Ordinal);
        Assert.Contains(message, inner.Message, StringComparison.Ordinal);
        Assert.Contains("without recording the deviation", inner.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Byzantine);
        _ = what;
    }

    [Fact]
    public void RecordedDeviations_AreAllowed_AndTraced()
    {
        DistSim.Simulation sim = Broadcast(() => new Acting((c, to, m) =>
        {
            Assert.False(c.HasRecordedFault);
            c.RecordFault(FaultKinds.Replay, "twice");
            Assert.True(c.HasRecordedFault);
            c.Send(to, m);
            c.Send(to, m);
        }));

        Assert.Null(sim.Failure);
        Assert.Equal(20, Seqs(sim, B).Count);
        Assert.Equal(20, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Byzantine));
    }

    [Fact]
    public void ADeviationOutsideTheNodesModel_FailsTheRun()
    {
        DistSim.Simulation sim = Broadcast(() => new LieToOnePeer(B, (m, _) => new Ping(-1)), FailureModels.CrashRecover());

        var inner = Assert.IsType<InvalidOperationException>(sim.Failure?.InnerException);
        Assert.Contains("does not allow Lie", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheContext_IsDeadOnceOnSendReturns()
    {
        ByzantineSendContext? kept = null;
        DistSim.Simulation sim = Broadcast(() => new Acting((c, to, m) =>
        {
            kept?.Send(to, m); // the previous call's context: refused
            kept = c;
            c.Send(to, m);
        }));

        var inner = Assert.IsType<InvalidOperationException>(sim.Failure?.InnerException);
        Assert.Contains("was used after the OnSend call it was given to had returned", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheContext_SignsOnlyAsTheNodeItself_AndOffersTheNodesView()
    {
        Signature? signature = null;
        bool? verifies = null;
        DistSim.Simulation sim = Broadcast(
            () => new Acting((c, to, m) =>
            {
                signature ??= c.Sign(m);
                verifies ??= c.Verify(m, signature);
                Assert.Equal((A, "A", 1, 3), (c.Id, c.Name, c.Incarnation, c.Nodes.Count));
                c.Send(to, m);
            }),
            rounds: 1);

        Assert.Null(sim.Failure);
        Assert.Equal(A, signature!.Signer);
        Assert.True(verifies);
    }

    [Fact(DisplayName = "Wrap with a factory: a behaviour with state gets a new object per incarnation")]
    public void WrapWithAFactory_MakesABehaviourPerIncarnation()
    {
        int made = 0;
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1 });
        NodeId a = sim.AddNode("A", Byzantine.Wrap(() => new Receiver(), () =>
        {
            made++;
            return ByzantineBehavior.Silent();
        }), FailureModels.Byzantine);
        sim.Run();
        sim.Crash(a);
        sim.Restart(a);
        sim.Run();

        Assert.Equal(2, made);
        var sim2 = new DistSim.Simulation(new SimulationOptions { Seed = 1 });
        sim2.AddNode("A", Byzantine.Wrap(() => new Receiver(), () => null!), FailureModels.Byzantine);
        Assert.Contains("returned null", Assert.Throws<SimulationFailureException>(() => sim2.Run()).InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailureModelOfTheUsersMaking_IsHonouredByTheSimulation()
    {
        // snippet: crashing-liar
        var crashingLiar = new FailureModel("crashing-liar", FaultKinds.Stop | FaultKinds.Lie);
        // end snippet
        DistSim.Simulation sim = Broadcast(() => new LieToOnePeer(B, (m, _) => new Ping(-1)), crashingLiar);

        Assert.Null(sim.Failure);
        Assert.True(sim.Crash(A));
        Assert.Throws<InvalidOperationException>(() => sim.Restart(A));
        Assert.Equal("crashing-liar {Stop, Lie}", crashingLiar.ToString());
    }

    [Theory]
    [InlineData("", FaultKinds.Stop, "name")]
    [InlineData("x", (FaultKinds)(1 << 20), "allowed")]
    [InlineData("x", FaultKinds.Restart, "allowed")]
    public void AFailureModel_RefusesBadArguments_NamingThem(string name, FaultKinds allowed, string parameter) =>
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(() => new FailureModel(name, allowed)).ParamName);
}
