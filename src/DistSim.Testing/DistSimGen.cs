using DistSim.Nodes;
using DistSim.Time;
using FsCheck;
using FsCheck.Fluent;

namespace DistSim.Testing;

/// <summary>Which faults <see cref="DistSimGen.FaultPlans"/> may draw.</summary>
[Flags]
public enum FaultPlanKinds
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Crash and restart after a downtime (the nodes' failure model must allow Stop and Restart).</summary>
    CrashRestart = 1,

    /// <summary>Crash for good (the nodes' failure model must allow Stop).</summary>
    CrashStop = 2,

    /// <summary>Pause (any node).</summary>
    Pause = 4,

    /// <summary>Isolate a node, then heal.</summary>
    Isolate = 8,

    /// <summary>Cut one direction between two nodes, then heal.</summary>
    Cut = 16,

    /// <summary>Crash-recover faults and network faults, no crash-stop: every node comes back.</summary>
    Recoverable = CrashRestart | Pause | Isolate | Cut,
}

/// <summary>FsCheck generators for simulation tests: seeds, and fault plans that shrink to the faults that matter.</summary>
/// <example><code>
/// [Property]
/// public Property SurvivesAnyRecoverableFaults() => Prop.ForAll(
///     DistSimGen.SeedArbitrary(),
///     DistSimGen.FaultPlanArbitrary(nodes: 3, horizon: TimeSpan.FromSeconds(10)),
///     (seed, plan) => MyCluster.Run(seed, plan).Failure is null);
/// </code></example>
public static class DistSimGen
{
    /// <summary>Seeds drawn uniformly from the whole 64-bit range (FsCheck's own <c>ulong</c> draws small numbers when the size is small).</summary>
    public static Gen<ulong> Seeds { get; } =
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        select ((ulong)(uint)high << 32) | (uint)low;

    /// <summary>Seeds that do not shrink: a smaller seed is not a simpler run, only another one.</summary>
    public static Arbitrary<ulong> SeedArbitrary() => Seeds.ToArbitrary();

    /// <summary>
    /// Fault plans over nodes 0 … <paramref name="nodes"/> − 1: up to <paramref name="maxFaults"/> faults, each starting
    /// within <paramref name="horizon"/> and lasting up to <paramref name="maxDuration"/> (default a tenth of the horizon),
    /// on a millisecond grid.
    /// </summary>
    /// <param name="nodes">How many nodes, at least 1 (2 for cuts).</param>
    /// <param name="horizon">The last instant a fault may start; more than zero.</param>
    /// <param name="kinds">Which faults; at least one.</param>
    /// <param name="maxFaults">At most this many faults, at least 0.</param>
    /// <param name="maxDuration">The longest downtime, pause or partition; more than zero.</param>
    public static Gen<FaultPlan> FaultPlans(int nodes, TimeSpan horizon, FaultPlanKinds kinds = FaultPlanKinds.Recoverable, int maxFaults = 6, TimeSpan? maxDuration = null)
    {
        TimeSpan longest = Validate(nodes, horizon, kinds, maxFaults, maxDuration);
        PlannedFaultKind[] allowed = Allowed(kinds, nodes);
        int horizonMs = (int)Math.Min(int.MaxValue, (long)horizon.TotalMilliseconds);
        int longestMs = (int)Math.Clamp((long)longest.TotalMilliseconds, 1, int.MaxValue);
        Gen<PlannedFault> fault =
            from kind in Gen.Elements(allowed)
            from at in Gen.Choose(0, horizonMs)
            from node in Gen.Choose(0, nodes - 1)
            from duration in Gen.Choose(1, longestMs)
            from offset in Gen.Choose(1, Math.Max(1, nodes - 1))
            select new PlannedFault(
                kind,
                SimTime.FromStart(TimeSpan.FromMilliseconds(at)),
                new NodeId(node),
                kind == PlannedFaultKind.Crash ? TimeSpan.Zero : TimeSpan.FromMilliseconds(duration),
                kind == PlannedFaultKind.Cut ? new NodeId((node + offset) % nodes) : null);
        return from count in Gen.Choose(0, maxFaults)
               from faults in Gen.ArrayOf(fault, count)
               select new FaultPlan([.. faults.OrderBy(f => f.At).ThenBy(f => f.Node.Value)]);
    }

    /// <summary>
    /// <see cref="FaultPlans"/> with shrinking: a failing plan shrinks by dropping faults, then by halving durations, then by
    /// moving faults earlier — towards the few faults, briefly, that still break the property.
    /// </summary>
    /// <param name="nodes">How many nodes, at least 1 (2 for cuts).</param>
    /// <param name="horizon">The last instant a fault may start; more than zero.</param>
    /// <param name="kinds">Which faults; at least one.</param>
    /// <param name="maxFaults">At most this many faults, at least 0.</param>
    /// <param name="maxDuration">The longest downtime, pause or partition; more than zero.</param>
    public static Arbitrary<FaultPlan> FaultPlanArbitrary(int nodes, TimeSpan horizon, FaultPlanKinds kinds = FaultPlanKinds.Recoverable, int maxFaults = 6, TimeSpan? maxDuration = null) =>
        Arb.From(FaultPlans(nodes, horizon, kinds, maxFaults, maxDuration), Shrink);

    /// <summary>Simpler plans than <paramref name="plan"/>: one fault fewer, one fault shorter, one fault earlier.</summary>
    /// <param name="plan">A plan.</param>
    public static IEnumerable<FaultPlan> Shrink(FaultPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        IReadOnlyList<PlannedFault> faults = plan.Faults;
        for (int i = 0; i < faults.Count; i++)
        {
            yield return new FaultPlan([.. faults.Take(i), .. faults.Skip(i + 1)]);
        }

        for (int i = 0; i < faults.Count; i++)
        {
            TimeSpan half = TimeSpan.FromMilliseconds(Math.Floor(faults[i].Duration.TotalMilliseconds / 2));
            if (faults[i].Duration > TimeSpan.FromMilliseconds(1) && half >= TimeSpan.FromMilliseconds(1))
            {
                yield return With(faults, i, faults[i] with { Duration = half });
            }
        }

        for (int i = 0; i < faults.Count; i++)
        {
            long earlierMs = (long)Math.Floor(faults[i].At.SinceStart.TotalMilliseconds / 2);
            SimTime earlier = SimTime.FromStart(TimeSpan.FromMilliseconds(earlierMs));
            if (earlier < faults[i].At)
            {
                yield return With(faults, i, faults[i] with { At = earlier });
            }
        }
    }

    private static FaultPlan With(IReadOnlyList<PlannedFault> faults, int i, PlannedFault replacement)
    {
        PlannedFault[] copy = [.. faults];
        copy[i] = replacement;
        return new FaultPlan([.. copy.OrderBy(f => f.At).ThenBy(f => f.Node.Value)]);
    }

    private static TimeSpan Validate(int nodes, TimeSpan horizon, FaultPlanKinds kinds, int maxFaults, TimeSpan? maxDuration)
    {
        if (nodes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "must be >= 1");
        }

        if (horizon <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "must be > 0");
        }

        if (kinds == FaultPlanKinds.None || (kinds & ~(FaultPlanKinds.Recoverable | FaultPlanKinds.CrashStop)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kinds), kinds, "must name at least one fault kind, and only known ones");
        }

        if (kinds == FaultPlanKinds.Cut && nodes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "cuts need at least 2 nodes");
        }

        if (maxFaults < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFaults), maxFaults, "must be >= 0");
        }

        TimeSpan longest = maxDuration ?? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, horizon.Ticks / 10));
        if (longest < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxDuration), maxDuration, "must be >= 1 ms (plans use a millisecond grid)");
        }

        return longest;
    }

    private static PlannedFaultKind[] Allowed(FaultPlanKinds kinds, int nodes)
    {
        var allowed = new List<PlannedFaultKind>();
        if (kinds.HasFlag(FaultPlanKinds.CrashRestart))
        {
            allowed.Add(PlannedFaultKind.CrashFor);
        }

        if (kinds.HasFlag(FaultPlanKinds.CrashStop))
        {
            allowed.Add(PlannedFaultKind.Crash);
        }

        if (kinds.HasFlag(FaultPlanKinds.Pause))
        {
            allowed.Add(PlannedFaultKind.Pause);
        }

        if (kinds.HasFlag(FaultPlanKinds.Isolate))
        {
            allowed.Add(PlannedFaultKind.Isolate);
        }

        if (kinds.HasFlag(FaultPlanKinds.Cut) && nodes >= 2)
        {
            allowed.Add(PlannedFaultKind.Cut);
        }

        return [.. allowed];
    }
}
