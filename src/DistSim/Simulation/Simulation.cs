using DistSim.Diagnostics;
using DistSim.Failures;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Tracing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistSim;

/// <summary>
/// A deterministic discrete-event simulation: one event queue ordered by (virtual time, insertion
/// sequence), user-written nodes, and a simulated network between them. A run is a pure function of
/// the seed: the same seed gives the same trace and fingerprint.
/// </summary>
/// <remarks>
/// Not thread-safe: one simulation belongs to one thread; run many seeds side by side with one
/// simulation each. Nothing runs outside the event loop: no threads, no wall clock, no I/O.
/// See <c>docs/concepts/simulation.md</c>.
/// </remarks>
public sealed partial class Simulation
{
    private readonly EventLoop _loop;
    private readonly NodeTable _nodes = new();
    private readonly ILoggerFactory _loggerFactory;
    private SimulationFailureException? _failure;
    private readonly Adversary? _adversary;
    private Security.SignatureService? _signatures;
    private readonly FaultNemesis? _nemesis;
    private readonly Timing.TimingModel _timing;
    private readonly long _gst; // 0 when the model has none
    private readonly SimTime? _gstChosen;
    private readonly MessagePipeline _pipeline;

    /// <summary>Builds a simulation; validates <paramref name="options"/> first.</summary>
    /// <param name="options">The run's configuration, including the required seed.</param>
    /// <exception cref="ArgumentException">An option is invalid; the exception names it and its value.</exception>
    public Simulation(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RuntimeEscapeListener.EnsureStarted();
        Options = options;
        _timing = options.Timing;
        _gstChosen = _timing.DrawGst(options.Seed);
        _gst = _gstChosen?.Ticks ?? 0;
        _loop = CreateLoop(options, _timing, _gstChosen, _nodes);
        _loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _trace = new Trace(options.Seed, options.RecordTrace, options.TraceLimit, options.TraceWriter, i => i < _nodes.Count ? _nodes[i].Name : "#" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        NetworkDefaults = options.Nemesis is { SwarmNetwork: true } ? SwarmNetworkChoice.Draw(options.Network, StreamSeed.Create(options.Seed, "nemesis:swarm:network")) : options.Network;
        _network = new SimNetwork(this, NetworkDefaults, options.Link);
        _adversary = options.Adversary is null ? null : new Adversary(options.Adversary, StreamSeed.Create(options.Seed, "adversary"));
        _nemesis = options.Nemesis is null ? null : new FaultNemesis(this, options.Nemesis);
        _vectorClocks = options.VectorClocks;
        _pipeline = new MessagePipeline(this, _nodes, _network, _adversary, _timing, _gstChosen, options);
        InitFaultSchedules(options);
        if (options.Partitions is not null && options.FaultSchedule is null)
        {
            new PartitionNemesis(this, options.Partitions, StreamSeed.Create(options.Seed, "nemesis:partitions")).Start();
        }
    }

    /// <summary>
    /// The event loop with the run's scheduling strategy: FIFO and random tie-break are the queue's own order (the
    /// latter with keys from the stream <c>scheduler</c>); any other strategy picks at every step, from its stream
    /// <c>scheduler:&lt;name&gt;</c>, within the timing model's bound on delays.
    /// </summary>
    private static EventLoop CreateLoop(SimulationOptions options, global::DistSim.Timing.TimingModel timing, SimTime? gst, NodeTable nodes)
    {
        Scheduling.Scheduler scheduler = options.Scheduler;
        if (scheduler.KernelOrder)
        {
            bool random = ReferenceEquals(scheduler, Scheduling.Schedulers.RandomTieBreak);
            return new EventLoop(options, nodes, random ? StreamSeed.Create(options.Seed, "scheduler") : null);
        }

        Scheduling.SchedulerRun run = scheduler.Begin(StreamSeed.Create(options.Seed, "scheduler:" + scheduler.Name));
        return new EventLoop(options, nodes, null, new ScheduleControl(scheduler, run, timing.DelayBound, gst?.Ticks ?? global::DistSim.Timing.TimingModel.NoGst));
    }

    /// <summary>The ideal signing service (keys derived from the seed).</summary>
    internal Security.SignatureService Signatures => _signatures ??= new Security.SignatureService(Seed, i => _nodes[i].Name, () => _nodes.Count);

    /// <summary>The random-fault rates in force (the swarm's choice in swarm mode): mean times between crashes and pauses, null when off.</summary>
    public (TimeSpan? Crashes, TimeSpan? Pauses) NemesisRates => (_nemesis?.MeanTimeBetweenCrashes, _nemesis?.MeanTimeBetweenPauses);

    /// <summary>The fair-loss behaviour of every pair not set otherwise: <see cref="SimulationOptions.Network"/>, or what the seed chose with <see cref="NemesisOptions.SwarmNetwork"/>.</summary>
    public Links.FairLossLinkOptions NetworkDefaults { get; }

    /// <summary>The options the simulation was built with.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The master seed.</summary>
    public ulong Seed => Options.Seed;

    /// <summary>True virtual time: the time of the event that ran last (or the time a run was advanced to).</summary>
    public SimTime Now
    {
        get
        {
            CheckThread(nameof(Now));
            return new(_loop.Now, trusted: true);
        }
    }

    /// <summary>Events executed so far (node starts, deliveries, timer firings).</summary>
    public long EventsExecuted
    {
        get
        {
            CheckThread(nameof(EventsExecuted));
            return _loop.Executed;
        }
    }

    /// <summary>Events waiting in the queue: scheduled and not yet run (a cancelled timer leaves at once; events a paused node defers wait outside the queue).</summary>
    public int PendingEvents
    {
        get
        {
            CheckThread(nameof(PendingEvents));
            return _loop.Pending;
        }
    }

    /// <summary>The trace of the run so far.</summary>
    public Trace Trace
    {
        get
        {
            CheckThread(nameof(Trace));
            return _trace;
        }
    }

    private readonly Trace _trace;

    /// <summary>True time, for the kernel's own use (no thread check: it runs on the simulation's thread).</summary>
    internal SimTime CurrentTime
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => new(_loop.Now, trusted: true);
    }

    /// <summary>True time in ticks, for the kernel's parts (no thread check).</summary>
    internal long NowTicks => _loop.Now;

    /// <summary>The message pipeline: every send, packet and delivery goes through it.</summary>
    internal MessagePipeline Pipeline => _pipeline;

    /// <summary>Whether the event loop gives the processor cache prefetch hints (on by default; a test turns it off to check that a run is the same without).</summary>
    internal bool KernelPrefetching
    {
        get => _loop.Prefetching;
        set => _loop.Prefetching = value;
    }

    /// <summary>Message counts so far.</summary>
    public MessageCounters Messages
    {
        get
        {
            CheckThread(nameof(Messages));
            return _pipeline.Messages;
        }
    }

    /// <summary>What the in-transit adversary tried and what got through (all zero without an adversary).</summary>
    public AttackCounters Attacks
    {
        get
        {
            CheckThread(nameof(Attacks));
            return _pipeline.Attacks;
        }
    }

    /// <summary>The network: per-pair link configuration.</summary>
    public SimNetwork Network
    {
        get
        {
            CheckThread(nameof(Network));
            return _network;
        }
    }

    private readonly SimNetwork _network;

    /// <summary>Ids of all nodes, in the order they were added.</summary>
    public IReadOnlyList<NodeId> Nodes
    {
        get
        {
            CheckThread(nameof(Nodes));
            return _nodes.Ids;
        }
    }

    /// <summary>
    /// The failure that stopped the run, if node code threw — or misbehaved where the run could not stop it: node code
    /// that escaped to another thread and was reported from there after the run returned is the run's failure too.
    /// </summary>
    public SimulationFailureException? Failure
    {
        get
        {
            CheckThread(nameof(Failure));
            if (_failure is null && !_running && Volatile.Read(ref _foreign) is not null)
            {
                SurfaceForeignFailure(); // reported from another thread after the run call ended
            }

            return _failure;
        }
    }

    /// <summary>
    /// Adds a node. Its object is created from <paramref name="factory"/> when it starts: at the current
    /// virtual time, after events already scheduled for that time.
    /// </summary>
    /// <param name="name">A unique, non-empty name: the node's stable identity (it names its random stream).</param>
    /// <param name="factory">Creates the node object (again at every restart).</param>
    /// <param name="failureModel">What may go wrong with the node; <see cref="FailureModels.None"/> (a correct node) when null.</param>
    /// <returns>The new node's id.</returns>
    public NodeId AddNode(string name, Func<Node> factory, FailureModel? failureModel = null)
    {
        using ThreadClaim claim = Claim(nameof(AddNode));
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"name must be a non-empty node name, got \"{name}\"", nameof(name));
        }

        if (_nodes.Contains(name))
        {
            throw new ArgumentException($"name \"{name}\" is already used by another node", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(factory);
        failureModel ??= FailureModels.None;
        failureModel.Validate();
        var id = new NodeId(_nodes.Count);
        var record = new NodeRecord(this, id.Value, name, factory, failureModel);
        DrawClock(record);
        record.Context = new NodeContext(record, 0);
        _nodes.Add(record);
        _loop.Schedule(_loop.Now, new ScheduledEvent(EventKind.Start, id.Value, -1, 0, 0, 0, null));
        _nemesis?.AddNode(id, failureModel, name);
        return id;
    }

    /// <summary>The name of a node.</summary>
    /// <param name="node">A node of this simulation.</param>
    public string NodeName(NodeId node)
    {
        CheckThread(nameof(NodeName));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Name;
    }

    /// <summary>A node's logger: its entries carry true virtual time and the node.</summary>
    internal ILogger CreateNodeLogger(int index, string name) =>
        new NodeLogger(_loggerFactory.CreateLogger("DistSim.Node." + name), new NodeId(index), name, this);

    /// <summary>The name of node <paramref name="index"/>, for the kernel's own use (no checks).</summary>
    internal string NodeNameOf(int index) => _nodes[index].Name;

    /// <summary>The id of the node called <paramref name="name"/>.</summary>
    /// <param name="name">A node name.</param>
    /// <exception cref="ArgumentException">No node has that name.</exception>
    public NodeId FindNode(string name)
    {
        CheckThread(nameof(FindNode));
        ArgumentNullException.ThrowIfNull(name);
        return _nodes.TryFind(name, out int i)
            ? new NodeId(i)
            : throw new ArgumentException($"name \"{name}\" is not a node of this simulation", nameof(name));
    }

    /// <summary>The live object of a node (null before it started), for inspection by tests.</summary>
    /// <param name="node">A node of this simulation.</param>
    public Node? GetNode(NodeId node)
    {
        CheckThread(nameof(GetNode));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].Instance;
    }

    /// <summary>The live object of a node, cast to its type.</summary>
    /// <typeparam name="T">The node's class.</typeparam>
    /// <param name="node">A node of this simulation that has started.</param>
    public T GetNode<T>(NodeId node)
        where T : Node => GetNode(node) as T
        ?? throw new InvalidOperationException($"node {NodeName(node)} has not started or is not a {typeof(T).Name}");

    /// <summary>
    /// Runs <paramref name="action"/> at virtual time <paramref name="time"/>, as an event of its own
    /// (after the events already scheduled for that time): for scripted faults such as partitions.
    /// </summary>
    /// <param name="time">When; not before <see cref="Now"/>.</param>
    /// <param name="action">
    /// What to do; it may use the simulation's public API, but not run it (<see cref="Run"/> from inside a run
    /// throws). If it throws, the run fails as a node handler would: a <see cref="SimulationFailureException"/>
    /// with the seed, the virtual time and the event.
    /// </param>
    public void At(SimTime time, Action action)
    {
        using ThreadClaim claim = Claim(nameof(At));
        if (time.Ticks < _loop.Now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"must not be before Now ({CurrentTime})");
        }

        ArgumentNullException.ThrowIfNull(action);
        Schedule(time.Ticks, new ScheduledEvent(EventKind.Control, 0, -1, 0, 0, 0, action));
    }

    /// <summary>
    /// Runs a fault's <paramref name="action"/> at <paramref name="time"/>: before every other event of that instant, in the
    /// order faults were scheduled (the nemesis, the partition nemesis and fault schedules use it, so a schedule replays
    /// the faults the nemesis drew into the very same run).
    /// </summary>
    internal void AtFault(SimTime time, Action action)
    {
        if (time.Ticks < _loop.Now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"must not be before Now ({CurrentTime})");
        }

        _loop.ScheduleFault(time.Ticks, new ScheduledEvent(EventKind.Control, 0, -1, 0, 0, 0, action));
    }

    /// <summary>
    /// Runs <paramref name="action"/> at <paramref name="time"/> inside node <paramref name="node"/>, as one of
    /// its handlers: the way a test drives a node (a client request, a method of the node that sends or sets
    /// timers), since a node acts only from inside its handlers. A paused node runs it when it resumes; if the
    /// node is down or not started then, or is not a <typeparamref name="TNode"/>, the run fails.
    /// </summary>
    /// <typeparam name="TNode">The node's class.</typeparam>
    /// <param name="time">When; not before <see cref="Now"/>.</param>
    /// <param name="node">A node of this simulation.</param>
    /// <param name="action">What the node does.</param>
    public void At<TNode>(SimTime time, NodeId node, Action<TNode> action)
        where TNode : Node
    {
        using ThreadClaim claim = Claim(nameof(At));
        RequireNode(node, nameof(node));
        if (time.Ticks < _loop.Now)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"must not be before Now ({CurrentTime})");
        }

        ArgumentNullException.ThrowIfNull(action);
        string name = _nodes[node.Value].Name;
        Action<Node> run = n => action(n as TNode ?? throw new InvalidOperationException($"node {name} is a {n.GetType().Name}, not a {typeof(TNode).Name}"));
        Schedule(time.Ticks, new ScheduledEvent(EventKind.NodeAction, node.Value, -1, 0, 0, 0, run));
    }

    /// <summary>Whether the trace keeps the next event: a description only the trace reads need not be built otherwise.</summary>
    internal bool TraceKeepsNextEvent => _trace.KeepsNext;

    internal void RecordNetworkChange(TraceEventKind kind, NodeId node, NodeId? peer, string description) =>
        RecordEvent(kind, node.Value, peer?.Value ?? -1, 0, 0, 0, DropCause.None, description);

    internal void RequireNode(NodeId node, string parameter)
    {
        if (node.Value >= _nodes.Count)
        {
            throw new ArgumentOutOfRangeException(parameter, node, $"is not a node of this simulation ({_nodes.Count} nodes)");
        }
    }
}
