using System.Globalization;
using DistSim.Checking;
using DistSim.Diagnostics;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim;

/// <summary>Properties checked by the simulation: always, eventually, sometimes, and node code's markers.</summary>
public sealed partial class Simulation
{
    /// <summary>How many trace events a violation report lists.</summary>
    private const int ReportedEvents = 12;

    private PropertyMonitor? _monitor;
    private long _faultsEndDeclared = -1;

    /// <summary>
    /// Every property of this run and where it stands: those registered (<see cref="Always"/>, <see cref="Eventually"/>,
    /// <see cref="Sometimes"/>, <see cref="ExpectSometimes"/>) in registration order, then the markers node code reached
    /// (<see cref="INodeContext.Sometimes"/>, <see cref="INodeContext.Unreachable"/>) in the order first reached.
    /// </summary>
    public IReadOnlyList<PropertyState> Properties
    {
        get
        {
            CheckThread(nameof(Properties));
            return _monitor?.States() ?? [];
        }
    }

    /// <summary>
    /// The instant after which no fault source the simulation knows of injects a new fault: the latest of the random
    /// nemesis's <see cref="Failures.NemesisOptions.Until"/>, the random partitions' <see cref="Network.RandomPartitionOptions.Until"/>,
    /// the last step of every applied <see cref="Failures.FaultSchedule"/>, and what <see cref="ExtendFaultsEnd"/> declared.
    /// <see cref="SimTime.Zero"/> when there is none. Faults started by then may still last (a crash with its downtime,
    /// a partition until its heal): <see cref="EventuallyFrom.FaultsEnd"/> waits for those to end too.
    /// </summary>
    public SimTime FaultsEnd
    {
        get
        {
            CheckThread(nameof(FaultsEnd));
            return new SimTime(FaultsEndTicks());
        }
    }

    /// <summary>
    /// Declares that faults may be injected until <paramref name="at"/>: for faults a test scripts itself
    /// (<see cref="At(SimTime, Action)"/> calling <see cref="Crash"/>, <see cref="Network.SimNetwork.Partition"/>, …),
    /// which the simulation cannot see coming. <see cref="FaultsEnd"/> becomes at least <paramref name="at"/>.
    /// </summary>
    /// <param name="at">The last instant a scripted fault may start.</param>
    public void ExtendFaultsEnd(SimTime at)
    {
        using ThreadClaim claim = Claim(nameof(ExtendFaultsEnd));
        _faultsEndDeclared = Math.Max(_faultsEndDeclared, at.Ticks);
    }

    /// <summary>
    /// Registers a safety property: <paramref name="predicate"/> must hold after every event. It is evaluated after every
    /// event of every later run call; the first event after which it is false stops the run with
    /// <see cref="RunOutcome.PropertyViolated"/>, and the failure (<see cref="Failure"/>, thrown when
    /// <see cref="SimulationOptions.ThrowOnNodeFault"/> is set) gives the seed, the virtual time, the event and the
    /// last events of the trace. Registering properties never changes the run: the same seed gives the same trace with
    /// or without them (up to the stop), and none registered costs nothing.
    /// </summary>
    /// <param name="name">What the property says, e.g. <c>"at most one leader per term"</c>; unique among this simulation's properties.</param>
    /// <param name="predicate">
    /// Reads the simulation (nodes, <see cref="IsUp"/>, counters, a history) and must not change it. A node may not have
    /// started yet (start events run one by one at time 0) or may be down: read it with <c>GetNode(id) is T node</c>, since
    /// <see cref="GetNode{T}"/> throws then. A predicate that throws fails the run, naming the property and the event.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    /// <exception cref="InvalidOperationException">Called from node code.</exception>
    public void Always(string name, Func<bool> predicate)
    {
        using ThreadClaim claim = Claim(nameof(Always));
        ArgumentNullException.ThrowIfNull(predicate);
        Monitor().Add(name, PropertyKind.Always, predicate, 0, EventuallyFrom.Start, _loop.Now);
    }

    /// <summary>
    /// Registers a bounded liveness property: <paramref name="predicate"/> must hold at some instant within
    /// <paramref name="within"/> after the window opens (<paramref name="from"/>). The predicate is evaluated after every
    /// event; a state that holds when the window opens counts. If the window closes without it, the run stops with
    /// <see cref="RunOutcome.PropertyViolated"/> at the deadline (detected before the first event after it, or when the
    /// run goes quiet). A window that never opens (faults never end) or a run call that stops before the deadline leaves
    /// the property <see cref="PropertyStatus.Pending"/>: see <see cref="Properties"/>.
    /// </summary>
    /// <remarks>
    /// Under partial synchrony, liveness can only be promised after GST (and after faults end): count from
    /// <see cref="EventuallyFrom.Gst"/>, <see cref="EventuallyFrom.FaultsEnd"/> or <see cref="EventuallyFrom.GstAndFaultsEnd"/>
    /// with a bound the protocol can meet from there (e.g. a few election timeouts plus a few Δ). Counting from the start
    /// would blame the protocol for the model's asynchrony.
    /// </remarks>
    /// <param name="name">What the property says, e.g. <c>"a leader is elected"</c>; unique among this simulation's properties.</param>
    /// <param name="predicate">Reads the simulation; must not change it.</param>
    /// <param name="within">How long after the window opens the predicate may take; at least zero.</param>
    /// <param name="from">Where the window opens.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="within"/> is negative, <paramref name="from"/> unknown,
    /// or <paramref name="from"/> counts from GST under a timing model that bounds no delay (<see cref="Timing.TimingModel.DelayBound"/> null).</exception>
    public void Eventually(string name, Func<bool> predicate, TimeSpan within, EventuallyFrom from = EventuallyFrom.Start)
    {
        using ThreadClaim claim = Claim(nameof(Eventually));
        ArgumentNullException.ThrowIfNull(predicate);
        if (within < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(within), within, "must be >= 0");
        }

        if (!Enum.IsDefined(from))
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, "unknown EventuallyFrom");
        }

        if (from is EventuallyFrom.Gst or EventuallyFrom.GstAndFaultsEnd && _timing.DelayBound is null)
        {
            throw new ArgumentOutOfRangeException(
                nameof(from), from, $"the timing model '{_timing.Name}' bounds no delay (no GST after which a Δ holds): no bound on 'eventually' counted from GST is sound there (use a synchronous or partially synchronous model, or count from the start or the end of faults)");
        }

        Monitor().Add(name, PropertyKind.Eventually, predicate, within.Ticks, from, _loop.Now);
    }

    /// <summary>
    /// Registers a coverage goal: <paramref name="predicate"/> should hold at least once (evaluated after every event until
    /// it does). Never fails a run; over a sweep, <see cref="CoverageReport"/> lists the goals no run met —
    /// situations the sweep never explored.
    /// </summary>
    /// <param name="name">The situation, e.g. <c>"a leader stepped down"</c>; unique among this simulation's properties.</param>
    /// <param name="predicate">Reads the simulation; must not change it.</param>
    public void Sometimes(string name, Func<bool> predicate)
    {
        using ThreadClaim claim = Claim(nameof(Sometimes));
        ArgumentNullException.ThrowIfNull(predicate);
        Monitor().Add(name, PropertyKind.Sometimes, predicate, 0, EventuallyFrom.Start, _loop.Now);
    }

    /// <summary>
    /// Declares a <see cref="INodeContext.Sometimes"/> marker that node code should reach (with its condition true) in
    /// some run, so that a coverage report lists it even when no run reaches it at all.
    /// </summary>
    /// <param name="name">The marker's name, as node code passes it.</param>
    public void ExpectSometimes(string name)
    {
        using ThreadClaim claim = Claim(nameof(ExpectSometimes));
        Monitor().Marker(name, PropertyKind.Sometimes);
    }

    /// <summary>Node code reached a <c>Sometimes</c> marker (<see cref="INodeContext.Sometimes"/>).</summary>
    internal void ReachSometimes(string name, bool condition)
    {
        PropertyMonitor.Property p = Monitor().Marker(name, PropertyKind.Sometimes);
        p.Hits++;
        if (condition && p.Status != PropertyStatus.Satisfied)
        {
            p.Status = PropertyStatus.Satisfied;
            p.At = _loop.Now;
        }
    }

    /// <summary>Node code reached an <c>Unreachable</c> marker (<see cref="INodeContext.Unreachable"/>): the run fails after this event.</summary>
    internal void ReachUnreachable(int node, string name, string? detail)
    {
        PropertyMonitor.Property p = Monitor().Marker(name, PropertyKind.Unreachable);
        p.Hits++;
        if (p.Status == PropertyStatus.Violated || _failure is not null)
        {
            return;
        }

        p.Status = PropertyStatus.Violated;
        p.At = _loop.Now;
        string what = string.Create(CultureInfo.InvariantCulture, $"unreachable \"{name}\" reached by node {_nodes[node].Name}{(detail is null ? string.Empty : ": " + detail)}");
        Violate(p, _loop.Now, _trace.Count - 1, what);
    }

    /// <summary>Before the event at <paramref name="next"/> runs (or the run stops): Eventually windows that opened or closed meanwhile.</summary>
    private void AdvanceProperties(long next, long bound)
    {
        PropertyMonitor monitor = _monitor!;
        if (!monitor.HasOpenEventually)
        {
            return;
        }

        bool? faultFree = null; // asked at most once per call, and only when a window waits for the end of faults (no allocation per event)
        long reach = Math.Min(bound, _loop.TimeLimit); // the state holds until the next event, within what this call may reach
        foreach (PropertyMonitor.Property p in monitor.Eventuallies)
        {
            if (p.Status != PropertyStatus.Pending)
            {
                continue;
            }

            if (p.Opened < 0)
            {
                long origin = FixedOrigin(p);
                if (origin < 0)
                {
                    // A window that opens when faults have ended: if the system is fault-free now, it is until the next event.
                    // Only once every event of this instant has run (a fault scheduled at this very instant comes first),
                    // and strictly before the next event.
                    long earliest = FaultsOrigin(p);
                    if (next <= _loop.Now || earliest >= next || earliest > reach || !(faultFree ??= IsFaultFree()))
                    {
                        continue;
                    }

                    origin = Math.Max(earliest, _loop.Now);
                }
                else if (origin > Math.Min(next, reach))
                {
                    continue;
                }

                p.Opened = Math.Max(origin, _loop.Now);
                if (!p.Fresh && !Refresh(p))
                {
                    return;
                }

                if (p.HoldsNow)
                {
                    Satisfy(p, p.Opened);
                    continue;
                }
            }

            long deadline = p.Opened + p.Within;
            if (deadline < next && deadline <= reach && !p.Fresh)
            {
                // Registered since the last event: judge the state it has held since, not a guess.
                if (!Refresh(p))
                {
                    return;
                }

                if (p.HoldsNow)
                {
                    Satisfy(p, Math.Max(p.Opened, _loop.Now));
                    continue;
                }
            }

            if (deadline < next && deadline <= reach)
            {
                Violate(p, deadline, _trace.Count - 1, string.Create(
                    CultureInfo.InvariantCulture,
                    $"eventually \"{p.Name}\" did not hold within {new SimTime(p.Within)} of {new SimTime(p.Opened)} (window from {Describe(p.From)}; deadline {new SimTime(deadline)}, " +
                    $"{(next == long.MaxValue ? "the run went quiet at " + CurrentTime : "next event at " + new SimTime(next))})"));
                return;
            }
        }
    }

    /// <summary>After an event: every predicate is evaluated; Always violations and Eventually/Sometimes successes recorded.</summary>
    /// <param name="eventIndex">The trace index of the event that ran (its first record).</param>
    private void CheckProperties(long eventIndex)
    {
        try
        {
            CheckPredicates(eventIndex);
        }
        finally
        {
            _monitor!.Compact(); // predicates that settled during the pass leave the list now, not while it is walked
        }
    }

    private void CheckPredicates(long eventIndex)
    {
        PropertyMonitor monitor = _monitor!;
        long now = _loop.Now;
        List<PropertyMonitor.Property> predicates = monitor.Predicates;
        for (int i = 0; i < predicates.Count; i++)
        {
            PropertyMonitor.Property p = predicates[i];
            if (p.Status is PropertyStatus.Violated || (p.Kind != PropertyKind.Always && p.Status == PropertyStatus.Satisfied))
            {
                continue;
            }

            if (!Evaluate(p, eventIndex, out bool holds))
            {
                return;
            }

            p.HoldsNow = holds;
            p.Fresh = true;
            switch (p.Kind)
            {
                case PropertyKind.Always when !holds:
                    Violate(p, now, eventIndex, $"always \"{p.Name}\" is false after event {EventText(eventIndex)}");
                    return;
                case PropertyKind.Sometimes when holds:
                    Satisfy(p, now);
                    break;
                case PropertyKind.Eventually:
                    // A window from a fixed instant opens here; one that waits for the end of faults opens only before the next
                    // event (AdvanceProperties), once every event of this instant has run: a fault may be one of them.
                    if (p.Opened < 0 && FixedOrigin(p) is >= 0 and var origin && origin <= now)
                    {
                        p.Opened = Math.Max(origin, p.Registered);
                    }

                    if (holds && p.Opened >= 0)
                    {
                        Satisfy(p, now);
                    }

                    break;
            }
        }
    }

    /// <summary>Evaluates a predicate on the state as it is (no event since it was registered); false when that failed the run.</summary>
    private bool Refresh(PropertyMonitor.Property p)
    {
        if (!Evaluate(p, _trace.Count - 1, out bool holds))
        {
            return false;
        }

        p.HoldsNow = holds;
        p.Fresh = true;
        return true;
    }

    /// <summary>Runs a predicate; false when it threw or changed the simulation (the run then fails, naming it).</summary>
    private bool Evaluate(PropertyMonitor.Property p, long eventIndex, out bool holds)
    {
        long events = _trace.Count, pending = _loop.Pending;
        try
        {
            holds = p.Predicate!();
        }
        catch (Exception ex)
        {
            holds = false;
            _failure = new SimulationFailureException(
                Seed, CurrentTime, null, "property", eventIndex, $"{Kind(p)} \"{p.Name}\" evaluated after event {EventText(eventIndex)}", _trace, ex);
            return false;
        }

        if (_trace.Count != events || _loop.Pending != pending)
        {
            _failure = new SimulationFailureException(
                Seed, CurrentTime, null, "property", eventIndex, $"{Kind(p)} \"{p.Name}\" evaluated after event {EventText(eventIndex)}", _trace,
                new InvalidOperationException($"the predicate of {Kind(p)} \"{p.Name}\" changed the simulation (it recorded or scheduled events): a property must only read"));
            return false;
        }

        return true;
    }

    private void Satisfy(PropertyMonitor.Property p, long at)
    {
        p.Status = PropertyStatus.Satisfied;
        p.At = at;
        _monitor!.Settled(p);
    }

    private void Violate(PropertyMonitor.Property p, long at, long eventIndex, string what)
    {
        p.Status = PropertyStatus.Violated;
        p.At = at;
        IReadOnlyList<string> last = LastEvents();
        string message = what + (last.Count == 0
            ? " (the trace is not kept: replay the seed with RecordTrace on to see the events)"
            : "\nlast events:\n  " + string.Join("\n  ", last));
        var violation = new PropertyViolationException(p.Name, p.Kind, message, last);
        _failure = new SimulationFailureException(
            Seed, new SimTime(at, trusted: true), null, "property", eventIndex, $"{Kind(p)} \"{p.Name}\"", _trace, violation);
    }

    private IReadOnlyList<string> LastEvents()
    {
        IReadOnlyList<TraceEvent> events = _trace.Events;
        int from = Math.Max(0, events.Count - ReportedEvents);
        var lines = new List<string>(events.Count - from);
        for (int i = from; i < events.Count; i++)
        {
            lines.Add(_trace.Describe(events[i]));
        }

        return lines;
    }

    /// <summary>Trace event <paramref name="index"/> as text, if the trace kept it; its number otherwise.</summary>
    private string EventText(long index)
    {
        IReadOnlyList<TraceEvent> events = _trace.Events;
        int at = events.Count - 1 - (int)Math.Min(int.MaxValue, _trace.Count - 1 - index);
        return at >= 0 && at < events.Count && events[at].Index == index
            ? _trace.Describe(events[at])
            : "#" + index.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The instant a window with a fixed origin opens (registration, GST); −1 when it waits for faults to end.</summary>
    private long FixedOrigin(PropertyMonitor.Property p) => p.From switch
    {
        EventuallyFrom.Start => p.Registered,
        EventuallyFrom.Gst => Math.Max(p.Registered, _gst),
        _ => -1,
    };

    /// <summary>The earliest instant a window waiting for the end of faults (and GST, if asked) can open.</summary>
    private long FaultsOrigin(PropertyMonitor.Property p) =>
        Math.Max(Math.Max(FaultsEndTicks(), p.Registered), p.From == EventuallyFrom.GstAndFaultsEnd ? _gst : 0);

    private long FaultsEndTicks()
    {
        long end = Math.Max(0, _faultsEndDeclared);
        if (Options.Nemesis is { } nemesis)
        {
            end = Math.Max(end, nemesis.Until.Ticks);
        }

        if (Options.Partitions is { } partitions)
        {
            end = Math.Max(end, partitions.Until.Ticks);
        }

        return end;
    }

    /// <summary>
    /// No node paused, no crashed node waiting for its scheduled restart, no partition or cut. O(1): the nodes holding a
    /// fault are counted as they change (asked before every event while a window waits for the end of faults, so a scan
    /// of every node would make each event cost O(K)).
    /// </summary>
    internal bool IsFaultFree() => !_network.HasPartition && _nodesHoldingFaults == 0;

    /// <summary>A FaultSchedule step or the nemesis: faults may start until <paramref name="at"/>.</summary>
    internal void NoteFaultsUntil(SimTime at) => _faultsEndDeclared = Math.Max(_faultsEndDeclared, at.Ticks);

    /// <summary>The nemesis crashed <paramref name="node"/> and scheduled its restart.</summary>
    internal void ExpectRestart(NodeId node) => _nodes[node.Value].RestartDue = true;

    private PropertyMonitor Monitor()
    {
        if (_monitor is null)
        {
            _monitor = new PropertyMonitor();
        }

        return _monitor;
    }

    private string Describe(EventuallyFrom from) => from switch
    {
        EventuallyFrom.Gst => "GST",
        EventuallyFrom.FaultsEnd => "the end of faults",
        EventuallyFrom.GstAndFaultsEnd => "GST and the end of faults",
        _ => "registration",
    };

    private static string Kind(PropertyMonitor.Property p) => p.Kind.ToString().ToLowerInvariant();

    /// <summary>The properties of one simulation.</summary>
    private sealed class PropertyMonitor
    {
        private readonly List<Property> _all = [];
        private readonly Dictionary<string, Property> _byName = new(StringComparer.Ordinal);
        private readonly List<Property> _predicates = [];
        private readonly List<Property> _eventuallies = [];
        private int _openEventually;
        private bool _settled;

        /// <summary>Properties with a predicate still to evaluate after each event.</summary>
        public List<Property> Predicates => _predicates;

        public List<Property> Eventuallies => _eventuallies;

        public bool HasOpenEventually => _openEventually > 0;

        /// <summary>Whether anything must run after each event.</summary>
        public bool Active => _predicates.Count > 0;

        public void Add(string name, PropertyKind kind, Func<bool> predicate, long within, EventuallyFrom from, long now)
        {
            CheckName(name);
            var p = new Property(name, kind) { Predicate = predicate, Within = within, From = from, Registered = now };
            _all.Add(p);
            _byName.Add(name, p);
            _predicates.Add(p);
            if (kind == PropertyKind.Eventually)
            {
                _eventuallies.Add(p);
                _openEventually++;
            }

        }

        public Property Marker(string name, PropertyKind kind)
        {
            if (_byName.TryGetValue(name ?? string.Empty, out Property? p))
            {
                if (p.Kind != kind || p.Predicate is not null)
                {
                    throw new ArgumentException($"\"{name}\" is already a {p.Kind.ToString().ToLowerInvariant()} property{(p.Predicate is null ? " marker" : " with a predicate")}: a marker of kind {kind.ToString().ToLowerInvariant()} needs a name of its own", nameof(name));
                }

                return p;
            }

            CheckName(name);
            p = new Property(name!, kind);
            _all.Add(p);
            _byName.Add(name!, p);
            return p;
        }

        /// <summary>A predicate that needs no more evaluation (a Sometimes or Eventually that held): it leaves at the next <see cref="Compact"/>.</summary>
        public void Settled(Property p)
        {
            _settled = true;
            if (p.Kind == PropertyKind.Eventually)
            {
                _openEventually--;
            }
        }

        /// <summary>Drops the predicates that settled since the last call (after an event where none did: nothing to walk).</summary>
        public void Compact()
        {
            if (_settled)
            {
                _predicates.RemoveAll(p => p.Kind != PropertyKind.Always && p.Status != PropertyStatus.Pending);
                _settled = false;
            }
        }

        public IReadOnlyList<PropertyState> States() =>
            [.. _all.Select(p => new PropertyState(
                p.Name,
                p.Kind,
                p.Status,
                p.Status is PropertyStatus.Satisfied or PropertyStatus.Violated ? new SimTime(p.At) : null,
                p.Opened >= 0 ? new SimTime(p.Opened) : null,
                p.Hits))];

        private void CheckName(string? name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"a property needs a name, not '{name}'", nameof(name));
            }

            if (_byName.ContainsKey(name))
            {
                throw new ArgumentException($"a property named \"{name}\" is already registered", nameof(name));
            }
        }

        public sealed class Property(string name, PropertyKind kind)
        {
            public string Name { get; } = name;

            public PropertyKind Kind { get; } = kind;

            public Func<bool>? Predicate { get; init; }

            public long Within { get; init; }

            public EventuallyFrom From { get; init; }

            public long Registered { get; init; }

            public PropertyStatus Status { get; set; } = kind is PropertyKind.Always or PropertyKind.Unreachable ? PropertyStatus.Holding : PropertyStatus.Pending;

            public long At { get; set; }

            public long Opened { get; set; } = -1;

            public bool HoldsNow { get; set; }

            /// <summary>Whether <see cref="HoldsNow"/> was evaluated on the current state (false from registration until the first evaluation).</summary>
            public bool Fresh { get; set; }

            public long Hits { get; set; }
        }
    }
}
