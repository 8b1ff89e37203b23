using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Failures;

/// <summary>
/// A scripted fault schedule: at time t crash n2, at t′ restart it, partition, heal, pause, … Built
/// fluently, checked against the nodes' failure models when applied, and run as events of their own
/// (every fault is traced by the action it performs).
/// </summary>
/// <example><code>
/// new FaultSchedule()
///     .Crash(SimTime.FromSeconds(1), n2)
///     .Restart(SimTime.FromSeconds(3), n2)
///     .Partition(SimTime.FromSeconds(4), [n0, n1], [n2])
///     .Heal(SimTime.FromSeconds(6))
///     .ApplyTo(simulation);
/// </code></example>
public sealed class FaultSchedule
{
    private readonly List<Step> _steps = [];

    /// <summary>The steps, in the order they were added, as text.</summary>
    public IReadOnlyList<string> Steps => _steps.Select(s => $"{s.At}: {s.Description}").ToList();

    /// <summary>Crashes <paramref name="node"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">A node that may stop.</param>
    public FaultSchedule Crash(SimTime at, NodeId node) => Add(at, $"crash {node}", FaultKinds.Stop, node, s => s.Crash(node));

    /// <summary>Restarts <paramref name="node"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">A node that may restart.</param>
    public FaultSchedule Restart(SimTime at, NodeId node) => Add(at, $"restart {node}", FaultKinds.Restart, node, s => s.Restart(node));

    /// <summary>Crashes <paramref name="node"/> at <paramref name="at"/> and restarts it after <paramref name="downtime"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">A node that may stop and restart.</param>
    /// <param name="downtime">How long it stays down.</param>
    public FaultSchedule CrashFor(SimTime at, NodeId node, TimeSpan downtime) =>
        Add(at, $"crash {node} for {downtime}", FaultKinds.Stop | FaultKinds.Restart, node, s => s.CrashFor(node, downtime));

    /// <summary>Pauses <paramref name="node"/> at <paramref name="at"/> for <paramref name="duration"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">Any node.</param>
    /// <param name="duration">How long.</param>
    public FaultSchedule Pause(SimTime at, NodeId node, TimeSpan duration) =>
        Add(at, $"pause {node} for {duration}", FaultKinds.None, node, s => s.PauseFor(node, duration));

    /// <summary>Partitions the network at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="groups">The groups.</param>
    public FaultSchedule Partition(SimTime at, params NodeId[][] groups) =>
        Add(at, "partition " + string.Join(" | ", groups.Select(g => string.Join(",", g))), FaultKinds.None, null, s => s.Network.Partition(groups));

    /// <summary>Cuts one direction at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="from">Whose messages are cut.</param>
    /// <param name="to">Who stops hearing them.</param>
    public FaultSchedule Cut(SimTime at, NodeId from, NodeId to) => Add(at, $"cut {from}->{to}", FaultKinds.None, null, s => s.Network.Cut(from, to));

    /// <summary>Isolates <paramref name="node"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">The node.</param>
    public FaultSchedule Isolate(SimTime at, NodeId node) => Add(at, $"isolate {node}", FaultKinds.None, null, s => s.Network.Isolate(node));

    /// <summary>Heals every partition at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    public FaultSchedule Heal(SimTime at) => Add(at, "heal", FaultKinds.None, null, s => s.Network.Heal());

    /// <summary>Checks every step against <paramref name="simulation"/> (nodes exist, models allow the faults, times not past) and schedules them.</summary>
    /// <param name="simulation">The simulation.</param>
    /// <exception cref="ArgumentException">A step names an unknown node, a time in the past, or a fault its node's model does not allow.</exception>
    public void ApplyTo(Simulation simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        foreach (Step step in _steps)
        {
            if (step.At < simulation.Now)
            {
                throw new ArgumentOutOfRangeException(nameof(simulation), step.At, $"step \"{step.Description}\" is before Now ({simulation.Now})");
            }

            if (step.Node is { } node && !simulation.FailureModelOf(node).Allows(step.Needs))
            {
                throw new ArgumentException(
                    $"step \"{step.Description}\": node {simulation.NodeName(node)}'s failure model {simulation.FailureModelOf(node)} does not allow {step.Needs.Describe()}",
                    nameof(simulation));
            }
        }

        foreach (Step step in _steps)
        {
            simulation.At(step.At, () => step.Apply(simulation));
            simulation.NoteFaultsUntil(step.At);
        }
    }

    private FaultSchedule Add(SimTime at, string description, FaultKinds needs, NodeId? node, Action<Simulation> apply)
    {
        _steps.Add(new Step(at, description, needs, node, apply));
        return this;
    }

    private sealed record Step(SimTime At, string Description, FaultKinds Needs, NodeId? Node, Action<Simulation> Apply);
}
