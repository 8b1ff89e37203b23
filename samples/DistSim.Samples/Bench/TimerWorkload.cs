using DistSim.Random;
using DistSim.Timing;

namespace DistSim.Samples.Bench;

/// <summary>
/// The bench workload, shared by the <c>bench</c> scenario and the BenchmarkDotNet benchmarks: K nodes each
/// re-arming its timer with an exponential delay (mean 1 ms), E events in all; and the same work done by a
/// bare <see cref="PriorityQueue{TElement, TPriority}"/> loop, for the ratio.
/// </summary>
public static class TimerWorkload
{
    /// <summary>The re-arm delay: exponential with mean 1 ms.</summary>
    public static Delay RearmDelay { get; } = Delay.Exponential(TimeSpan.FromMilliseconds(1));

    /// <summary>Builds the simulation (not yet run): K timer nodes, trace recording off, event limit E.</summary>
    public static Simulation Build(int nodes, long events, ulong seed)
    {
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            EventLimit = events,
            TimeLimit = TimeSpan.MaxValue,
            RecordTrace = false,
        });
        for (int i = 0; i < nodes; i++)
        {
            simulation.AddNode("n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), () => new TimerLoopNode(RearmDelay));
        }

        return simulation;
    }

    /// <summary>
    /// The baseline: a bare priority queue of (time, sequence) keys, one entry per node, popping the earliest
    /// and pushing it back after an exponential delay drawn from that node's stream; E pops in all.
    /// Returns the final virtual time in ticks (so the work cannot be optimised away).
    /// </summary>
    /// <remarks>
    /// The loop runs in chunks of 4,096 pops so that, like the kernel's per-event methods, its body is
    /// called often enough for the JIT to tier it up with profile-guided optimisation; one long call
    /// would run on-stack-replacement code and flatter the kernel.
    /// </remarks>
    public static long BareLoop(int nodes, long events, ulong seed)
    {
        var queue = new PriorityQueue<int, BareKey>(nodes);
        var streams = new RandomStream[nodes];
        long seq = 0;
        for (int i = 0; i < nodes; i++)
        {
            streams[i] = StreamSeed.Create(seed, "node:n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            queue.Enqueue(i, new BareKey(RearmDelay.SampleTicks(streams[i]), seq++));
        }

        long now = 0;
        for (long done = 0; done < events; done += 4096)
        {
            now = BareChunk(queue, streams, ref seq, (int)Math.Min(4096, events - done));
        }

        return now;
    }

    private static long BareChunk(PriorityQueue<int, BareKey> queue, RandomStream[] streams, ref long seq, int count)
    {
        long now = 0;
        for (int e = 0; e < count; e++)
        {
            queue.TryDequeue(out int node, out BareKey key);
            now = key.Time;
            queue.Enqueue(node, new BareKey(now + RearmDelay.SampleTicks(streams[node]), seq++));
        }

        return now;
    }

    /// <summary>The baseline's key: (time, sequence) with a direct comparison, as cheap as a key can be.</summary>
    private readonly struct BareKey(long time, long sequence) : IComparable<BareKey>
    {
        public long Time { get; } = time;

        public long Sequence { get; } = sequence;

        public int CompareTo(BareKey other)
        {
            int c = Time.CompareTo(other.Time);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }
}
