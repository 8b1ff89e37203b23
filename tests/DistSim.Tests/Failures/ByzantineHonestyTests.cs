using DistSim.Diagnostics;
using DistSim.Failures;
using DistSim.Messages;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Tracing;

namespace DistSim.Tests.Failures;

/// <summary>
/// What counts as the honest send of a <see cref="ByzantineBehavior"/>: a message the receiver cannot tell from the one
/// the honest code sent (equal canonical encodings), whatever the behaviour did to the object it was given and however
/// loose the message type's <c>Equals</c>. Anything else without a recorded fault is refused.
/// </summary>
public class ByzantineHonestyTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>A sends <paramref name="message"/>() to B once, at start, through <paramref name="behavior"/>.</summary>
    private static (DistSim.Simulation Sim, List<object> Sent) Once(Func<object> message, Action<ByzantineSendContext, NodeId, object> behavior)
    {
        var sent = new List<object>();
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 7, ThrowOnNodeFault = false });
        Func<Node> honest = () => new Scripted(onStart: c =>
        {
            object m = message();
            sent.Add(m);
            c.Send(B, m);
        });
        sim.AddNode("A", Byzantine.Wrap(honest, () => new Acting(behavior)), FailureModels.Byzantine);
        sim.AddNode("B", () => new Receiver());
        sim.Run();
        return (sim, sent);
    }

    private static List<object> Received(DistSim.Simulation sim) => [.. sim.GetNode<Receiver>(B).Received.Select(r => r.Message)];

    private static void AssertRefusedUnrecorded(DistSim.Simulation sim)
    {
        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(sim.Failure);
        var inner = Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Contains("Byzantine behaviour Acting on node A", inner.Message, StringComparison.Ordinal);
        Assert.Contains("without recording the deviation", inner.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Byzantine);
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind is TraceEventKind.Send or TraceEventKind.Deliver); // the run stops at the refusal
    }

    private sealed class Acting(Action<ByzantineSendContext, NodeId, object> act) : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message) => act(context, to, message);
    }

    /// <summary>Equal by <see cref="Id"/> only: a changed <see cref="Payload"/> still compares equal.</summary>
    private sealed class Loose(int id, int payload)
    {
        public int Id { get; } = id;

        public int Payload { get; set; } = payload;

        public override bool Equals(object? obj) => obj is Loose other && other.Id == Id;

        public override int GetHashCode() => Id;

        public override string ToString() => $"Loose({Id}, {Payload})";
    }

    [Fact(DisplayName = "A behaviour that changes its message in place and sends it, without recording it, is refused")]
    public void ChangingTheGivenMessageInPlace_WithoutRecording_IsRefused()
    {
        (DistSim.Simulation sim, _) = Once(() => new[] { 1, 2, 3 }, (c, to, m) =>
        {
            ((int[])m)[0] = 666;
            c.Send(to, m);
        });

        AssertRefusedUnrecorded(sim);
        Assert.Contains("where the honest code sent", sim.Failure!.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A message type with a loose Equals does not let a changed message pass as honest")]
    public void ALooseEquals_DoesNotMakeAChangedMessageHonest()
    {
        (DistSim.Simulation replaced, _) = Once(() => new Loose(1, 10), (c, to, m) => c.Send(to, new Loose(1, 999)));
        AssertRefusedUnrecorded(replaced);

        (DistSim.Simulation mutated, _) = Once(() => new Loose(1, 10), (c, to, m) =>
        {
            ((Loose)m).Payload = 999;
            c.Send(to, m);
        });
        AssertRefusedUnrecorded(mutated);
    }

    [Fact(DisplayName = "The same change, recorded first, is sent and traced; the honest code's object is untouched")]
    public void TheSameChange_RecordedFirst_IsSentAndTraced()
    {
        (DistSim.Simulation sim, List<object> sent) = Once(() => new[] { 1, 2, 3 }, (c, to, m) =>
        {
            c.RecordFault(FaultKinds.Tamper, "first element 666");
            ((int[])m)[0] = 666;
            c.Send(to, m);
        });

        Assert.Null(sim.Failure);
        Assert.Equal([666, 2, 3], Assert.IsType<int[]>(Assert.Single(Received(sim))));
        Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Byzantine);
        Assert.Equal([1, 2, 3], Assert.IsType<int[]>(Assert.Single(sent)));
    }

    [Fact(DisplayName = "A message the receiver cannot tell from the honest one is the honest send, even as another object")]
    public void AnIndistinguishableMessage_IsTheHonestSend()
    {
        (DistSim.Simulation rebuilt, _) = Once(() => new[] { 1, 2, 3 }, (c, to, m) => c.Send(to, new[] { 1, 2, 3 }));
        Assert.Null(rebuilt.Failure);
        Assert.Equal([1, 2, 3], Assert.IsType<int[]>(Assert.Single(Received(rebuilt))));

        // Changed and changed back before sending: what is sent is what the honest code sent.
        (DistSim.Simulation restored, _) = Once(() => new Loose(1, 10), (c, to, m) =>
        {
            ((Loose)m).Payload = 11;
            ((Loose)m).Payload = 10;
            c.Send(to, m);
        });
        Assert.Null(restored.Failure);
        Assert.Equal(10, Assert.IsType<Loose>(Assert.Single(Received(restored))).Payload);
        Assert.DoesNotContain(restored.Trace.Events, e => e.Kind == TraceEventKind.Byzantine);
    }

    [Fact(DisplayName = "A behaviour gets its own copy of a mutable message, and the very object of a deeply immutable one")]
    public void TheBehaviour_GetsACopyOfAMutableMessage_AndAnImmutableOneAsIs()
    {
        object? given = null;
        (DistSim.Simulation mutable, List<object> sentMutable) = Once(() => new[] { 1, 2, 3 }, (c, to, m) =>
        {
            given = m;
            c.Send(to, m);
        });
        Assert.Null(mutable.Failure);
        Assert.NotSame(sentMutable[0], given);

        Assert.True(MessageCopier.IsDeeplyImmutable(typeof(Ping)));
        (DistSim.Simulation immutable, List<object> sentImmutable) = Once(() => new Ping(5), (c, to, m) =>
        {
            given = m;
            c.Send(to, m);
        });
        Assert.Null(immutable.Failure);
        Assert.Same(sentImmutable[0], given);
    }
}
