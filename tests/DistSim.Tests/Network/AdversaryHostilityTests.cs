using DistSim.Diagnostics;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;

namespace DistSim.Tests.Network;

/// <summary>The adversary's functions are user code too: they see copies, and their failures fail the run with seed and time.</summary>
public class AdversaryHostilityTests
{
    public sealed record Bag(List<int> Items);

    public sealed record Envelope(string Kind, object Body);

    public sealed record Checked
    {
        public Checked(int value) => Value = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));

        public int Value { get; }
    }

    private static Simulation Run(object message, Func<object, DistSim.Random.RandomStream, object?>? tamper, global::DistSim.Links.ILink? link = null)
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = 2,
            ThrowOnNodeFault = false,
            Link = link ?? global::DistSim.Links.Links.FairLoss,
            Adversary = tamper is null ? new AdversaryOptions { TamperProbability = 1 } : new AdversaryOptions { TamperProbability = 1, Tamper = tamper },
        });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), message)));
        sim.AddNode("b", () => new Receiver());
        sim.Run();
        return sim;
    }

    [Fact(DisplayName = "A tamper function that changes its argument in place changes nothing the sender or the trace holds")]
    public void InPlaceTamper_TouchesOnlyACopy()
    {
        Simulation sim = Run(new Bag([1]), (m, _) =>
        {
            ((Bag)m).Items.Add(666);
            return m;
        });
        var sent = (Bag)sim.Trace.Events.Single(e => e.Kind == DistSim.Tracing.TraceEventKind.Send).Payload!;
        Assert.Equal([1], sent.Items);
        Assert.Equal(1, sim.Attacks.TamperedAccepted);
        Assert.Equal([1, 666], ((Bag)sim.GetNode<Receiver>(new NodeId(1)).Received.Single().Message).Items);
    }

    [Fact(DisplayName = "The default tamper on a message with an object field neither crashes nor escapes: it leaves what it cannot change")]
    public void DefaultTamper_OnObjectField_DoesNotCrash()
    {
        Simulation sim = Run(new Envelope("k", new Bag([1])), tamper: null);
        Assert.Null(sim.Failure);
        Assert.Single(sim.GetNode<Receiver>(new NodeId(1)).Received);
    }

    [Fact(DisplayName = "The default tamper on a record whose constructor validates leaves it alone instead of failing the sender")]
    public void DefaultTamper_ValidatingConstructor_IsSkippedOrApplied()
    {
        Simulation sim = Run(new Checked(0), tamper: null);
        Assert.Null(sim.Failure);
    }

    [Fact(DisplayName = "A tamper function that throws on a retransmission fails the run with seed and time, not a raw exception")]
    public void ThrowingTamper_OnRetransmission_FailsTheRun()
    {
        int calls = 0;
        var sim = new Simulation(new SimulationOptions
        {
            Seed = 2,
            ThrowOnNodeFault = false,
            Link = global::DistSim.Links.Links.Reliable(),
            Network = new global::DistSim.Links.FairLossLinkOptions { LossProbability = 1 },
            Adversary = new AdversaryOptions { TamperProbability = 1, Tamper = (m, _) => ++calls > 1 ? throw new FormatException("tamper boom") : null },
        });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Ping(1))));
        sim.AddNode("b", () => new Receiver());
        RunResult result = sim.Run();
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        SimulationFailureException failure = result.Failure!;
        Assert.Contains("AdversaryOptions.Tamper threw", failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("link timer", failure.EventDescription, StringComparison.Ordinal);
        Assert.StartsWith("seed=2 ", failure.Message, StringComparison.Ordinal);
    }
}
