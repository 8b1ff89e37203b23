using DistSim.Failures;
using DistSim.Messages;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tracing;
using Xunit;

namespace DistSim.Testing.Contracts;

/// <summary>
/// The contract every <see cref="ByzantineBehavior"/> must keep, as xunit tests a test class inherits: derive from it,
/// override <see cref="CreateBehavior"/>, and the tests run for your behaviour.
/// <code>
/// public sealed class LieToOnePeerContract : ByzantineBehaviorContract
/// {
///     protected override ByzantineBehavior CreateBehavior() => new LieToOnePeer(victim: new NodeId(1));
/// }
/// </code>
/// </summary>
/// <remarks>
/// <para>The runs: four nodes gossip signed claims (each signs a claim per round and sends it to every other node,
/// every 20 ms for <see cref="Rounds"/> rounds, and checks every signature it receives); the last node runs the same
/// code wrapped by the behaviour (<see cref="Byzantine.Wrap(Func{Node}, Func{ByzantineBehavior})"/>: a behaviour per
/// incarnation) under <see cref="FailureModel"/>, for each of <see cref="Seeds"/>.</para>
/// <para>What it checks: the same seed gives the same trace; every deviation is traced — wherever the Byzantine node's
/// sends differ from what its honest code asked (another message, another receiver, a copy more or less, a forgery),
/// a <c>byzantine</c> event of that node marks the same instant, and no other node has one; no honest node ever sees a
/// signature verify for a claim its signer did not sign; the messages between honest nodes all arrive; runs end
/// quiescent without failure and the message counters agree with the trace; and the behaviour's deviations are
/// refused — the run fails — when the node's failure model does not allow them. The built-in behaviours are held to
/// the same contract in DistSim's own tests. See <c>docs/guides/custom-models.md</c>.</para>
/// </remarks>
public abstract class ByzantineBehaviorContract
{
    /// <summary>Makes the behaviour under test; called for every incarnation of the Byzantine node in every run.</summary>
    protected abstract ByzantineBehavior CreateBehavior();

    /// <summary>The Byzantine node's failure model. Default <see cref="FailureModels.Byzantine"/>.</summary>
    protected virtual FailureModel FailureModel => FailureModels.Byzantine;

    /// <summary>The seeds of the runs. Default 1 to 5.</summary>
    protected virtual IReadOnlyList<ulong> Seeds => [1, 2, 3, 4, 5];

    /// <summary>Rounds of gossip per run. Default 30.</summary>
    protected virtual int Rounds => 30;

    /// <summary>The same seed gives the same trace.</summary>
    [Fact]
    public void SameSeed_SameTrace()
    {
        foreach (ulong seed in Seeds)
        {
            ulong a = Run(seed).Sim.Trace.Fingerprint;
            ulong b = Run(seed).Sim.Trace.Fingerprint;
            Assert.True(a == b, $"seed {seed}: two runs gave different traces (does the behaviour draw from anything but context.Random, or share state between runs?)");
        }
    }

    /// <summary>Wherever the Byzantine node's sends differ from its honest code's, a <c>byzantine</c> event of that node marks the instant.</summary>
    [Fact]
    public void EveryDeviation_IsTraced()
    {
        foreach (ulong seed in Seeds)
        {
            (Simulation sim, GossipLog log) = Run(seed);
            Assert.True(sim.Failure is null, $"seed {seed}: the run failed: {sim.Failure?.Message}");
            Assert.All(sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Byzantine), e =>
                Assert.True(e.Node == GossipRun.Byzantine, $"seed {seed}: a byzantine event of an honest node: {sim.Trace.Describe(e)}"));

            var asked = log.Asked.Where(a => a.From == GossipRun.Byzantine).ToLookup(a => a.At, a => Key(a.To, a.Message));
            var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && e.Node == GossipRun.Byzantine).ToLookup(e => e.Time, e => Key(e.Peer!.Value, e.Payload!));
            var forged = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Forged).Select(e => e.Time).ToHashSet();
            var marked = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Byzantine).Select(e => e.Time).ToHashSet();
            foreach (SimTime t in asked.Select(g => g.Key).Concat(sent.Select(g => g.Key)).Concat(forged).Distinct())
            {
                bool honest = !forged.Contains(t) && asked[t].Order(StringComparer.Ordinal).SequenceEqual(sent[t].Order(StringComparer.Ordinal));
                Assert.True(honest || marked.Contains(t), $"seed {seed}: at {t} the Byzantine node's sends differ from what its honest code asked, and no byzantine event marks it");
            }
        }
    }

    /// <summary>No honest node sees a signature verify for a claim its signer did not sign.</summary>
    [Fact]
    public void NoForgedSignature_EverVerifies()
    {
        foreach (ulong seed in Seeds)
        {
            (Simulation sim, GossipLog log) = Run(seed);
            var signed = log.Signed.Select(s => (s.Signer, s.Claim)).ToHashSet();
            var verified = log.Received.Where(r => r.Node != GossipRun.Byzantine && r.Verified).ToList();
            Assert.NotEmpty(verified); // honest claims arrive and verify: the check below has something to check
            foreach (GossipLog.Receipt r in verified)
            {
                var rumor = (ContractRumor)r.Message;
                Assert.True(
                    signed.Contains((rumor.Signature.Signer, rumor.Claim)),
                    $"seed {seed}: node {r.Node} verified {rumor.Claim} as signed by {rumor.Signature.Signer}, which never signed it");
            }
        }
    }

    /// <summary>Runs end quiescent without failure, the counters agree with the trace, and every message between honest nodes arrives.</summary>
    [Fact]
    public void Runs_KeepTheSimulationsInvariants()
    {
        foreach (ulong seed in Seeds)
        {
            (Simulation sim, GossipLog log) = Run(seed);
            Assert.True(sim.Failure is null, $"seed {seed}: the run failed: {sim.Failure?.Message}");
            Assert.Equal(0, sim.PendingEvents);
            Assert.Equal(0, sim.Messages.InFlight);
            Assert.Equal(Count(sim, TraceEventKind.Send), sim.Messages.Sent);
            Assert.Equal(Count(sim, TraceEventKind.Deliver), sim.Messages.Delivered);
            Assert.Equal(Count(sim, TraceEventKind.Drop), sim.Messages.Dropped);
            Assert.Equal(sim.Messages.Packets, sim.Messages.Delivered + sim.Messages.Dropped); // a lossless, non-duplicating link: every packet arrived or was dropped

            var received = log.Received.Select(r => (r.Node, r.From, Message: Key(r.Node, r.Message))).ToList();
            foreach (GossipLog.Ask ask in log.Asked.Where(a => a.From != GossipRun.Byzantine && a.To != GossipRun.Byzantine))
            {
                Assert.True(
                    received.Contains((ask.To, ask.From, Key(ask.To, ask.Message))),
                    $"seed {seed}: {ask.Message} from honest node {ask.From} to honest node {ask.To} never arrived");
            }
        }
    }

    /// <summary>Under a failure model that allows no Byzantine fault, the behaviour's deviations fail the run; without deviations it runs clean.</summary>
    [Fact]
    public void Deviations_AreRefused_OutsideAByzantineModel()
    {
        foreach (ulong seed in Seeds)
        {
            bool deviated = Run(seed).Sim.Trace.Events.Any(e => e.Kind == TraceEventKind.Byzantine);
            Simulation correct = GossipRun.Run(seed, Create, FailureModels.CrashRecover(), Rounds).Sim;
            if (deviated)
            {
                Assert.True(correct.Failure is not null, $"seed {seed}: the behaviour deviated under the Byzantine model, but ran clean under crash-recover");
                Assert.IsType<InvalidOperationException>(correct.Failure.InnerException);
            }
            else
            {
                Assert.True(correct.Failure is null, $"seed {seed}: the behaviour never deviated, yet the run failed under crash-recover: {correct.Failure?.Message}");
            }
        }
    }

    private ByzantineBehavior Create() => CreateBehavior() ?? throw new InvalidOperationException($"{GetType().Name}.CreateBehavior returned null");

    private (Simulation Sim, GossipLog Log) Run(ulong seed) => GossipRun.Run(seed, Create, FailureModel, Rounds);

    private static long Count(Simulation sim, TraceEventKind kind) => sim.Trace.Events.Count(e => e.Kind == kind);

    /// <summary>A send as a comparable key: the receiver, the message's type and its canonical encoding (byte arrays by content).</summary>
    private static string Key(NodeId to, object message) =>
        $"{to.Value}:{message.GetType().FullName}:{Convert.ToHexString(MessageCodec.Encode(message))}";
}
