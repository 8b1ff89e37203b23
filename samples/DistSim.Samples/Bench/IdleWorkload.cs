using DistSim.Nodes;

namespace DistSim.Samples.Bench;

/// <summary>
/// The <c>idle</c> workload: K nodes that start and do nothing. Its figure is managed memory per idle node (the rate
/// is nodes started per second by <see cref="Simulation.Run"/>: K start events).
/// </summary>
/// <param name="nodes">K.</param>
/// <param name="seed">The master seed.</param>
public sealed class IdleWorkload(int nodes, ulong seed) : BenchWorkload(nodes, nodes, seed)
{
    /// <inheritdoc />
    public override string Name => "idle";

    /// <inheritdoc />
    public override string Unit => "nodes";

    /// <inheritdoc />
    public override bool MeasuresMemory => true;

    /// <inheritdoc />
    public override Simulation Build()
    {
        var simulation = new Simulation(Options(Seed));
        for (int i = 0; i < Nodes; i++)
        {
            simulation.AddNode(NodeName(i), static () => new IdleNode());
        }

        return simulation;
    }

    /// <inheritdoc />
    public override void Check(Simulation simulation, RunResult result)
    {
        Require("start events", Count, result.Outcome == RunOutcome.Quiescent ? result.Events : -1, result);
    }

    /// <inheritdoc />
    public override BareLoop CreateBare() => new BareIdle(Nodes, Seed);

    /// <summary>A node that does nothing.</summary>
    private sealed class IdleNode : Node
    {
    }

    /// <summary>
    /// The baseline: what a hand-written loop keeps per node, an inline xoshiro256** (32 bytes) in an array, and a
    /// queue into which it pushes and from which it pops one start entry per node.
    /// </summary>
    private sealed class BareIdle(int nodes, ulong seed) : BareLoop
    {
        private readonly PriorityQueue<int, BareKey> _queue = new(nodes);
        private BareRandom[]? _random;

        public override void Run()
        {
            _random = TimerWorkload.CreateRandom(nodes, seed);
            for (int i = 0; i < nodes; i++)
            {
                _queue.Enqueue(i, new BareKey(0, i));
            }

            Counts.Pushes = nodes;
            while (_queue.TryDequeue(out _, out _))
            {
                Counts.Pops++;
            }

            GC.KeepAlive(_random);
        }
    }
}
