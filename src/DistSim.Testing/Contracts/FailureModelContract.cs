using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Tracing;
using Xunit;

namespace DistSim.Testing.Contracts;

/// <summary>
/// The contract every <see cref="FailureModel"/> keeps with the simulation, as xunit tests a test class inherits:
/// derive from it, override <see cref="CreateModel"/>, and the tests run for your model.
/// <code>
/// public sealed class LossyByzantineContract : FailureModelContract
/// {
///     protected override FailureModel CreateModel() => FailureModels.Byzantine with { SendOmissionProbability = 0.1 };
/// }
/// </code>
/// </summary>
/// <remarks>
/// What it checks: the model is valid, named, and a subset of itself and of the Byzantine model; every fault it allows
/// can be injected (crash, restart, a recorded Byzantine deviation) and every fault it does not allow is refused; an
/// omission probability is refused where the model does not allow omissions; the simulation drops the node's packets
/// at the model's omission rates (within a 99.9 % Clopper–Pearson interval, <see cref="Rates.AssertWithin"/>); and the
/// same seed gives the same trace. The built-in models are held to the same contract in DistSim's own tests. See
/// <c>docs/concepts/failures.md</c>.
/// </remarks>
public abstract class FailureModelContract
{
    private static readonly FaultKinds[] Deviations =
        [FaultKinds.Lie, FaultKinds.Forge, FaultKinds.Equivocate, FaultKinds.Tamper, FaultKinds.Replay, FaultKinds.Silence];

    /// <summary>Makes the model under test.</summary>
    protected abstract FailureModel CreateModel();

    /// <summary>The seeds of the runs. Default 1 to 3.</summary>
    protected virtual IReadOnlyList<ulong> Seeds => [1, 2, 3];

    /// <summary>Packets sent each way in the omission runs. Default 4,000.</summary>
    protected virtual int Packets => 4_000;

    /// <summary>The model validates, has a name, and is a subset of itself and of the Byzantine model.</summary>
    [Fact]
    public void Model_IsValid_AndWithinTheChain()
    {
        FailureModel model = Create();
        model.Validate();
        Assert.False(string.IsNullOrWhiteSpace(model.Name), "the model's Name is empty");
        Assert.True(model.IsSubsetOf(model));
        Assert.True(model.IsSubsetOf(FailureModels.Byzantine), $"{model} allows behaviours beyond the Byzantine model's");
        Assert.True(FailureModels.None.IsSubsetOf(model));
        Assert.Contains(model.Name, model.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Crash and restart are accepted exactly when the model allows Stop and Restart.</summary>
    [Fact]
    public void CrashAndRestart_AreAcceptedExactlyWhenAllowed()
    {
        FailureModel model = Create();
        Simulation sim = Pair(model, 1, packets: 0);
        sim.Run();
        NodeId subject = new(0);
        if (model.Allows(FaultKinds.Stop))
        {
            Assert.True(sim.Crash(subject));
            Assert.False(sim.IsUp(subject));
            if (model.Allows(FaultKinds.Restart))
            {
                Assert.True(sim.Restart(subject));
                sim.Run();
                Assert.True(sim.IsUp(subject));
                Assert.Equal(2, sim.IncarnationOf(subject));
            }
            else
            {
                Assert.Throws<InvalidOperationException>(() => sim.Restart(subject));
            }
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => sim.Crash(subject));
            Assert.Throws<InvalidOperationException>(() => sim.Restart(subject));
            Assert.True(sim.IsUp(subject));
        }
    }

    /// <summary>A Byzantine deviation the node records is traced when the model allows it, and fails the run otherwise.</summary>
    [Fact]
    public void RecordedDeviations_AreTracedExactlyWhenAllowed()
    {
        FailureModel model = Create();
        foreach (FaultKinds kind in Deviations)
        {
            var sim = new Simulation(new SimulationOptions { Seed = 1, ThrowOnNodeFault = false });
            sim.AddNode("subject", () => new Deviant(kind), model);
            sim.Run();
            if (model.Allows(kind))
            {
                Assert.True(sim.Failure is null, $"{kind}: {sim.Failure?.Message}");
                Assert.Single(sim.Trace.Events, e => e.Kind == TraceEventKind.Byzantine && e.TimerNumber == (long)kind);
            }
            else
            {
                Assert.True(sim.Failure is not null, $"{model} does not allow {kind}, yet the node recorded it without failing the run");
                Assert.IsType<InvalidOperationException>(sim.Failure.InnerException);
                Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Byzantine);
            }
        }
    }

    /// <summary>An omission probability is accepted exactly when the model allows that omission.</summary>
    [Fact]
    public void OmissionProbabilities_AreAcceptedExactlyWhenAllowed()
    {
        FailureModel model = Create();
        FailureModel sends = model with { SendOmissionProbability = 0.5 };
        FailureModel receives = model with { ReceiveOmissionProbability = 0.5 };
        if (model.Allows(FaultKinds.DropSend))
        {
            sends.Validate();
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(sends.Validate);
        }

        if (model.Allows(FaultKinds.DropReceive))
        {
            receives.Validate();
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(receives.Validate);
        }
    }

    /// <summary>The node's packets are dropped at the model's omission rates, and the same seed gives the same trace.</summary>
    [Fact]
    public void Omissions_HappenAtTheModelsRates_AndRepeatPerSeed()
    {
        FailureModel model = Create();
        foreach (ulong seed in Seeds)
        {
            Simulation sim = Pair(model, seed, Packets);
            RunResult result = sim.Run();
            Assert.True(sim.Failure is null, $"seed {seed}: {sim.Failure?.Message}");
            Assert.Equal(result.Fingerprint, Pair(model, seed, Packets).Run().Fingerprint);
            long sendDrops = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.SendOmission);
            long receiveDrops = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.ReceiveOmission);
            Assert.All(sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.SendOmission), e => Assert.Equal(new NodeId(0), e.Node));
            Assert.All(sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.ReceiveOmission), e => Assert.Equal(new NodeId(0), e.Peer));
            Rates.AssertWithin(sendDrops, Packets, model.SendOmissionProbability, 0.999);
            Rates.AssertWithin(receiveDrops, Packets, model.ReceiveOmissionProbability, 0.999);
        }
    }

    private FailureModel Create() => CreateModel() ?? throw new InvalidOperationException($"{GetType().Name}.CreateModel returned null");

    /// <summary>The subject (node 0, under the model) and a correct peer send each other <paramref name="packets"/> pings, 1 ms apart.</summary>
    private static Simulation Pair(FailureModel model, ulong seed, int packets)
    {
        var sim = new Simulation(new SimulationOptions { Seed = seed, ThrowOnNodeFault = false });
        sim.AddNode("subject", () => new Pinger(new NodeId(1), packets), model);
        sim.AddNode("peer", () => new Pinger(new NodeId(0), packets));
        return sim;
    }

    private sealed class Pinger(NodeId peer, int count) : Node
    {
        public override void OnStart()
        {
            if (count > 0)
            {
                SetTimer(TimeSpan.FromMilliseconds(1), 0);
            }
        }

        public override void OnTimer(TimerId timer, object? state)
        {
            int i = (int)state!;
            Send(peer, new ContractPing(Id.Value, i));
            if (i + 1 < count)
            {
                SetTimer(TimeSpan.FromMilliseconds(1), i + 1);
            }
        }
    }

    private sealed class Deviant(FaultKinds kind) : Node
    {
        public override void OnStart() => Context.RecordFault(kind, $"contract: records {kind}");
    }
}
