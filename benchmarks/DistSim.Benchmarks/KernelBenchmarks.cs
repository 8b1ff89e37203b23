using BenchmarkDotNet.Attributes;
using DistSim.Samples.Bench;

namespace DistSim.Benchmarks;

/// <summary>
/// The kernel's hot path (schedule, pop, dispatch a timer, re-arm) against a bare
/// <see cref="PriorityQueue{TElement, TPriority}"/> loop doing the same work, in one run, so the ratio is
/// measured on the same machine at the same moment. The workload is the <c>bench</c> scenario's
/// (<see cref="TimerWorkload"/>): K nodes each re-arming its timer with an exponential delay.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const long Events = 1_000_000;

    /// <summary>K, the number of nodes (timers in the queue).</summary>
    [Params(1000)]
    public int Nodes { get; set; }

    /// <summary>The baseline: a bare priority queue.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = (int)Events)]
    public long BarePriorityQueue() => TimerWorkload.BareLoop(Nodes, Events, seed: 1);

    /// <summary>The same work through DistSim: node start, timer events, trace fingerprint.</summary>
    [Benchmark(OperationsPerInvoke = (int)Events)]
    public long DistSimKernel() => TimerWorkload.Build(Nodes, Events, seed: 1).Run().Events;
}
