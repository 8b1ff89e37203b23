using BenchmarkDotNet.Attributes;
using DistSim.Nodes;

namespace DistSim.Benchmarks;

/// <summary>
/// What messages-as-values costs per delivery: a ring of nodes passing a message on, with
/// <see cref="SimulationOptions.IsolateMessages"/> on (a snapshot at Send, a copy per delivery) and off, for
/// an immutable record (shared as is) and a mutable message (a list and a dictionary, copied).
/// </summary>
[MemoryDiagnoser]
public class MessageIsolationBenchmarks
{
    private const int Deliveries = 200_000;

    /// <summary>Whether messages are isolated.</summary>
    [Params(true, false)]
    public bool Isolate { get; set; }

    /// <summary>Whether the message is mutable (copied) or an immutable record (shared).</summary>
    [Params(false, true)]
    public bool Mutable { get; set; }

    /// <summary>One run of <c>Deliveries</c> deliveries around a ring of 100 nodes.</summary>
    [Benchmark(OperationsPerInvoke = Deliveries)]
    public long Ring()
    {
        var sim = new Simulation(new SimulationOptions { Seed = 1, RecordTrace = false, IsolateMessages = Isolate });
        const int nodes = 100;
        for (int i = 0; i < nodes; i++)
        {
            var next = new NodeId((i + 1) % nodes);
            bool starter = i == 0;
            sim.AddNode("n" + i, () => new Passer(next, starter, Mutable, Deliveries));
        }

        sim.Run();
        return sim.Messages.Delivered;
    }

    /// <summary>An immutable message.</summary>
    public sealed record Token(int Hops, long Sum);

    /// <summary>A mutable message.</summary>
    public sealed class Bag
    {
        /// <summary>Hops so far.</summary>
        public int Hops;

        /// <summary>Some items.</summary>
        public List<int> Items = [1, 2, 3, 4, 5, 6, 7, 8];

        /// <summary>A small map.</summary>
        public Dictionary<string, int> Map = new() { ["k"] = 1 };
    }

    private sealed class Passer(NodeId next, bool starter, bool mutable, int limit) : Node
    {
        public override void OnStart()
        {
            if (starter)
            {
                Send(next, mutable ? new Bag() : new Token(0, 0));
            }
        }

        public override void OnMessage(NodeId from, object message)
        {
            switch (message)
            {
                case Token t when t.Hops < limit:
                    Send(next, t with { Hops = t.Hops + 1 });
                    break;
                case Bag b when b.Hops < limit:
                    b.Hops++;
                    Send(next, b);
                    break;
            }
        }
    }
}
