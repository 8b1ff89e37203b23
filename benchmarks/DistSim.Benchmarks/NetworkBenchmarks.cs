using BenchmarkDotNet.Attributes;
using DistSim.Nodes;

namespace DistSim.Benchmarks;

/// <summary>Fair-loss deliveries: K nodes in a ring, each passing a token to its next node (the pair table on the hot path).</summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private const int Deliveries = 500_000;

    /// <summary>K, the number of nodes (and of tokens in flight).</summary>
    [Params(1000)]
    public int Nodes { get; set; }

    /// <summary>One run of <c>Deliveries</c> deliveries.</summary>
    [Benchmark(OperationsPerInvoke = Deliveries)]
    public long FairLossRing()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 1, RecordTrace = false, EventLimit = Deliveries + Nodes });
        for (int i = 0; i < Nodes; i++)
        {
            var next = new NodeId((i + 1) % Nodes);
            sim.AddNode("n" + i, () => new Relay(next));
        }

        sim.Run();
        return sim.Messages.Delivered;
    }

    /// <summary>A token.</summary>
    public sealed record Token(int Hops);

    private sealed class Relay(NodeId next) : Node
    {
        public override void OnStart() => Send(next, new Token(0));

        public override void OnMessage(NodeId from, object message) => Send(next, new Token(((Token)message).Hops + 1));
    }
}
