using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using DistSim.Sweeps;

namespace DistSim.Samples.Cli;

/// <summary>
/// The common fields of one run or of a sweep: the first run's outcome (or the first that was not
/// quiescent), the fingerprint (one run's, or XxHash64 over the runs' fingerprints in seed order),
/// virtual time and events summed, message totals summed; which runs a limit stopped; and, over a sweep, the
/// statistics of every common per-run metric (<see cref="Statistics"/>).
/// </summary>
/// <param name="Outcome">The outcome name.</param>
/// <param name="Fingerprint">The fingerprint.</param>
/// <param name="VirtualTimeSeconds">Virtual time, summed over runs.</param>
/// <param name="Events">Events, summed over runs.</param>
/// <param name="Totals">Message totals, summed over runs.</param>
public sealed record RunSummary(string Outcome, ulong Fingerprint, double VirtualTimeSeconds, long Events, RunTotals Totals)
{
    /// <summary>Runs summarised.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Runs that a limit (event, time or queue) stopped before they completed.</summary>
    public int IncompleteRuns { get; init; }

    /// <summary>The limit that stopped the first incomplete run: <c>event</c>, <c>time</c> or <c>queue</c>; null when every run completed.</summary>
    public string? LimitHit { get; init; }

    /// <summary>For the text report: which limit, where, e.g. <c>its event limit (10,000,000 events) at 16008.5917196s</c>.</summary>
    public string? LimitDetail { get; init; }

    /// <summary>The seed of the first incomplete run.</summary>
    public ulong? LimitSeed { get; init; }

    /// <summary>
    /// Over a sweep (two runs or more), the summary of each common per-run metric, in this order: <c>events</c>,
    /// <c>virtualTime</c> (seconds), <c>sent</c>, <c>delivered</c>, <c>dropped</c>, <c>duplicated</c>; empty for one run.
    /// </summary>
    public IReadOnlyList<MetricSummary> Statistics { get; init; } = [];

    /// <summary>
    /// Which <c>Sometimes</c> goals no run met and which <c>Unreachable</c> markers some run reached, over all the runs;
    /// null when the scenario marks none.
    /// </summary>
    public Checking.CoverageReport? Coverage { get; init; }

    /// <summary>The <c>--schedule</c> strategy as given (e.g. <c>pct:3</c>), or null when none was given (FIFO, or the scenario's own).</summary>
    public string? Schedule { get; init; }

    /// <summary>True when no limit stopped any run.</summary>
    public bool Complete => IncompleteRuns == 0;

    /// <summary>The exit code: 0, or <see cref="Runner.LimitHit"/> when a limit stopped a run.</summary>
    public int ExitCode => Complete ? Runner.Success : Runner.LimitHit;

    /// <summary>The summary of one run.</summary>
    public static RunSummary Of(ulong seed, Simulation simulation, RunResult result)
    {
        var tally = new Tally();
        tally.Add(seed, simulation, result);
        return tally.Summary();
    }

    /// <summary>The limit a run stopped at, as in <c>limitHit</c>: <c>event</c>, <c>time</c>, <c>queue</c>, or null.</summary>
    public static string? LimitName(RunOutcome outcome) => outcome switch
    {
        RunOutcome.EventLimit => "event",
        RunOutcome.TimeLimit => "time",
        RunOutcome.QueueLimit => "queue",
        _ => null,
    };

    /// <summary>
    /// Folds runs one at a time, in seed order, keeping numbers only: no run's simulation is kept; the common per-run
    /// metrics are (8 bytes per run and metric), for exact percentiles.
    /// </summary>
    public sealed class Tally
    {
        private readonly XxHash64 _combined = new();
        private readonly byte[] _buffer = new byte[8];
        private readonly SweepStatistics _statistics = new();
        private readonly Checking.CoverageReport _coverage = new();
        private long _ticks;
        private long _events;
        private RunTotals _totals = new(0, 0, 0, 0);
        private string? _outcome;
        private ulong _first;
        private int _runs;
        private int _incomplete;
        private string? _limit;
        private string? _detail;
        private ulong? _limitSeed;

        /// <summary>Runs added so far.</summary>
        public int Runs => _runs;

        /// <summary>Adds one run (on the thread that ran it).</summary>
        public void Add(ulong seed, Simulation simulation, RunResult result) => Add(seed, RunFacts.Of(simulation, result));

        /// <summary>Adds one run's facts; runs must be added in seed order (the combined fingerprint is a hash chain).</summary>
        public void Add(ulong seed, RunFacts run)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer, run.Fingerprint);
            _combined.Append(_buffer);
            _first = _runs == 0 ? run.Fingerprint : _first;
            _runs++;
            _ticks += run.Ticks;
            _events += run.Events;
            _totals += run.Totals;
            _statistics.Add("events", run.Events);
            _statistics.Add("virtualTime", run.Ticks / (double)TimeSpan.TicksPerSecond);
            _statistics.Add("sent", run.Sent);
            _statistics.Add("delivered", run.Delivered);
            _statistics.Add("dropped", run.Dropped);
            _statistics.Add("duplicated", run.Duplicated);
            _coverage.Add(seed, run.Markers?.Select(m => m.ToState()) ?? []);
            if (_outcome is null || (run.Outcome != RunOutcome.Quiescent && _outcome == "quiescent"))
            {
                _outcome = Report.OutcomeName(run.Outcome);
            }

            if (LimitName(run.Outcome) is { } limit)
            {
                _incomplete++;
                if (_limit is null)
                {
                    _limit = limit;
                    _limitSeed = seed;
                    _detail = run.LimitDetail;
                }
            }
        }

        /// <summary>The summary of the runs added.</summary>
        public RunSummary Summary()
        {
            ArgumentOutOfRangeException.ThrowIfZero(_runs);
            ulong fingerprint = _runs == 1 ? _first : _combined.GetCurrentHashAsUInt64();
            return new RunSummary(_outcome!, fingerprint, _ticks / (double)TimeSpan.TicksPerSecond, _events, _totals)
            {
                Runs = _runs,
                IncompleteRuns = _incomplete,
                LimitHit = _limit,
                LimitDetail = _detail,
                LimitSeed = _limitSeed,
                Statistics = _runs > 1 ? _statistics.Summarize() : [],
                Coverage = _coverage.Entries.Count > 0 ? _coverage : null,
            };
        }

        /// <summary>Which limit stopped a run and where, for <see cref="RunSummary.LimitDetail"/>.</summary>
        internal static string Describe(SimulationOptions options, RunResult result) => result.Outcome switch
        {
            RunOutcome.EventLimit => Invariant($"its event limit ({Count(options.EventLimit, "event")}) at {result.Time}"),
            RunOutcome.TimeLimit => Invariant($"its time limit ({Report.Duration(options.TimeLimit)} of virtual time; the last event ran at {result.Time})"),
            _ => Invariant($"its queue limit ({Count(options.QueueLimit, "pending event")}) at {result.Time}"),
        };

        private static string Count(long n, string what) => string.Create(CultureInfo.InvariantCulture, $"{n:N0} {what}{(n == 1 ? string.Empty : "s")}");
    }
}
