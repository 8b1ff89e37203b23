using System.Globalization;

namespace DistSim.Samples.Bench;

/// <summary>
/// One workload of the <c>bench</c> scenario and of the BenchmarkDotNet benchmarks: how to build it in DistSim, how
/// to check that a run did exactly the requested work, and its bare baseline. Both sides are built untimed; only
/// <see cref="Simulation.Run"/> and <see cref="BareLoop.Run"/> are measured.
/// </summary>
/// <remarks>See <c>docs/samples/bench.md</c> for what each workload and each baseline does.</remarks>
public abstract class BenchWorkload
{
    /// <summary>The mean of every delay in every workload (timer re-arm, packet delay): 1 ms.</summary>
    public static readonly TimeSpan MeanDelay = TimeSpan.FromMilliseconds(1);

    /// <summary>Sets the fields every workload has.</summary>
    /// <param name="nodes">K, the number of nodes (at least 1).</param>
    /// <param name="count">The work of one run, in <see cref="Unit"/> (at least 1).</param>
    /// <param name="seed">The master seed.</param>
    protected BenchWorkload(int nodes, long count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Nodes = nodes;
        Count = count;
        Seed = seed;
    }

    /// <summary>The workload's name on the command line: <c>timers</c>, <c>ring</c>, <c>all-to-all</c>, <c>idle</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The link's name (<c>fair-loss</c>, <c>reliable</c>, <c>authenticated</c>), or null when the workload sends no message.</summary>
    public virtual string? LinkName => null;

    /// <summary>What a rate counts: <c>events</c>, <c>deliveries</c> or <c>nodes</c> (started).</summary>
    public abstract string Unit { get; }

    /// <summary>K, the number of nodes.</summary>
    public int Nodes { get; }

    /// <summary>The work of one run, in <see cref="Unit"/>.</summary>
    public long Count { get; }

    /// <summary>The master seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether the bench reports managed memory per node (the <c>idle</c> workload).</summary>
    public virtual bool MeasuresMemory => false;

    /// <summary>Builds the DistSim side, not yet run: the nodes are added, trace recording is off, everything else is default.</summary>
    public abstract Simulation Build();

    /// <summary>
    /// Throws an <see cref="InvalidOperationException"/> unless the run did exactly the requested work (the
    /// outcome, and the events or deliveries counted equal to <see cref="Count"/>).
    /// </summary>
    /// <param name="simulation">The simulation after its run.</param>
    /// <param name="result">What its run returned.</param>
    public abstract void Check(Simulation simulation, RunResult result);

    /// <summary>Builds the bare baseline, not yet run.</summary>
    public abstract BareLoop CreateBare();

    /// <summary>The name of node <paramref name="i"/>: <c>n0</c>, <c>n1</c>, …</summary>
    /// <param name="i">The node's index.</param>
    public static string NodeName(int i) => "n" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>The options of every DistSim side: the seed, trace recording off, no time limit; the rest default.</summary>
    /// <param name="seed">The master seed.</param>
    public static SimulationOptions Options(ulong seed) => new()
    {
        Seed = seed,
        RecordTrace = false,
        TimeLimit = TimeSpan.MaxValue,
        EventLimit = long.MaxValue,
    };

    /// <summary>Throws the <see cref="InvalidOperationException"/> of <see cref="Check"/> unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="what">What was counted, e.g. <c>deliveries</c>.</param>
    /// <param name="expected">The requested count.</param>
    /// <param name="actual">The count of the run.</param>
    /// <param name="result">The run's result, for the message.</param>
    protected void Require(string what, long expected, long actual, RunResult result)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException(Invariant(
                $"bench {Name}: the DistSim run did {actual} {what}, not the {expected} requested (outcome {result.Outcome}, {result.Events} events, seed {Seed}); its rate would be wrong"));
        }
    }
}
