using BenchmarkDotNet.Attributes;
using DistSim.Samples.Bench;

namespace DistSim.Benchmarks;

/// <summary>
/// The <c>bench</c> scenario's message workloads (<see cref="MessageWorkload"/>) at K = 1,000 on each link, against
/// their bare baselines (<see cref="BareFairLoss"/>, <see cref="BareReliable"/>), per delivery. Each side is built in
/// an iteration set-up and only its run is measured, as in the scenario.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public abstract class MessageBenchmarks
{
    /// <summary>D, deliveries per run.</summary>
    protected const int Deliveries = 50_000;

    private Simulation? _simulation;
    private BareLoop? _bare;

    /// <summary>The link.</summary>
    [ParamsAllValues]
    public BenchLink Link { get; set; }

    /// <summary>K, the number of nodes.</summary>
    [Params(1000)]
    public int Nodes { get; set; }

    /// <summary>True for random peers, false for the ring.</summary>
    protected abstract bool AllToAll { get; }

    /// <summary>Builds the bare loop.</summary>
    [IterationSetup(Target = nameof(Bare))]
    public void SetupBare() => _bare = Workload().CreateBare();

    /// <summary>Builds the simulation.</summary>
    [IterationSetup(Target = nameof(DistSim))]
    public void SetupDistSim() => _simulation = Workload().Build();

    /// <summary>The baseline: a bare priority queue, with a minimal reliable (and authenticated) link by hand.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Deliveries)]
    public long Bare()
    {
        _bare!.Run();
        return _bare.Counts.Deliveries;
    }

    /// <summary>The same work through DistSim's whole message pipeline.</summary>
    [Benchmark(OperationsPerInvoke = Deliveries)]
    public long DistSim()
    {
        _simulation!.Run();
        return _simulation.Messages.Delivered;
    }

    private MessageWorkload Workload() => new(AllToAll, Link, Nodes, Deliveries, seed: 1);
}

/// <summary>Ring: node i sends to node i+1 mod K.</summary>
public class RingBenchmarks : MessageBenchmarks
{
    /// <inheritdoc />
    protected override bool AllToAll => false;
}

/// <summary>All-to-all: each delivery is followed by a send to a random peer (up to K² per-pair states).</summary>
public class AllToAllBenchmarks : MessageBenchmarks
{
    /// <inheritdoc />
    protected override bool AllToAll => true;
}
