using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Time;

namespace DistSim;

/// <summary>Faults as data: recording the faults a run draws, and applying a fault schedule (a replay or a script).</summary>
public sealed partial class Simulation
{
    private List<Fault>? _faultLog;
    private FaultSchedule? _pendingSchedule;
    private Exploration.ExplorationRun? _exploration;

    /// <summary>Events run so far (for the explorer's depth).</summary>
    internal long ExecutedCount => _loop.Executed;

    /// <summary>A digest of what the kernel knows of the state — the pending events (kind, node, peer, time from now, payload), the time, each node's status, the partitions — for the explorer's state hash; node ids renamed by <paramref name="rename"/> when given.</summary>
    internal ulong PendingDigest(int[]? rename)
    {
        // The kernel's part of the state, which node code cannot see or hash: the time (the future of a run bounded in
        // time depends on it), each node's status (up, paused, incarnation: under the renaming), the partitions.
        ulong h = _loop.Digest(rename) ^ ((ulong)_loop.Now * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)_network.PartitionEpoch * 0xC2B2AE3D27D4EB4FUL);
        for (int i = 0; i < _nodes.Count; i++)
        {
            NodeRecord node = _nodes[i];
            ulong status = (node.Up ? 1UL : 0) | (node.Paused ? 2UL : 0) | ((ulong)(uint)node.Incarnation << 2);
            int at = rename is not null ? rename[i] : i;
            h += (status + 1) * (0x165667B19E3779F9UL ^ ((ulong)(uint)at * 0x85EBCA77C2B2AE63UL));
        }

        return h;
    }

    /// <summary>
    /// The faults this run injected at random so far (and those of a replayed <see cref="SimulationOptions.FaultSchedule"/>),
    /// in the order they happened, as a schedule: give it as <see cref="SimulationOptions.FaultSchedule"/> to a simulation
    /// with the same seed and options and it replays this run, event for event (the same fingerprint). It carries this
    /// run's <see cref="FaultsEnd"/> (null when that is the start), and scripts messages when they were recorded. Each call
    /// returns a new schedule.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="SimulationOptions.RecordFaults"/> is <see cref="FaultRecording.Off"/>.</exception>
    public FaultSchedule RecordedFaults
    {
        get
        {
            CheckThread(nameof(RecordedFaults));
            if (_faultLog is null)
            {
                throw new InvalidOperationException("RecordedFaults: this simulation records no faults; set SimulationOptions.RecordFaults to Nemesis or NemesisAndMessages");
            }

            long end = FaultsEndTicks();
            return new FaultSchedule(_faultLog, Options.RecordFaults == FaultRecording.NemesisAndMessages) { FaultsEnd = end > 0 ? new SimTime(end) : null };
        }
    }

    /// <summary>Whether faults are written down (the nemeses ask before building a record).</summary>
    internal bool RecordsFaults => _faultLog is not null;

    /// <summary>Writes down a fault that happened now.</summary>
    internal void LogFault(Fault fault) => _faultLog?.Add(fault);

    /// <summary>Whether the random nemeses inject nothing (a schedule replaces them).</summary>
    internal bool NemesisReplaced => Options.FaultSchedule is not null;

    /// <summary>Whether a node is faulty now: down or paused (the nemesis's bounds count these).</summary>
    internal bool IsFaulty(NodeId node) => _nodes[node.Value].IsFaulty;

    /// <summary>Nodes paused, or down with a restart due (<see cref="NodeRecord.HoldsFault"/>).</summary>
    private int _nodesHoldingFaults;

    /// <summary>Nodes down or paused (<see cref="NodeRecord.IsFaulty"/>).</summary>
    private int _faultyNodes;

    /// <summary>How many nodes are down or paused now: O(1), for the nemesis's bound on faulty nodes, checked at every fault it draws.</summary>
    internal int FaultyCount => _faultyNodes;

    /// <summary><paramref name="node"/>'s up, paused or restart-due state changed; <paramref name="held"/> and <paramref name="faulty"/> are what it was before.</summary>
    internal void FaultStateChanged(NodeRecord node, bool held, bool faulty)
    {
        if (held != node.HoldsFault)
        {
            _nodesHoldingFaults += held ? -1 : 1;
        }

        if (faulty != node.IsFaulty)
        {
            _faultyNodes += faulty ? -1 : 1;
            _nemesis?.FaultyChanged(node.Index, node.IsFaulty);
        }
    }

    /// <summary>The nemesis, for tests of its bookkeeping.</summary>
    internal Failures.FaultNemesis? Nemesis => _nemesis;

    /// <summary>The record of node <paramref name="node"/> (for tests of the kernel's bookkeeping).</summary>
    internal NodeRecord RecordOf(NodeId node) => _nodes[node.Value];

    /// <summary>The crash count of a node, to tell whether a crash is still the one in force.</summary>
    internal long CrashGenerationOf(NodeId node) => _nodes[node.Value].CrashGeneration;

    /// <summary>The pause count of a node, to tell whether a pause is still the one in force.</summary>
    internal long PauseGenerationOf(NodeId node) => _nodes[node.Value].PauseGeneration;

    /// <summary>Sets up recording and the schedule of the options (applied at the start of the first run call, when the nodes exist).</summary>
    private void InitFaultSchedules(SimulationOptions options)
    {
        if (options.RecordFaults != FaultRecording.Off)
        {
            _faultLog = [];
        }

        if (options.RecordFaults == FaultRecording.NemesisAndMessages || options.FaultSchedule is { ScriptsMessages: true } || options.Exploration is not null)
        {
            _pipeline.Book = new MessageFaultBook(this, options.RecordFaults == FaultRecording.NemesisAndMessages, options.Exploration);
        }

        _exploration = options.Exploration;
        _exploration?.Attach(this);

        _pendingSchedule = options.FaultSchedule;
    }

    /// <summary>Applies the options' schedule, once, before the first event of the first run call.</summary>
    private void ApplyPendingSchedule()
    {
        if (_pendingSchedule is { } schedule)
        {
            ApplySchedule(schedule, replacesNemesis: true);
            _pendingSchedule = null; // only once it is applied: a schedule refused is refused again by the next run call
        }
    }

    /// <summary>Checks and schedules <paramref name="schedule"/>'s faults; a replayed one (<paramref name="replacesNemesis"/>) is recorded as it runs.</summary>
    internal void ApplySchedule(FaultSchedule schedule, bool replacesNemesis)
    {
        using ThreadClaim claim = Claim(nameof(FaultSchedule.ApplyTo));
        schedule.Validate(this);
        if (schedule.ScriptsMessages)
        {
            if (_pipeline.Messages.Packets > 0)
            {
                throw new InvalidOperationException(
                    $"FaultSchedule: it scripts messages, but {_pipeline.Messages.Packets} packet(s) were on the wire already; apply it before the run starts, or give it as SimulationOptions.FaultSchedule");
            }

            _pipeline.Book ??= new MessageFaultBook(this, record: false);
            _pipeline.Book.Script(schedule, logged: replacesNemesis);
        }

        long last = -1;
        foreach (Fault fault in schedule.Faults.Where(f => f.IsTimed).OrderBy(f => f.At)) // stable: faults of one instant keep the schedule's order
        {
            Fault f = fault;
            bool log = replacesNemesis && _faultLog is not null;
            AtFault(f.At, () =>
            {
                FaultSchedule.CheckNow(f, this); // a node added since the schedule was applied is checked now
                if (log)
                {
                    LogFault(f);
                }

                f.Inject(this);
            });
            last = Math.Max(last, f.At.Ticks);
        }

        long end = schedule.FaultsEnd?.Ticks ?? last;
        if (end >= 0)
        {
            NoteFaultsUntil(new SimTime(end));
        }
    }
}
