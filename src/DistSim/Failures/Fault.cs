using System.Globalization;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Failures;

/// <summary>
/// One fault of a <see cref="FaultSchedule"/>, as data: what happens, to whom, and when. Faults at a time run first among
/// the events of their instant, in the order of the schedule; a fault that lasts (a crash with a downtime, a pause, a
/// partition with a duration) ends by an event of its own, scheduled when it begins.
/// </summary>
/// <remarks>
/// The random nemeses (<see cref="NemesisOptions"/>, <see cref="Network.RandomPartitionOptions"/>) inject the very same
/// faults, so a run's drawn faults, recorded (<see cref="SimulationOptions.RecordFaults"/>), replay into the same run
/// (<see cref="SimulationOptions.FaultSchedule"/>). See <c>docs/concepts/exploration.md</c>.
/// </remarks>
/// <param name="At">When the fault begins. For a <see cref="MessageFault"/>: when it happened in the run it was recorded from (for reading; the packet number identifies it).</param>
public abstract record Fault(SimTime At)
{
    /// <summary>The behaviours the failure model of <see cref="Subject"/> must allow (none by default: any node may be paused, partitioned, have its clock stepped).</summary>
    internal virtual FaultKinds Needs => FaultKinds.None;

    /// <summary>The node whose failure model must allow <see cref="Needs"/>, if any.</summary>
    internal virtual NodeId? Subject => null;

    /// <summary>Every node the fault names (each must exist).</summary>
    internal abstract IEnumerable<NodeId> Nodes { get; }

    /// <summary>How long it lasts, for a fault that ends by itself; null otherwise.</summary>
    internal virtual TimeSpan? Length => null;

    /// <summary>Whether the fault happens at its time (false: a message fault, identified by its packet).</summary>
    internal virtual bool IsTimed => true;

    /// <summary>The same fault beginning at <paramref name="at"/>.</summary>
    internal Fault WithAt(SimTime at) => this with { At = at };

    /// <summary>The same fault lasting <paramref name="length"/> (only when <see cref="Length"/> is not null).</summary>
    internal virtual Fault WithLength(TimeSpan length) => this;

    /// <summary>Performs the fault now (at <see cref="At"/>, as a fault event) on <paramref name="simulation"/>.</summary>
    internal abstract void Inject(Simulation simulation);

    /// <summary>The fault as a call on a <see cref="FaultSchedule"/> builder, exact to the tick, e.g. <c>.Crash(SimTime.FromStart(TimeSpan.FromMilliseconds(1200)), new NodeId(1))</c>.</summary>
    public abstract string ToCSharp();

    /// <summary>The fault in words, with node numbers, e.g. <c>1.2 s: crash node 1 for 300 ms</c>.</summary>
    public abstract string Describe();

    /// <inheritdoc />
    public override string ToString() => Describe();

    /// <summary>An exact C# expression for <paramref name="t"/>.</summary>
    internal static string Instant(SimTime t) => $"SimTime.FromStart({Span(t.SinceStart)})";

    /// <summary>An exact C# expression for <paramref name="t"/>: whole milliseconds as <c>FromMilliseconds</c>, anything finer as <c>FromTicks</c>.</summary>
    internal static string Span(TimeSpan t) => t.Ticks % TimeSpan.TicksPerMillisecond == 0
        ? string.Create(CultureInfo.InvariantCulture, $"TimeSpan.FromMilliseconds({t.Ticks / TimeSpan.TicksPerMillisecond})")
        : string.Create(CultureInfo.InvariantCulture, $"TimeSpan.FromTicks({t.Ticks})");

    /// <summary>An exact C# expression for <paramref name="node"/>.</summary>
    internal static string Id(NodeId node) => string.Create(CultureInfo.InvariantCulture, $"new NodeId({node.Value})");

    /// <summary>A duration for people: <c>300 ms</c>, <c>1.25 s</c>.</summary>
    internal static string Human(TimeSpan t) => t < TimeSpan.FromSeconds(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.###} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");

    /// <summary>An instant for people.</summary>
    internal static string Human(SimTime t) => Human(t.SinceStart);

    /// <summary>Heals every partition after <paramref name="duration"/>, when there is one (a partition, cut or isolation that lasts).</summary>
    internal static void HealAfter(Simulation simulation, TimeSpan? duration)
    {
        if (duration is { } d)
        {
            EndLater(simulation, d, static () => true, simulation.Network.Heal);
        }
    }

    /// <summary>Schedules the end of a lasting fault, unless it was ended meanwhile (<paramref name="stillOurs"/>).</summary>
    internal static void EndLater(Simulation simulation, TimeSpan length, Func<bool> stillOurs, Action end) =>
        simulation.AtFault(simulation.Now + length, () =>
        {
            if (stillOurs())
            {
                end();
            }
        });
}

/// <summary>Crashes <see cref="Node"/>; with a <see cref="Downtime"/>, restarts it that much later (unless it was restarted and crashed again meanwhile).</summary>
/// <param name="At">When.</param>
/// <param name="Node">A node whose model allows <see cref="FaultKinds.Stop"/> (and <see cref="FaultKinds.Restart"/> with a downtime).</param>
/// <param name="Downtime">How long it stays down; null: for good.</param>
public sealed record CrashFault(SimTime At, NodeId Node, TimeSpan? Downtime = null) : Fault(At)
{
    internal override FaultKinds Needs => Downtime is null ? FaultKinds.Stop : FaultKinds.Stop | FaultKinds.Restart;

    internal override NodeId? Subject => Node;

    internal override IEnumerable<NodeId> Nodes => [Node];

    internal override TimeSpan? Length => Downtime;

    internal override Fault WithLength(TimeSpan length) => this with { Downtime = length };

    internal override void Inject(Simulation simulation)
    {
        if (simulation.Crash(Node) && Downtime is { } downtime)
        {
            simulation.ExpectRestart(Node);
            long crash = simulation.CrashGenerationOf(Node);
            EndLater(simulation, downtime, () => simulation.CrashGenerationOf(Node) == crash, () => simulation.Restart(Node));
        }
    }

    /// <inheritdoc />
    public override string ToCSharp() => Downtime is { } d ? $".CrashFor({Instant(At)}, {Id(Node)}, {Span(d)})" : $".Crash({Instant(At)}, {Id(Node)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: crash node {Node.Value}" + (Downtime is { } d ? $" for {Human(d)}" : " for good");
}

/// <summary>Restarts <see cref="Node"/> if it is down.</summary>
/// <param name="At">When.</param>
/// <param name="Node">A node whose model allows <see cref="FaultKinds.Restart"/>.</param>
public sealed record RestartFault(SimTime At, NodeId Node) : Fault(At)
{
    internal override FaultKinds Needs => FaultKinds.Restart;

    internal override NodeId? Subject => Node;

    internal override IEnumerable<NodeId> Nodes => [Node];

    internal override void Inject(Simulation simulation) => simulation.Restart(Node);

    /// <inheritdoc />
    public override string ToCSharp() => $".Restart({Instant(At)}, {Id(Node)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: restart node {Node.Value}";
}

/// <summary>Pauses <see cref="Node"/> for <see cref="Duration"/> (a stop-the-world pause; allowed for every node).</summary>
/// <param name="At">When.</param>
/// <param name="Node">Any node.</param>
/// <param name="Duration">How long. Under a timing model that bounds a step, the pause ends at the bound.</param>
public sealed record PauseFault(SimTime At, NodeId Node, TimeSpan Duration) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => [Node];

    internal override TimeSpan? Length => Duration;

    internal override Fault WithLength(TimeSpan length) => this with { Duration = length };

    internal override void Inject(Simulation simulation)
    {
        if (simulation.Pause(Node))
        {
            long pause = simulation.PauseGenerationOf(Node);
            EndLater(simulation, Duration, () => simulation.PauseGenerationOf(Node) == pause, () => simulation.Resume(Node));
        }
    }

    /// <inheritdoc />
    public override string ToCSharp() => $".Pause({Instant(At)}, {Id(Node)}, {Span(Duration)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: pause node {Node.Value} for {Human(Duration)}";
}

/// <summary>Partitions the network into <see cref="Groups"/> (see <see cref="Network.SimNetwork.Partition"/>); with a <see cref="Duration"/>, heals every partition that much later.</summary>
/// <param name="At">When.</param>
/// <param name="Groups">The groups; nodes in no group form one more.</param>
/// <param name="Duration">How long until the heal; null: until a <see cref="HealFault"/>.</param>
public sealed record PartitionFault(SimTime At, IReadOnlyList<IReadOnlyList<NodeId>> Groups, TimeSpan? Duration = null) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => Groups.SelectMany(g => g);

    internal override TimeSpan? Length => Duration;

    internal override Fault WithLength(TimeSpan length) => this with { Duration = length };

    internal override void Inject(Simulation simulation)
    {
        simulation.Network.Partition([.. Groups.Select(g => g.ToArray())]);
        HealAfter(simulation, Duration);
    }

    private string GroupsCSharp => string.Join(", ", Groups.Select(g => "[" + string.Join(", ", g.Select(Id)) + "]"));

    /// <inheritdoc />
    public override string ToCSharp() => Duration is { } d
        ? $".PartitionFor({Instant(At)}, {Span(d)}, {GroupsCSharp})"
        : $".Partition({Instant(At)}, {GroupsCSharp})";

    /// <inheritdoc />
    public override string Describe() =>
        $"{Human(At)}: partition " + string.Join(" | ", Groups.Select(g => string.Join(",", g.Select(n => n.Value.ToString(CultureInfo.InvariantCulture)))))
        + (Duration is { } d ? $" for {Human(d)}" : string.Empty);
}

/// <summary>Cuts one direction, <see cref="From"/> → <see cref="To"/>; with a <see cref="Duration"/>, heals every partition that much later.</summary>
/// <param name="At">When.</param>
/// <param name="From">Whose messages are cut.</param>
/// <param name="To">Who stops hearing them.</param>
/// <param name="Duration">How long until the heal; null: until a <see cref="HealFault"/>.</param>
public sealed record CutFault(SimTime At, NodeId From, NodeId To, TimeSpan? Duration = null) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => [From, To];

    internal override TimeSpan? Length => Duration;

    internal override Fault WithLength(TimeSpan length) => this with { Duration = length };

    internal override void Inject(Simulation simulation)
    {
        simulation.Network.Cut(From, To);
        HealAfter(simulation, Duration);
    }

    /// <inheritdoc />
    public override string ToCSharp() => Duration is { } d
        ? $".CutFor({Instant(At)}, {Id(From)}, {Id(To)}, {Span(d)})"
        : $".Cut({Instant(At)}, {Id(From)}, {Id(To)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: cut {From.Value}->{To.Value}" + (Duration is { } d ? $" for {Human(d)}" : string.Empty);
}

/// <summary>Isolates <see cref="Node"/> from every other; with a <see cref="Duration"/>, heals every partition that much later.</summary>
/// <param name="At">When.</param>
/// <param name="Node">The node.</param>
/// <param name="Duration">How long until the heal; null: until a <see cref="HealFault"/>.</param>
public sealed record IsolateFault(SimTime At, NodeId Node, TimeSpan? Duration = null) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => [Node];

    internal override TimeSpan? Length => Duration;

    internal override Fault WithLength(TimeSpan length) => this with { Duration = length };

    internal override void Inject(Simulation simulation)
    {
        simulation.Network.Isolate(Node);
        HealAfter(simulation, Duration);
    }

    /// <inheritdoc />
    public override string ToCSharp() => Duration is { } d
        ? $".IsolateFor({Instant(At)}, {Id(Node)}, {Span(d)})"
        : $".Isolate({Instant(At)}, {Id(Node)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: isolate node {Node.Value}" + (Duration is { } d ? $" for {Human(d)}" : string.Empty);
}

/// <summary>Heals every partition, cut and isolation.</summary>
/// <param name="At">When.</param>
public sealed record HealFault(SimTime At) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => [];

    internal override void Inject(Simulation simulation) => simulation.Network.Heal();

    /// <inheritdoc />
    public override string ToCSharp() => $".Heal({Instant(At)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: heal";
}

/// <summary>Steps <see cref="Node"/>'s clock by <see cref="Jump"/> (see <see cref="Simulation.StepClock"/>).</summary>
/// <param name="At">When.</param>
/// <param name="Node">Any node.</param>
/// <param name="Jump">The correction; negative sets the clock back.</param>
public sealed record ClockStepFault(SimTime At, NodeId Node, TimeSpan Jump) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => [Node];

    internal override void Inject(Simulation simulation) => simulation.StepClock(Node, Jump);

    /// <inheritdoc />
    public override string ToCSharp() => $".StepClock({Instant(At)}, {Id(Node)}, {Span(Jump)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: step node {Node.Value}'s clock by {(Jump < TimeSpan.Zero ? "-" + Human(Jump.Negate()) : Human(Jump))}";
}

/// <summary>
/// An instant at which the nemesis drew a fault but injected nothing — the node was down already, or a bound
/// (<see cref="NemesisOptions.MaxFaulty"/>, <see cref="NemesisOptions.FaultDomains"/>, <see cref="NemesisOptions.Eligible"/>)
/// skipped it. Nothing happens; the instant is kept because it was an event of the run: a strategy that reorders packets
/// (<see cref="Scheduling.Schedulers.Pct"/>, <see cref="Scheduling.Schedulers.DelayBounding"/>) never moves one past a
/// fault event, so a replay must have the same fault events to be the same run. Shrinking drops it like any fault.
/// </summary>
/// <param name="At">When.</param>
/// <param name="Reason">What was skipped and why, for people.</param>
public sealed record NoFault(SimTime At, string Reason) : Fault(At)
{
    internal override IEnumerable<NodeId> Nodes => [];

    internal override void Inject(Simulation simulation)
    {
        // Nothing: the event itself is the point.
    }

    /// <inheritdoc />
    public override string ToCSharp() => $".Nothing({Instant(At)}, {System.Text.Json.JsonSerializer.Serialize(Reason)})";

    /// <inheritdoc />
    public override string Describe() => $"{Human(At)}: nothing ({Reason})";
}

/// <summary>What happens to a packet in a <see cref="MessageFault"/>.</summary>
public enum MessageFaultKind
{
    /// <summary>The channel loses it (trace cause <c>loss</c>).</summary>
    Loss,

    /// <summary>The channel delivers it twice (a <c>duplicate</c> event).</summary>
    Duplicate,

    /// <summary>The sender's failure model omits it (cause <c>send-omission</c>); the sender's model must allow <see cref="FaultKinds.DropSend"/>.</summary>
    SendOmission,

    /// <summary>The receiver's failure model omits it on arrival (cause <c>receive-omission</c>); the receiver's model must allow <see cref="FaultKinds.DropReceive"/>.</summary>
    ReceiveOmission,
}

/// <summary>
/// A fault of one packet: the <see cref="Packet"/>-th packet put on the wire from <see cref="From"/> to <see cref="To"/>
/// (counting from 1 every transmission on that direction: first sends, retransmissions and acknowledgements of a link,
/// not the copy a duplication makes) is lost, duplicated or omitted. In a schedule that scripts messages
/// (<see cref="FaultSchedule.ScriptsMessages"/>) exactly the listed packets suffer these faults; every other packet
/// gets through (the random draws are still made, so the run's other randomness stays where it was).
/// </summary>
/// <param name="At">When it happened in the recorded run (for reading only).</param>
/// <param name="From">The sender of the packet.</param>
/// <param name="To">Its destination.</param>
/// <param name="Packet">Its number on the direction, from 1.</param>
/// <param name="Kind">What happens to it.</param>
/// <param name="Copy">For <see cref="MessageFaultKind.ReceiveOmission"/>: the duplicate copy is omitted, not the packet itself.</param>
public sealed record MessageFault(SimTime At, NodeId From, NodeId To, long Packet, MessageFaultKind Kind, bool Copy = false) : Fault(At)
{
    internal override FaultKinds Needs => Kind switch
    {
        MessageFaultKind.SendOmission => FaultKinds.DropSend,
        MessageFaultKind.ReceiveOmission => FaultKinds.DropReceive,
        _ => FaultKinds.None,
    };

    internal override NodeId? Subject => Kind == MessageFaultKind.ReceiveOmission ? To : From;

    internal override IEnumerable<NodeId> Nodes => [From, To];

    internal override bool IsTimed => false;

    internal override void Inject(Simulation simulation)
    {
        // A message fault acts when its packet is on the wire (the pipeline asks the schedule), not at a time.
    }

    /// <inheritdoc />
    public override string ToCSharp()
    {
        string call = Kind switch
        {
            MessageFaultKind.Loss => "LoseMessage",
            MessageFaultKind.Duplicate => "DuplicateMessage",
            MessageFaultKind.SendOmission => "OmitSend",
            _ => "OmitReceive",
        };
        string copy = Copy ? ", copy: true" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $".{call}({Id(From)}, {Id(To)}, packet: {Packet}{copy}, at: {Instant(At)})");
    }

    /// <inheritdoc />
    public override string Describe()
    {
        string what = Kind switch
        {
            MessageFaultKind.Loss => "lose",
            MessageFaultKind.Duplicate => "duplicate",
            MessageFaultKind.SendOmission => "omit at send",
            _ => Copy ? "omit on arrival the copy of" : "omit on arrival",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Human(At)}: {what} packet {Packet} from node {From.Value} to node {To.Value}");
    }
}
