using System.Text;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Failures;

/// <summary>
/// Faults as data: at time t crash n2, at t′ restart it, partition, heal, pause, step a clock — and, optionally, which
/// packets are lost, duplicated or omitted. Built fluently in a test, or recorded from a run whose faults were drawn at
/// random (<see cref="SimulationOptions.RecordFaults"/>, <see cref="Simulation.RecordedFaults"/>) and replayed with the
/// random nemesis off (<see cref="SimulationOptions.FaultSchedule"/>): the same run, event for event. Printed as the C#
/// that rebuilds it (<see cref="ToCSharp"/>) and as JSON (<see cref="ToJson"/>, <see cref="FromJson"/>); shrunk by
/// <see cref="Exploration.FaultShrinker"/>.
/// </summary>
/// <remarks>
/// Each fault at a time runs as an event of its own, before every other event of its instant (faults of one instant in
/// the order of the schedule); every step is checked against the nodes' failure models when the schedule is applied.
/// See <c>docs/concepts/exploration.md</c>.
/// </remarks>
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
    private readonly List<Fault> _faults = [];

    /// <summary>An empty schedule.</summary>
    public FaultSchedule()
    {
    }

    /// <summary>A schedule of the given faults, in this order.</summary>
    /// <param name="faults">The faults.</param>
    /// <param name="scriptsMessages">Whether it decides every message fault (see <see cref="ScriptsMessages"/>); true anyway when a fault is a <see cref="MessageFault"/>.</param>
    public FaultSchedule(IEnumerable<Fault> faults, bool scriptsMessages = false)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ScriptsMessages = scriptsMessages;
        foreach (Fault fault in faults)
        {
            Add(fault);
        }
    }

    /// <summary>The faults, in the order they were added.</summary>
    public IReadOnlyList<Fault> Faults => _faults;

    /// <summary>How many faults.</summary>
    public int Count => _faults.Count;

    /// <summary>The steps as text, in the order they were added.</summary>
    public IReadOnlyList<string> Steps => _faults.Select(f => f.Describe()).ToList();

    /// <summary>
    /// Whether the schedule decides the fate of every packet: with it, exactly the listed <see cref="MessageFault"/>s
    /// happen and no other packet is lost, duplicated or omitted at random (partitions, capacities and crashes still drop
    /// what they drop; packets the in-transit adversary or a Byzantine node injects are numbered by no direction and
    /// keep their random receive omissions). A schedule recorded with <see cref="FaultRecording.NemesisAndMessages"/> scripts messages, even
    /// with no message fault (a run that lost nothing); adding a message fault sets it.
    /// </summary>
    public bool ScriptsMessages { get; private set; }

    /// <summary>
    /// When faults may start until, for <see cref="Checking.EventuallyFrom.FaultsEnd"/>: applying the schedule makes
    /// <see cref="Simulation.FaultsEnd"/> at least this (recorded schedules carry the run's, so a replay judges its
    /// properties by the same windows). Null: the time of the last fault.
    /// </summary>
    public SimTime? FaultsEnd { get; init; }

    /// <summary>Adds <paramref name="fault"/>.</summary>
    /// <param name="fault">Any fault; a negative duration or a <see cref="MessageFault"/> packet number below 1 is refused.</param>
    public FaultSchedule Add(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Length is { } length && length < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), length, $"{fault.GetType().Name}: its duration must be >= 0");
        }

        if (fault is MessageFault m)
        {
            if (m.Packet < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(fault), m.Packet, "MessageFault.Packet: packets are numbered from 1 on each direction");
            }

            if (m.Copy && m.Kind != MessageFaultKind.ReceiveOmission)
            {
                throw new ArgumentException($"MessageFault.Copy: only a receive omission can hit the copy a duplication made, not a {m.Kind}", nameof(fault));
            }

            ScriptsMessages = true;
        }

        if (fault is PartitionFault p)
        {
            ArgumentNullException.ThrowIfNull(p.Groups, nameof(fault));
        }

        _faults.Add(fault);
        return this;
    }

    /// <summary>Makes the schedule decide every packet's fate (see <see cref="ScriptsMessages"/>): with no message fault listed, nothing is lost at random.</summary>
    public FaultSchedule ScriptMessages()
    {
        ScriptsMessages = true;
        return this;
    }

    /// <summary>Crashes <paramref name="node"/> at <paramref name="at"/>, for good.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">A node that may stop.</param>
    public FaultSchedule Crash(SimTime at, NodeId node) => Add(new CrashFault(at, node));

    /// <summary>Restarts <paramref name="node"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">A node that may restart.</param>
    public FaultSchedule Restart(SimTime at, NodeId node) => Add(new RestartFault(at, node));

    /// <summary>Crashes <paramref name="node"/> at <paramref name="at"/> and restarts it after <paramref name="downtime"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">A node that may stop and restart.</param>
    /// <param name="downtime">How long it stays down.</param>
    public FaultSchedule CrashFor(SimTime at, NodeId node, TimeSpan downtime) => Add(new CrashFault(at, node, downtime));

    /// <summary>Pauses <paramref name="node"/> at <paramref name="at"/> for <paramref name="duration"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">Any node.</param>
    /// <param name="duration">How long.</param>
    public FaultSchedule Pause(SimTime at, NodeId node, TimeSpan duration) => Add(new PauseFault(at, node, duration));

    /// <summary>Partitions the network at <paramref name="at"/>, until a heal.</summary>
    /// <param name="at">When.</param>
    /// <param name="groups">The groups.</param>
    public FaultSchedule Partition(SimTime at, params NodeId[][] groups) => Add(new PartitionFault(at, Groups(groups)));

    /// <summary>Partitions the network at <paramref name="at"/> and heals it after <paramref name="duration"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="duration">How long.</param>
    /// <param name="groups">The groups.</param>
    public FaultSchedule PartitionFor(SimTime at, TimeSpan duration, params NodeId[][] groups) => Add(new PartitionFault(at, Groups(groups), duration));

    /// <summary>Cuts one direction at <paramref name="at"/>, until a heal.</summary>
    /// <param name="at">When.</param>
    /// <param name="from">Whose messages are cut.</param>
    /// <param name="to">Who stops hearing them.</param>
    public FaultSchedule Cut(SimTime at, NodeId from, NodeId to) => Add(new CutFault(at, from, to));

    /// <summary>Cuts one direction at <paramref name="at"/> and heals the network after <paramref name="duration"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="from">Whose messages are cut.</param>
    /// <param name="to">Who stops hearing them.</param>
    /// <param name="duration">How long.</param>
    public FaultSchedule CutFor(SimTime at, NodeId from, NodeId to, TimeSpan duration) => Add(new CutFault(at, from, to, duration));

    /// <summary>Isolates <paramref name="node"/> at <paramref name="at"/>, until a heal.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">The node.</param>
    public FaultSchedule Isolate(SimTime at, NodeId node) => Add(new IsolateFault(at, node));

    /// <summary>Isolates <paramref name="node"/> at <paramref name="at"/> and heals the network after <paramref name="duration"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">The node.</param>
    /// <param name="duration">How long.</param>
    public FaultSchedule IsolateFor(SimTime at, NodeId node, TimeSpan duration) => Add(new IsolateFault(at, node, duration));

    /// <summary>Heals every partition at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    public FaultSchedule Heal(SimTime at) => Add(new HealFault(at));

    /// <summary>Steps <paramref name="node"/>'s clock by <paramref name="jump"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="node">Any node.</param>
    /// <param name="jump">The correction.</param>
    public FaultSchedule StepClock(SimTime at, NodeId node, TimeSpan jump) => Add(new ClockStepFault(at, node, jump));

    /// <summary>A fault event that does nothing (see <see cref="NoFault"/>): what a recorded schedule keeps of a fault the nemesis skipped.</summary>
    /// <param name="at">When.</param>
    /// <param name="reason">What was skipped and why.</param>
    public FaultSchedule Nothing(SimTime at, string reason) => Add(new NoFault(at, reason ?? throw new ArgumentNullException(nameof(reason))));

    /// <summary>The channel loses the <paramref name="packet"/>-th packet from <paramref name="from"/> to <paramref name="to"/> (see <see cref="MessageFault"/>).</summary>
    /// <param name="from">The sender.</param>
    /// <param name="to">The destination.</param>
    /// <param name="packet">The packet's number on that direction, from 1.</param>
    /// <param name="at">When it happened in the recorded run (for reading only).</param>
    public FaultSchedule LoseMessage(NodeId from, NodeId to, long packet, SimTime at = default) =>
        Add(new MessageFault(at, from, to, packet, MessageFaultKind.Loss));

    /// <summary>The channel duplicates the <paramref name="packet"/>-th packet from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The sender.</param>
    /// <param name="to">The destination.</param>
    /// <param name="packet">The packet's number on that direction, from 1.</param>
    /// <param name="at">When it happened in the recorded run (for reading only).</param>
    public FaultSchedule DuplicateMessage(NodeId from, NodeId to, long packet, SimTime at = default) =>
        Add(new MessageFault(at, from, to, packet, MessageFaultKind.Duplicate));

    /// <summary>The sender omits the <paramref name="packet"/>-th packet from <paramref name="from"/> to <paramref name="to"/> (its model must allow send omission).</summary>
    /// <param name="from">The sender.</param>
    /// <param name="to">The destination.</param>
    /// <param name="packet">The packet's number on that direction, from 1.</param>
    /// <param name="at">When it happened in the recorded run (for reading only).</param>
    public FaultSchedule OmitSend(NodeId from, NodeId to, long packet, SimTime at = default) =>
        Add(new MessageFault(at, from, to, packet, MessageFaultKind.SendOmission));

    /// <summary>The receiver omits the <paramref name="packet"/>-th packet from <paramref name="from"/> to <paramref name="to"/> on arrival (its model must allow receive omission).</summary>
    /// <param name="from">The sender.</param>
    /// <param name="to">The destination.</param>
    /// <param name="packet">The packet's number on that direction, from 1.</param>
    /// <param name="copy">The copy a duplication made, rather than the packet itself.</param>
    /// <param name="at">When it happened in the recorded run (for reading only).</param>
    public FaultSchedule OmitReceive(NodeId from, NodeId to, long packet, bool copy = false, SimTime at = default) =>
        Add(new MessageFault(at, from, to, packet, MessageFaultKind.ReceiveOmission, copy));

    /// <summary>A copy of this schedule with <paramref name="faults"/> instead of its faults (the same <see cref="ScriptsMessages"/> and <see cref="FaultsEnd"/>).</summary>
    /// <param name="faults">The faults.</param>
    public FaultSchedule With(IEnumerable<Fault> faults) => new(faults, ScriptsMessages) { FaultsEnd = FaultsEnd };

    /// <summary>
    /// Checks every fault against <paramref name="simulation"/> (nodes exist, models allow the faults, times not past)
    /// and schedules them. A schedule that scripts messages must be applied before the first packet is on the wire
    /// (or given as <see cref="SimulationOptions.FaultSchedule"/>); its message faults add to those of another schedule
    /// that scripts messages. Faults applied this way are the test's own: a run that records faults does not write them
    /// down (the test applies them again on a replay).
    /// </summary>
    /// <param name="simulation">The simulation.</param>
    /// <exception cref="ArgumentException">A fault names an unknown node, a time in the past, or a fault its node's model does not allow.</exception>
    /// <exception cref="InvalidOperationException">The schedule scripts messages and packets were sent already.</exception>
    public void ApplyTo(Simulation simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        simulation.ApplySchedule(this, replacesNemesis: false);
    }

    /// <summary>
    /// Throws naming the first fault that <paramref name="simulation"/> cannot take. A fault naming a node not added yet
    /// (a node added while the run goes) is checked when it is injected instead (<see cref="CheckNow"/>).
    /// </summary>
    internal void Validate(Simulation simulation)
    {
        foreach (Fault fault in _faults)
        {
            if (fault.IsTimed && fault.At < simulation.Now)
            {
                throw new ArgumentOutOfRangeException(nameof(simulation), fault.At, $"FaultSchedule: fault \"{fault.Describe()}\" is before Now ({simulation.Now})");
            }

            CheckShape(fault, simulation);
            if (fault.Nodes.All(n => n.Value < simulation.Nodes.Count))
            {
                CheckNow(fault, simulation);
            }
        }
    }

    /// <summary>Throws if a fault's nodes do not exist now, or its node's model does not allow it.</summary>
    internal static void CheckNow(Fault fault, Simulation simulation)
    {
        foreach (NodeId node in fault.Nodes)
        {
            if (node.Value >= simulation.Nodes.Count)
            {
                throw new ArgumentException($"FaultSchedule: fault \"{fault.Describe()}\" names node {node.Value}, but the simulation has {simulation.Nodes.Count} nodes", nameof(simulation));
            }
        }

        if (fault.Subject is { } subject && !simulation.FailureModelOf(subject).Allows(fault.Needs))
        {
            throw new ArgumentException(
                $"FaultSchedule: fault \"{fault.Describe()}\": node {simulation.NodeName(subject)}'s failure model {simulation.FailureModelOf(subject)} does not allow {fault.Needs.Describe()}",
                nameof(simulation));
        }
    }

    /// <summary>Throws for a fault that no simulation could take: overlapping or empty partition groups, a cut from a node to itself.</summary>
    private static void CheckShape(Fault fault, Simulation simulation)
    {
        switch (fault)
        {
            case PartitionFault p:
                var seen = new HashSet<NodeId>();
                foreach (IReadOnlyList<NodeId> group in p.Groups)
                {
                    if (group is null || group.Count == 0)
                    {
                        throw new ArgumentException($"FaultSchedule: fault \"{fault.Describe()}\" has an empty group", nameof(simulation));
                    }

                    foreach (NodeId node in group)
                    {
                        if (!seen.Add(node))
                        {
                            throw new ArgumentException($"FaultSchedule: fault \"{fault.Describe()}\" puts node {node.Value} in more than one group", nameof(simulation));
                        }
                    }
                }

                break;
            case CutFault c when c.From == c.To:
                throw new ArgumentException($"FaultSchedule: fault \"{fault.Describe()}\" cuts node {c.From.Value} from itself", nameof(simulation));
        }
    }

    /// <summary>
    /// The schedule as the C# that rebuilds it exactly (times to the tick): <c>new FaultSchedule { FaultsEnd = … }.Crash(…)…;</c>
    /// — paste it into a test and give it as <see cref="SimulationOptions.FaultSchedule"/>.
    /// </summary>
    public string ToCSharp()
    {
        var text = new StringBuilder("new FaultSchedule");
        text.Append(FaultsEnd is { } end ? $" {{ FaultsEnd = {Fault.Instant(end)} }}" : "()");
        if (ScriptsMessages && !_faults.Any(f => f is MessageFault))
        {
            text.Append("\n    .ScriptMessages()");
        }

        foreach (Fault fault in _faults)
        {
            text.Append("\n    ").Append(fault.ToCSharp());
        }

        return text.Append(';').ToString();
    }

    /// <summary>The schedule as one JSON object (times in ticks of 100 ns; nodes by number); <see cref="FromJson"/> reads it back.</summary>
    /// <param name="indented">Indent for people.</param>
    public string ToJson(bool indented = false) => FaultScheduleJson.Write(this, indented);

    /// <summary>Reads a schedule written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not such a schedule; the message names the member and the fault.</exception>
    public static FaultSchedule FromJson(string json) => FaultScheduleJson.Read(json);

    /// <inheritdoc />
    public override string ToString() => _faults.Count == 0
        ? ScriptsMessages ? "no faults (messages scripted: none lost)" : "no faults"
        : string.Join("; ", _faults.Select(f => f.Describe()));

    private static IReadOnlyList<IReadOnlyList<NodeId>> Groups(NodeId[][] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return [.. groups.Select(g => (IReadOnlyList<NodeId>)(g ?? throw new ArgumentNullException(nameof(groups), "a group is null")).ToArray())];
    }
}
