using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Storage;

namespace DistSim;

/// <summary>Everything the simulation keeps about one node, across its incarnations.</summary>
/// <remarks>
/// What many nodes never use is created on first use — the node's random stream, and (in one object) its fault stream,
/// storage, logger, clock errors, crash and pause generations and the events deferred while paused — so an idle node
/// costs this object, its context and its entries in the simulation's tables. Creating a stream late draws the same numbers: a stream's seed depends only on its name.
/// </remarks>
internal sealed class NodeRecord(Simulation simulation, int index, string name, Func<Node> factory, FailureModel model)
{
    private RandomStream? _random;
    private Extras? _extras;
    private bool _up = true;
    private bool _paused;

    public string Name { get; } = name;

    /// <summary>The simulation the node belongs to.</summary>
    public Simulation Simulation { get; } = simulation;

    /// <summary>The node's index (its <see cref="Nodes.NodeId"/>).</summary>
    public int Index { get; } = index;

    public Func<Node> Factory { get; } = factory;

    /// <summary>The node's own stream (<c>node:&lt;name&gt;</c>); it continues across restarts (the node does not get its past draws again).</summary>
    public RandomStream Random => _random ??= NewRandom();

    public FailureModel Model { get; } = model;

    /// <summary>Draws for the node's faults (omissions, torn writes): <c>faults:&lt;name&gt;</c>, apart from the node's own stream.</summary>
    public RandomStream Faults => X.Faults ??= StreamSeed.Create(Simulation.Seed, "faults:", Name);

    /// <summary>The node's durable storage: it outlives the node's objects.</summary>
    public DurableStorage Storage => X.Storage ??= new DurableStorage(Simulation, Index);

    /// <summary>The storage if the node ever used it (a crash has nothing to lose otherwise).</summary>
    public DurableStorage? StorageIfUsed => _extras?.Storage;

    /// <summary>The context of the current (or last) incarnation: a new one per incarnation, so an old one can be told apart.</summary>
    public NodeContext Context { get; set; } = null!;

    public Microsoft.Extensions.Logging.ILogger Logger => X.Logger ??= Simulation.CreateNodeLogger(Index, Name);

    /// <summary>
    /// The number of the start the node waits for: +1 at every restart. A start event carries the number it
    /// was scheduled with; one superseded by a later restart (crash and restart again at the same instant)
    /// does nothing, so each restart that takes effect runs exactly one <see cref="Node.OnRecover"/>.
    /// </summary>
    public long StartGeneration { get; set; }

    /// <summary>+1 at every crash: a restart scheduled for one crash (<c>CrashFor</c>) does not end a later one.</summary>
    public long CrashGeneration
    {
        get => _extras?.CrashGeneration ?? 0;
        set => X.CrashGeneration = value;
    }

    /// <summary>+1 at every pause: a resume scheduled for one pause (<c>PauseFor</c>, the step bound) does not end a later one.</summary>
    public long PauseGeneration
    {
        get => _extras?.PauseGeneration ?? 0;
        set => X.PauseGeneration = value;
    }

    /// <summary>The live object; null before the node starts and while it is down.</summary>
    public Node? Instance { get; set; }

    /// <summary>False from a crash until the restart.</summary>
    public bool Up
    {
        get => _up;
        set => SetFaultState(ref _up, value);
    }

    /// <summary>True between a pause and its resume.</summary>
    public bool Paused
    {
        get => _paused;
        set => SetFaultState(ref _paused, value);
    }

    /// <summary>
    /// True while the node holds a fault that has not ended: paused, or down with a restart due. The simulation counts
    /// such nodes as they change (<see cref="Simulation.FaultStateChanged"/>), so whether the system is fault-free is
    /// known without a scan of every node.
    /// </summary>
    public bool HoldsFault => _paused || (!_up && RestartDue);

    /// <summary>True while the node is down or paused (what the nemesis's <c>MaxFaulty</c> bounds); counted as it changes, like <see cref="HoldsFault"/>.</summary>
    public bool IsFaulty => !_up || _paused;

    /// <summary>Events that came due while the node was paused, in the order they came due.</summary>
    public List<ScheduledEvent> Deferred => X.Deferred ??= [];

    /// <summary>How many events wait for the node's resume.</summary>
    public int DeferredCount => _extras?.Deferred?.Count ?? 0;

    /// <summary>How far the node's clock starts ahead of true time, in ticks.</summary>
    public long ClockOffset
    {
        get => _extras?.Offset ?? 0;
        set => X.Offset = value;
    }

    /// <summary>The node's clock rate error, in parts per billion (+1,000,000 runs 0.1% fast).</summary>
    public long DriftPpb
    {
        get => _extras?.DriftPpb ?? 0;
        set => X.DriftPpb = value;
    }

    /// <summary>The sum of the step corrections applied to its clock, in ticks.</summary>
    public long ClockSteps
    {
        get => _extras?.Steps ?? 0;
        set => X.Steps = value;
    }

    /// <summary>False while the clock is perfect (the common case: no arithmetic at all, and no object).</summary>
    public bool HasClock => _extras is { } c && (c.Offset != 0 || c.DriftPpb != 0 || c.Steps != 0);

    /// <summary>Its vector clock (when the simulation keeps them).</summary>
    public long[] VectorClock
    {
        get => _extras?.Vector ?? [];
        set => X.Vector = value;
    }

    /// <summary>True while the node's object is an <see cref="Nodes.AsyncNode"/>: its events run with a per-event synchronization context and an escape check.</summary>
    public bool AsyncCode { get; set; }

    /// <summary>True while the node is down with a restart scheduled (<c>CrashFor</c>, the nemesis): the fault has not ended yet.</summary>
    public bool RestartDue
    {
        get => _extras?.RestartDue ?? false;
        set
        {
            if (!value && _extras is null)
            {
                return; // false already, and no object to make for it
            }

            SetFaultState(ref X.RestartDue, value);
        }
    }

    /// <summary>1 for the first object, +1 at every restart.</summary>
    public int Incarnation { get; set; }

    private Extras X => _extras ??= new Extras();

    /// <summary>Sets one of the fields that make up the node's fault state, and tells the simulation, which counts nodes by it.</summary>
    private void SetFaultState(ref bool field, bool value)
    {
        (bool held, bool faulty) = (HoldsFault, IsFaulty);
        field = value;
        Simulation.FaultStateChanged(this, held, faulty);
    }

    /// <summary>The time provider of incarnation <paramref name="context"/> (one per incarnation: its timers die with it).</summary>
    public TimeProvider TimeProviderFor(NodeContext context)
    {
        Extras x = X;
        if (x.TimeProvider is null || !ReferenceEquals(x.TimeProviderOwner, context))
        {
            x.TimeProvider = new Time.NodeTimeProvider(context);
            x.TimeProviderOwner = context;
        }

        return x.TimeProvider;
    }

    private RandomStream NewRandom()
    {
        RandomStream stream = StreamSeed.Create(Simulation.Seed, "node:", Name);
        stream.GuardFor(Simulation, Index);
        return stream;
    }

    /// <summary>
    /// What many nodes never need, in one object created on first need: an imperfect clock, vector clocks, the fault
    /// stream, storage, a logger, crash and pause generations, events deferred by a pause.
    /// </summary>
    private sealed class Extras
    {
        public long Offset;
        public long DriftPpb;
        public long Steps;
        public long[] Vector = [];
        public RandomStream? Faults;
        public DurableStorage? Storage;
        public Microsoft.Extensions.Logging.ILogger? Logger;
        public List<ScheduledEvent>? Deferred;
        public long CrashGeneration;
        public long PauseGeneration;
        public bool RestartDue;
        public Time.NodeTimeProvider? TimeProvider;
        public NodeContext? TimeProviderOwner;
    }
}
