using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Scheduling;
using DistSim.Timing;
using Microsoft.Extensions.Logging;

namespace DistSim;

/// <summary>
/// Everything that configures a run besides its nodes. The seed is required: a run is a pure function
/// of (scenario, seed). Validated once, when the <see cref="Simulation"/> is built.
/// </summary>
/// <remarks>See <c>docs/concepts/simulation.md</c>.</remarks>
public sealed record SimulationOptions
{
    /// <summary>The master seed from which every random stream is derived.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The run stops with <see cref="RunOutcome.EventLimit"/> after this many events. Default 10,000,000.</summary>
    public long EventLimit { get; init; } = 10_000_000;

    /// <summary>
    /// The run stops with <see cref="RunOutcome.TimeLimit"/> rather than execute an event later than this
    /// virtual time after the start. Default one day.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How events due at the same time are ordered: FIFO (default) or a seeded random order. <see cref="Scheduler"/> supersedes it.</summary>
    public SchedulingStrategy Scheduling { get; init; } = SchedulingStrategy.Fifo;

    /// <summary>
    /// The scheduling strategy: which of the events that may run next does run (<see cref="Schedulers"/>: FIFO, random
    /// tie-break, PCT, delay-bounding, or your own <see cref="Scheduling.Scheduler"/>). Unset, it follows
    /// <see cref="Scheduling"/>: <see cref="Schedulers.Fifo"/> (the default) or <see cref="Schedulers.RandomTieBreak"/>.
    /// See <c>docs/concepts/exploration.md</c>.
    /// </summary>
    public Scheduling.Scheduler Scheduler
    {
        get => _scheduler ?? (Scheduling == SchedulingStrategy.RandomTieBreak ? Schedulers.RandomTieBreak : Schedulers.Fifo);
        init => _scheduler = value;
    }

    private readonly Scheduling.Scheduler? _scheduler;

    /// <summary>The run stops with <see cref="RunOutcome.QueueLimit"/> when more events than this are pending. Default 10,000,000.</summary>
    public int QueueLimit { get; init; } = 10_000_000;

    /// <summary>The fair-loss behaviour (loss, duplication, delay) of every ordered pair of nodes: the network under every link.</summary>
    public FairLossLinkOptions Network { get; init; } = FairLossLinkOptions.Default;

    /// <summary>The link protocol of every ordered pair (default <see cref="Links.Links.FairLoss"/>).</summary>
    public ILink Link { get; init; } = Links.Links.FairLoss;

    /// <summary>The timing model: packet delays on top of the links' own, and node clocks (default <see cref="TimingModels.Unbounded"/>).</summary>
    public TimingModel Timing { get; init; } = TimingModels.Unbounded;

    /// <summary>Partitions drawn at random from the seed (none by default).</summary>
    public RandomPartitionOptions? Partitions { get; init; }

    /// <summary>Random crashes, restarts and pauses within each node's failure model (none by default).</summary>
    public NemesisOptions? Nemesis { get; init; }

    /// <summary>
    /// Which faults the run writes down for <see cref="Simulation.RecordedFaults"/>: off (the default), the nemeses'
    /// faults, or those and every message lost, duplicated or omitted at random. Recording changes no run.
    /// </summary>
    public FaultRecording RecordFaults { get; init; }

    /// <summary>
    /// Faults to replay (or script): applied when the run starts, and in place of the random nemeses — with a schedule,
    /// <see cref="Nemesis"/> and <see cref="Partitions"/> inject nothing (their <c>Until</c> still counts for
    /// <see cref="Simulation.FaultsEnd"/>). A schedule recorded from a run (<see cref="Simulation.RecordedFaults"/>) replays
    /// that run exactly with the same seed and options. Default: none. See <c>docs/concepts/exploration.md</c>.
    /// </summary>
    public FaultSchedule? FaultSchedule { get; init; }

    /// <summary>
    /// Switches on BUGGIFY fault points in node code (<see cref="Nodes.INodeContext.Buggify"/>): each site is on for a run
    /// with <see cref="BuggifyOptions.SiteActivation"/> and fires by chance. Null (the default): every site is off.
    /// </summary>
    public BuggifyOptions? Buggify { get; init; }

    /// <summary>The path of a bounded exhaustive search this run follows (set by <see cref="Exploration.ExplorationRun.Apply"/>); null otherwise.</summary>
    internal Exploration.ExplorationRun? Exploration { get; init; }

    /// <summary>An in-transit adversary on the network (none by default).</summary>
    public AdversaryOptions? Adversary { get; init; }

    /// <summary>
    /// Whether messages are values (default true): at <c>Send</c> the network takes a deep copy of the message,
    /// and each delivery hands the receiver its own copy, so neither the sender's later changes nor one
    /// receiver's changes reach any other node — as on a real network. A deeply immutable message (a record of
    /// numbers and strings) is shared as it is, at no cost; a message that cannot be copied faithfully (a
    /// delegate, a pointer, a cycle, …) is refused at <c>Send</c> with a
    /// <see cref="Messages.MessageEncodingException"/>. False hands the same object to everyone (the benchmarks
    /// use it); nothing then protects nodes from each other. See <c>docs/concepts/messages.md</c>.
    /// </summary>
    public bool IsolateMessages { get; init; } = true;

    /// <summary>
    /// Whether the trace keeps its events in memory (the fingerprint is computed either way). Default true,
    /// or false when a <see cref="TraceWriter"/> is set: a streamed trace keeps nothing unless this is set too.
    /// </summary>
    public bool RecordTrace { get => _recordTrace ?? TraceWriter is null; init => _recordTrace = value; }

    private readonly bool? _recordTrace;

    /// <summary>
    /// Where to stream the trace as JSON Lines while the run goes: each recorded event is written at once, as
    /// the very line <see cref="Tracing.Trace.WriteJsonLines"/> would write for it (at most <see cref="TraceLimit"/>
    /// lines). The header line counts the events, so it is written after the run, by
    /// <see cref="Tracing.Trace.WriteJsonLinesHeader"/>; header and streamed lines together are byte for byte the
    /// in-memory export. Never flushed or closed by the simulation; a write error stops the stream, not the run
    /// (<see cref="Tracing.Trace.WriterFailure"/>). Default: none. See <c>docs/concepts/trace.md</c>.
    /// </summary>
    public TextWriter? TraceWriter { get; init; }

    /// <summary>
    /// Whether the trace carries a vector clock on every event at a node (start, send, delivery, timer):
    /// for causality, and for ShiViz. Off by default: it costs an array per event.
    /// </summary>
    public bool VectorClocks { get; init; }

    /// <summary>At most this many events are kept in the trace (or streamed); later ones only update the fingerprint. Default 1,000,000.</summary>
    public int TraceLimit { get; init; } = 1_000_000;

    /// <summary>
    /// When true (the default) an exception in node code makes <see cref="Simulation.Run"/> throw a
    /// <see cref="Diagnostics.SimulationFailureException"/>; when false the run returns
    /// <see cref="RunOutcome.NodeFaulted"/> with the exception in <see cref="RunResult.Failure"/>.
    /// </summary>
    public bool ThrowOnNodeFault { get; init; } = true;

    /// <summary>Where node loggers write. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option and its value.</summary>
    public void Validate()
    {
        if (EventLimit <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EventLimit), EventLimit, "must be > 0");
        }

        if (TimeLimit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), TimeLimit, "must be > 0");
        }

        if (QueueLimit <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueLimit), QueueLimit, "must be > 0");
        }

        if (TraceLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TraceLimit), TraceLimit, "must be >= 0");
        }

        if (Network is null)
        {
            throw new ArgumentNullException(nameof(Network), "must be fair-loss link options");
        }

        if (!Enum.IsDefined(RecordFaults))
        {
            throw new ArgumentOutOfRangeException(nameof(RecordFaults), RecordFaults, "must be Off, Nemesis or NemesisAndMessages");
        }

        if (_scheduler is not null && Scheduling != SchedulingStrategy.Fifo && !ReferenceEquals(_scheduler, Schedulers.RandomTieBreak))
        {
            throw new ArgumentException($"Scheduler '{_scheduler}' conflicts with Scheduling = {Scheduling}: set one of them", nameof(Scheduler));
        }

        Network.Validate();
        Adversary?.Validate();
        Partitions?.Validate();
        Nemesis?.Validate();
        Buggify?.Validate();
        if (Timing is null)
        {
            throw new ArgumentNullException(nameof(Timing), "must be a timing model");
        }
        if (Link is null)
        {
            throw new ArgumentNullException(nameof(Link), "must be a link protocol");
        }
    }
}
