using DistSim.Timing;

namespace DistSim.Samples.Bench;

/// <summary>
/// The <c>timers</c> workload: K nodes, each re-arming its own timer with an exponential delay (mean 1 ms) drawn from
/// its own stream; E events in all (the K start events included), asked for as the event limit.
/// </summary>
/// <param name="nodes">K.</param>
/// <param name="events">E.</param>
/// <param name="seed">The master seed.</param>
public sealed class TimerWorkload(int nodes, long events, ulong seed) : BenchWorkload(nodes, events, seed)
{
    /// <summary>The re-arm delay: exponential with mean 1 ms.</summary>
    public static Delay RearmDelay { get; } = Delay.Exponential(MeanDelay);

    /// <inheritdoc />
    public override string Name => "timers";

    /// <inheritdoc />
    public override string Unit => "events";

    /// <inheritdoc />
    public override Simulation Build()
    {
        var simulation = new Simulation(Options(Seed) with { EventLimit = Count });
        for (int i = 0; i < Nodes; i++)
        {
            simulation.AddNode(NodeName(i), () => new TimerLoopNode(RearmDelay));
        }

        return simulation;
    }

    /// <inheritdoc />
    public override void Check(Simulation simulation, RunResult result)
    {
        Require("events", Count, result.Outcome == RunOutcome.EventLimit ? result.Events : -1, result);
    }

    /// <inheritdoc />
    public override BareLoop CreateBare() => new BareTimers(Nodes, Count, Seed);

    /// <summary>
    /// The baseline: a <see cref="PriorityQueue{TElement, TPriority}"/> of nodes keyed by (time, sequence). It
    /// pushes one start entry per node at time 0, then pops E entries; after each pop it pushes the same node back
    /// after −ln(u)·1 ms (rounded to ticks) drawn from that node's inline xoshiro256**. One pop and one push per
    /// event, as DistSim's start and timer events each pop an event and set a timer.
    /// </summary>
    private sealed class BareTimers(int nodes, long events, ulong seed) : BareLoop
    {
        private readonly PriorityQueue<int, BareKey> _queue = new(nodes);
        private readonly BareRandom[] _random = CreateRandom(nodes, seed);
        private readonly double _mean = MeanDelay.Ticks;
        private long _sequence;

        public override void Run()
        {
            for (int i = 0; i < nodes; i++)
            {
                _queue.Enqueue(i, new BareKey(0, _sequence++));
            }

            long left = events;
            while (left > 0)
            {
                int n = (int)Math.Min(ChunkSize, left);
                Chunk(n);
                left -= n;
            }

            Counts.Pops = events;
            Counts.Pushes = nodes + events;
        }

        private void Chunk(int count)
        {
            PriorityQueue<int, BareKey> queue = _queue;
            BareRandom[] random = _random;
            long now = 0;
            for (int e = 0; e < count; e++)
            {
                queue.TryDequeue(out int node, out BareKey key);
                now = key.Time;
                queue.Enqueue(node, new BareKey(now + random[node].ExponentialTicks(_mean), _sequence++));
            }

            Counts.EndTime = now;
        }
    }

    /// <summary>One inline xoshiro256** generator per node.</summary>
    /// <param name="nodes">K.</param>
    /// <param name="seed">The master seed.</param>
    internal static BareRandom[] CreateRandom(int nodes, ulong seed)
    {
        var random = new BareRandom[nodes];
        for (int i = 0; i < nodes; i++)
        {
            random[i] = new BareRandom(seed, i);
        }

        return random;
    }
}
