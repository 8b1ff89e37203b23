using System.Globalization;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Security;
using DistSim.Time;

namespace DistSim.Testing.Contracts;

/// <summary>A claim a node signs: its value for a round.</summary>
/// <param name="Origin">The node index that made the claim.</param>
/// <param name="Round">The round.</param>
/// <param name="Value">The value, drawn from the node's stream.</param>
internal sealed record ContractClaim(int Origin, int Round, long Value);

/// <summary>A signed claim on the wire.</summary>
/// <param name="Claim">The claim.</param>
/// <param name="Signature">Its signature.</param>
internal sealed record ContractRumor(ContractClaim Claim, Signature Signature);

/// <summary>
/// The Byzantine contract's workload: <see cref="NodeCount"/> nodes; each signs a claim per round and sends it to every
/// other node, every 20 ms for a given number of rounds; every node checks the signatures it receives. The last node
/// runs the same code wrapped by the behaviour under test. A <see cref="GossipLog"/> per run records what the honest code
/// of every node asked to send, what each node signed, and what each node received and whether it verified.
/// </summary>
internal static class GossipRun
{
    public const int NodeCount = 4;

    public static readonly NodeId Byzantine = new(NodeCount - 1);

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static (Simulation Sim, GossipLog Log) Run(ulong seed, Func<ByzantineBehavior> behavior, FailureModel model, int rounds)
    {
        var sim = new Simulation(new SimulationOptions { Seed = seed, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromDays(30) });
        var log = new GossipLog();
        for (int i = 0; i < NodeCount; i++)
        {
            Func<Node> speaker = () => new Speaker(log, rounds);
            bool byzantine = i == Byzantine.Value;
            sim.AddNode(
                (byzantine ? "byzantine" : "honest") + i.ToString(CultureInfo.InvariantCulture),
                byzantine ? global::DistSim.Failures.Byzantine.Wrap(speaker, behavior) : speaker,
                byzantine ? model : FailureModels.None);
        }

        sim.Run();
        return (sim, log);
    }

    /// <summary>The honest code of every node (the Byzantine node's runs behind its behaviour).</summary>
    private sealed class Speaker(GossipLog log, int rounds) : Node
    {
        public override void OnStart() => SetTimer(Interval, 0);

        public override void OnTimer(TimerId timer, object? state)
        {
            int round = (int)state!;
            var claim = new ContractClaim(Id.Value, round, (long)Random.NextBelow(1_000));
            Signature signature = Context.Sign(claim);
            log.Signed.Add((Id, claim));
            foreach (NodeId peer in Context.Nodes)
            {
                if (peer != Id)
                {
                    var rumor = new ContractRumor(claim, signature);
                    log.Asked.Add(new GossipLog.Ask(Id, peer, LocalNow, rumor)); // the contract runs under the default timing: local time is true time
                    Send(peer, rumor);
                }
            }

            if (round + 1 < rounds)
            {
                SetTimer(Interval, round + 1);
            }
        }

        public override void OnMessage(NodeId from, object message) =>
            log.Received.Add(new GossipLog.Receipt(Id, from, message, message is ContractRumor r && r.Signature is not null && Context.Verify(r.Claim, r.Signature)));
    }
}

/// <summary>What the nodes of one <see cref="GossipRun"/> did (one log per run: never shared between runs).</summary>
internal sealed class GossipLog
{
    /// <summary>Every send the honest code asked for, in order.</summary>
    public List<Ask> Asked { get; } = [];

    /// <summary>Every claim each node signed.</summary>
    public List<(NodeId Signer, ContractClaim Claim)> Signed { get; } = [];

    /// <summary>Every message each node received, and whether its signature verified.</summary>
    public List<Receipt> Received { get; } = [];

    /// <summary>A send asked for by a node's honest code.</summary>
    /// <param name="From">The node.</param>
    /// <param name="To">The receiver.</param>
    /// <param name="At">When.</param>
    /// <param name="Message">What.</param>
    public sealed record Ask(NodeId From, NodeId To, SimTime At, object Message);

    /// <summary>A message a node received.</summary>
    /// <param name="Node">The receiver.</param>
    /// <param name="From">The sender as the link reports it.</param>
    /// <param name="Message">What arrived.</param>
    /// <param name="Verified">Whether it was a rumor whose signature verified.</param>
    public sealed record Receipt(NodeId Node, NodeId From, object Message, bool Verified);
}
