using System.Globalization;
using System.Text;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Testing;

/// <summary>What a <see cref="PlannedFault"/> does.</summary>
public enum PlannedFaultKind
{
    /// <summary>Crash the node and restart it after <see cref="PlannedFault.Duration"/>.</summary>
    CrashFor,

    /// <summary>Crash the node for good.</summary>
    Crash,

    /// <summary>Pause the node for <see cref="PlannedFault.Duration"/>.</summary>
    Pause,

    /// <summary>Isolate the node from every other for <see cref="PlannedFault.Duration"/>, then heal the network.</summary>
    Isolate,

    /// <summary>Cut messages from the node to <see cref="PlannedFault.Peer"/> for <see cref="PlannedFault.Duration"/>, then heal the network.</summary>
    Cut,
}

/// <summary>One fault of a <see cref="FaultPlan"/>.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="At">When it starts.</param>
/// <param name="Node">The node it hits.</param>
/// <param name="Duration">How long it lasts (zero for <see cref="PlannedFaultKind.Crash"/>).</param>
/// <param name="Peer">The other end of a <see cref="PlannedFaultKind.Cut"/>.</param>
public sealed record PlannedFault(PlannedFaultKind Kind, SimTime At, NodeId Node, TimeSpan Duration, NodeId? Peer = null)
{
    /// <summary>The fault as a call on a <see cref="FaultSchedule"/> builder, in C#.</summary>
    /// <remarks>Times and durations are printed exactly (whole milliseconds as <c>FromMilliseconds</c>, anything finer as
    /// <c>FromTicks</c>): the code rebuilds the very same schedule, tick for tick.</remarks>
    public string ToCSharp()
    {
        string at = Instant(At), d = Span(Duration);
        string n = $"new NodeId({Node.Value.ToString(CultureInfo.InvariantCulture)})";
        return Kind switch
        {
            PlannedFaultKind.CrashFor => $".CrashFor({at}, {n}, {d})",
            PlannedFaultKind.Crash => $".Crash({at}, {n})",
            PlannedFaultKind.Pause => $".Pause({at}, {n}, {d})",
            PlannedFaultKind.Isolate => $".Isolate({at}, {n}).Heal({Instant(At + Duration)})",
            _ => $".Cut({at}, {n}, new NodeId({Peer!.Value.Value.ToString(CultureInfo.InvariantCulture)})).Heal({Instant(At + Duration)})",
        };
    }

    private static string Instant(SimTime t) => $"SimTime.FromStart({Span(t.SinceStart)})";

    private static string Span(TimeSpan t) => t.Ticks % TimeSpan.TicksPerMillisecond == 0
        ? string.Create(CultureInfo.InvariantCulture, $"TimeSpan.FromMilliseconds({t.Ticks / TimeSpan.TicksPerMillisecond})")
        : string.Create(CultureInfo.InvariantCulture, $"TimeSpan.FromTicks({t.Ticks})");
}

/// <summary>
/// A fault schedule as data: a list of faults that FsCheck can generate and shrink (<see cref="DistSimGen.FaultPlans"/>),
/// that applies to a simulation as a <see cref="FaultSchedule"/>, and that prints as the C# that rebuilds it — paste a
/// shrunk counterexample into a test.
/// </summary>
/// <param name="Faults">The faults, in time order. A heal ends every partition in force, so network faults that overlap end together.</param>
public sealed record FaultPlan(IReadOnlyList<PlannedFault> Faults)
{
    /// <summary>No faults.</summary>
    public static FaultPlan None { get; } = new([]);

    /// <summary>The plan as a schedule.</summary>
    public FaultSchedule ToSchedule()
    {
        var schedule = new FaultSchedule();
        foreach (PlannedFault f in Faults)
        {
            _ = f.Kind switch
            {
                PlannedFaultKind.CrashFor => schedule.CrashFor(f.At, f.Node, f.Duration),
                PlannedFaultKind.Crash => schedule.Crash(f.At, f.Node),
                PlannedFaultKind.Pause => schedule.Pause(f.At, f.Node, f.Duration),
                PlannedFaultKind.Isolate => schedule.Isolate(f.At, f.Node).Heal(f.At + f.Duration),
                _ => schedule.Cut(f.At, f.Node, f.Peer ?? throw new InvalidOperationException($"a cut needs a peer: {f}")).Heal(f.At + f.Duration),
            };
        }

        return schedule;
    }

    /// <summary>Applies the plan to <paramref name="simulation"/> (checked against its nodes' failure models).</summary>
    /// <param name="simulation">The simulation, before its run.</param>
    public void ApplyTo(Simulation simulation) => ToSchedule().ApplyTo(simulation);

    /// <summary>The plan as C#: <c>new FaultSchedule().CrashFor(…)…</c>.</summary>
    public string ToCSharp()
    {
        var text = new StringBuilder("new FaultSchedule()");
        foreach (PlannedFault f in Faults)
        {
            text.Append("\n    ").Append(f.ToCSharp());
        }

        return text.Append(';').ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Faults.Count == 0 ? "no faults" : ToCSharp();
}
