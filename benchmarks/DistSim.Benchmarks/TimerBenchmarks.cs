using BenchmarkDotNet.Attributes;
using DistSim.Samples.Bench;

namespace DistSim.Benchmarks;

/// <summary>
/// The <c>bench</c> scenario's <c>timers</c> workload (<see cref="TimerWorkload"/>): K nodes each re-arming its timer
/// with an exponential delay, against its bare baseline (a priority queue and inline xoshiro256**), per event. Each
/// side is built in an iteration set-up and only its run is measured, as in the scenario.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class TimerBenchmarks
{
    private const int Events = 1_000_000;
    private Simulation? _simulation;
    private BareLoop? _bare;

    /// <summary>K, the number of nodes (timers in the queue).</summary>
    [Params(1, 1000, 100_000)]
    public int Nodes { get; set; }

    /// <summary>Builds the bare loop.</summary>
    [IterationSetup(Target = nameof(Bare))]
    public void SetupBare() => _bare = new TimerWorkload(Nodes, Events, seed: 1).CreateBare();

    /// <summary>Builds the simulation.</summary>
    [IterationSetup(Target = nameof(DistSim))]
    public void SetupDistSim() => _simulation = new TimerWorkload(Nodes, Events, seed: 1).Build();

    /// <summary>The baseline: a bare priority queue.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long Bare()
    {
        _bare!.Run();
        return _bare.Counts.EndTime;
    }

    /// <summary>The same work through DistSim: node start, timer events, trace fingerprint.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long DistSim() => _simulation!.Run().Events;
}
