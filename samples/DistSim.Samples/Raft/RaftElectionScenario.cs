using System.Globalization;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Sweeps;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.Raft;

/// <summary>One trial: elect a leader, crash it, time the next election.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="ElectionTime">From the leader's crash to the next leader; null if none within the limit.</param>
/// <param name="Terms">
/// Terms the new election took (new term − crashed leader's term); without a new leader, the terms tried so far
/// (highest term a surviving node reached − crashed leader's term).
/// </param>
/// <param name="LeadersPerTermViolations">Terms that had two leaders (must be 0).</param>
public sealed record RaftTrial(Simulation Simulation, RunResult Run, TimeSpan? ElectionTime, int Terms, int LeadersPerTermViolations) : IScenarioRun
{
    /// <summary>No new leader within <see cref="RaftElectionScenario.Limit"/>: the trial's time limit ended it (a censored observation).</summary>
    public bool Unfinished => ElectionTime is null && Run.Outcome == RunOutcome.TimeLimit;

    /// <summary>Another limit (events, queue) stopped the trial before a new leader or the end of its window: it measures nothing.</summary>
    public bool CutShort => ElectionTime is null && !Unfinished && RunSummary.LimitName(Run.Outcome) is not null;
}

/// <summary>What a sweep folds from one trial (and a shard writes).</summary>
/// <param name="ElectionTicks">From the crash to the next leader, in ticks; null if none.</param>
/// <param name="Terms">Terms the election took (see <see cref="RaftTrial.Terms"/>).</param>
/// <param name="LeadersPerTermViolations">Terms that had two leaders.</param>
/// <param name="Unfinished">No new leader within the limit.</param>
/// <param name="CutShort">Another limit stopped the trial: it measures nothing.</param>
public sealed record RaftRecord(long? ElectionTicks, int Terms, int LeadersPerTermViolations, bool Unfinished, bool CutShort)
{
    /// <summary>The record of a finished trial.</summary>
    public static RaftRecord Of(RaftTrial t) => new(t.ElectionTime?.Ticks, t.Terms, t.LeadersPerTermViolations, t.Unfinished, t.CutShort);
}

/// <summary>The <c>raft-election</c> scenario: how long Raft takes to elect a new leader, for a range of election timeouts.</summary>
public sealed class RaftElectionScenario : IScenario
{
    /// <summary>A trial without a new leader after this long (of virtual time) is reported as unfinished and counted as this long.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public string Name => "raft-election";

    /// <inheritdoc />
    public string Summary => "Raft leader election on 5 nodes: crash the leader, time the new election (the shape of the Raft paper's Figure 16)";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("timeout-min", "MS", "least election timeout, in ms", "150"),
        new("timeout-max", "MS", "largest election timeout, in ms", "300"),
        new("delay", "DIST", "one-way message delay: " + DelaySpec.Forms, "uniform:1ms,3ms"),
        new("timing", "MODEL", "unbounded | sync | async | partial", "unbounded"),
        new("gst", "D", "partial: the global stabilisation time (drawn from the seed in [0, 2 s] when absent)"),
        new("hold", "P", "async: probability that a message is held for a long (Pareto, 1 s scale) but finite time", "0"),
        new("plot", "FILE", "with --sweep: draw the empirical CDF of the election time as SVG to FILE, one curve per range of --plot-ranges (else this invocation's range)"),
        new("plot-ranges", "LIST", "with --plot: timeout ranges MIN-MAX (ms), comma-separated, each swept over the same seeds, e.g. 150-150,150-155,150-300"),
    ];

    /// <summary>Runs one trial.</summary>
    public static RaftTrial Trial(ulong seed, TimeSpan min, TimeSpan max, Delay delay, TimingModel timing, bool record = false) =>
        Trial(seed, min, max, delay, timing, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one trial, traced and limited as <paramref name="settings"/> say.</summary>
    public static RaftTrial Trial(ulong seed, TimeSpan min, TimeSpan max, Delay delay, TimingModel timing, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Timing = timing,
            Network = new FairLossLinkOptions { Delay = delay },
            TimeLimit = Limit + TimeSpan.FromSeconds(1),
        }));
        var leaders = new Dictionary<int, NodeId>();
        int violations = 0;
        (NodeId Node, int Term, SimTime At)? latest = null;
        void OnLeader(NodeId node, int term)
        {
            if (leaders.TryGetValue(term, out NodeId other) && other != node)
            {
                violations++; // Election Safety: at most one leader per term
            }

            leaders[term] = node;
            latest = (node, term, simulation.Now);
        }

        for (int i = 0; i < 5; i++)
        {
            bool first = i == 0;
            simulation.AddNode(
                "s" + (i + 1).ToString(CultureInfo.InvariantCulture),
                () => new RaftNode(min, max, TimeSpan.FromMilliseconds(50), OnLeader, bootstrapLeader: first),
                FailureModels.CrashStop);
        }

        RunResult stable = simulation.RunUntil(SimTime.FromSeconds(1)); // a stable leader (s1, term 1) heartbeats for a second
        if (RunSummary.LimitName(stable.Outcome) is not null || latest is null)
        {
            return new RaftTrial(simulation, stable, null, 0, violations); // a limit stopped it before the crash
        }

        (NodeId crashed, int oldTerm, _) = latest.Value;
        simulation.Crash(crashed);
        SimTime crashAt = simulation.Now;
        RunResult run = simulation.RunUntil(() => latest!.Value.Term > oldTerm);
        bool elected = latest!.Value.Term > oldTerm;
        TimeSpan? time = elected ? latest.Value.At - crashAt : null;
        // Without a new leader, the terms tried so far: the highest term any surviving node reached (split votes).
        int reached = simulation.Nodes.Where(simulation.IsUp).Max(n => (simulation.GetNode(n) as RaftNode)?.Term ?? 0);
        return new RaftTrial(simulation, run, time, (elected ? latest.Value.Term : Math.Max(reached, oldTerm)) - oldTerm, violations);
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int minMs = args.GetInt("timeout-min", 150, min: 1, max: 600_000);
        int maxMs = args.GetInt("timeout-max", 300, min: 1, max: 600_000);
        if (maxMs < minMs)
        {
            throw new UsageException($"--timeout-max: {maxMs} is below --timeout-min ({minMs})");
        }

        Delay delay = args.GetDelay("delay", Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(3)));
        string model = args.GetChoice("timing", "unbounded", "unbounded", "sync", "async", "partial");
        if (args.Has("gst") && model != "partial")
        {
            throw new UsageException("--gst: only with --timing partial");
        }

        if (args.Has("hold") && model != "async")
        {
            throw new UsageException("--hold: only with --timing async");
        }

        TimeSpan bound = delay.Maximum < Delay.MaxSample ? delay.Maximum : delay.Mean * 10;
        TimingModel timing = model switch
        {
            "sync" => TimingModels.Synchronous(bound, delay.Minimum),
            "async" => TimingModels.Asynchronous(Delay.Exponential(delay.Mean), args.GetProbability("hold", 0)),
            "partial" => TimingModels.PartiallySynchronous(
                bound, Delay.Pareto(delay.Mean, 1.5), args.Has("gst") ? SimTime.FromStart(args.GetDuration("gst", TimeSpan.Zero)) : null, TimeSpan.FromSeconds(2)),
            _ => TimingModels.Unbounded,
        };
        IReadOnlyList<(int Min, int Max)> ranges = PlotRanges(args, minMs, maxMs);
        using PlotFile? plot = PlotFile.Open(args); // before the runs: a bad path is a usage error
        var sample = new ElectionSample();
        // Two numbers per trial are kept, for exact percentiles (8 bytes each a trial); the simulations are not.
        var metrics = new SweepStatistics();
        int count = 0, unfinished = 0, cutShort = 0, violations = 0;
        long terms = 0;
        RunSummary summary = Sweep.Fold(
            args,
            (seed, settings) => Trial(seed, TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(maxMs), delay, timing, settings),
            RaftRecord.Of,
            (_, t) =>
            {
                count++;
                violations += t.LeadersPerTermViolations;
                if (t.CutShort)
                {
                    cutShort++; // measures nothing: left out of the figures
                    return;
                }

                // Unfinished trials count as the limit: a percentile over them is a lower bound, and says so.
                unfinished += t.Unfinished ? 1 : 0;
                if (plot is not null)
                {
                    sample.Add(t);
                }

                metrics.Add("electionMs", TimeSpan.FromTicks(t.ElectionTicks ?? Limit.Ticks).TotalMilliseconds);
                metrics.Add("terms", t.Terms);
                terms += t.Terms;
            },
            out RaftTrial? single);
        int measured = metrics.CountOf("electionMs");
        MetricSummary? times = measured > 0 ? metrics.Summarize("electionMs") : null;
        if (plot is not null)
        {
            plot.Write(PlotSvg(args, ranges, (minMs, maxMs), sample, delay, timing));
        }

        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary, metrics);
                json.WriteNumber("timeoutMin", minMs);
                json.WriteNumber("timeoutMax", maxMs);
                json.WriteString("timing", timing.Name);
                json.WriteNumber("trials", count);
                if (single?.ElectionTime is { } e)
                {
                    json.WriteNumber("electionTime", e.TotalMilliseconds);
                    json.WriteNumber("terms", single.Terms);
                }

                if (times is not null)
                {
                    json.WriteNumber("min", times.Minimum);
                    json.WriteNumber("median", times.Median);
                    json.WriteNumber("p90", times.Percentile90);
                    json.WriteNumber("p99", times.Percentile99);
                    json.WriteNumber("max", times.Maximum);
                    json.WriteNumber("meanTerms", (double)terms / measured);
                }

                json.WriteNumber("unfinished", unfinished);
                json.WriteNumber("cutShort", cutShort);
                json.WriteNumber("leadersPerTermViolations", violations);
                json.WriteBoolean("oneLeaderPerTerm", violations == 0);
                if (plot is not null)
                {
                    json.WriteString("plot", plot.Path);
                }
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"raft-election: 5 nodes, election timeout {minMs}–{maxMs} ms, delay {delay}, timing {timing.Name}, {count} trial(s)"));
        Report.WriteLimitLine(output, summary);
        if (single is not null)
        {
            output.WriteLine(single.ElectionTime is { } t
                ? Invariant($"  the leader crashed; a new leader after {t.TotalMilliseconds:0.0} ms and {single.Terms} term(s)")
                : single.CutShort
                    ? Invariant($"  the trial stopped at {single.Run.Time} before a new leader or the end of its {Limit.TotalSeconds:0} s window (incomplete)")
                    : Invariant($"  the leader crashed; no new leader within {Limit.TotalSeconds:0} s ({single.Terms} terms of split votes)"));
        }
        else if (times is not null)
        {
            output.WriteLine(Invariant($"  election time (ms): min {times.Minimum:0.0}, median {times.Median:0.0}, p90 {times.Percentile90:0.0}, p99 {times.Percentile99:0.0}, max {times.Maximum:0.0}; mean terms {(double)terms / measured:0.00}"));
        }

        string unfinishedNote = unfinished > 0 ? Invariant($"; {unfinished} trial(s) without a new leader within {Limit.TotalSeconds:0} s (counted as {Limit.TotalSeconds:0} s: percentiles are lower bounds)") : string.Empty;
        string cutNote = cutShort > 0 ? Invariant($"; {cutShort} trial(s) cut short by a limit, left out of the figures (incomplete)") : string.Empty;
        output.WriteLine(Invariant($"  at most one leader per term: {(violations == 0 ? "yes, in every trial" : $"NO ({violations} violations)")}{unfinishedNote}{cutNote}"));
        Report.WriteStatistics(output, summary, metrics);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        if (plot is not null)
        {
            output.WriteLine(Invariant($"  plot: {plot.Path} (election-time CDF of {ranges.Count} timeout range(s))"));
        }

        return summary.ExitCode;
    }

    /// <summary>The ranges <c>--plot</c> draws: those of <c>--plot-ranges</c>, in the order given, else this invocation's.</summary>
    private static IReadOnlyList<(int Min, int Max)> PlotRanges(ScenarioArgs args, int minMs, int maxMs)
    {
        args.RejectUnless("plot-ranges", args.Has("plot"), "only with --plot");
        if (!args.Has("plot-ranges"))
        {
            return [(minMs, maxMs)];
        }

        var ranges = new List<(int Min, int Max)>();
        foreach (string item in args.GetString("plot-ranges", string.Empty).Split(','))
        {
            string[] ends = item.Split('-');
            if (ends.Length != 2
                || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int lo)
                || !int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out int hi)
                || lo < 1 || hi < lo || hi > 600_000)
            {
                throw new UsageException($"--plot-ranges: '{item}' is not a range MIN-MAX of whole milliseconds with 1 <= MIN <= MAX <= 600000");
            }

            if (ranges.Contains((lo, hi)))
            {
                throw new UsageException($"--plot-ranges: '{item}' is listed twice");
            }

            ranges.Add((lo, hi));
        }

        return ranges.Count <= 12 ? ranges : throw new UsageException(Invariant($"--plot-ranges: {ranges.Count} ranges; a readable plot has at most 12"));
    }

    /// <summary>
    /// The CDF figure: this invocation's sweep for its own range, and the same seeds swept again for every other range
    /// of <c>--plot-ranges</c> (only their election times are kept; their reports are not printed).
    /// </summary>
    private static string PlotSvg(ScenarioArgs args, IReadOnlyList<(int Min, int Max)> ranges, (int Min, int Max) own, ElectionSample ownSample, Delay delay, TimingModel timing)
    {
        var series = new List<Plots.Ecdf>();
        bool anyUnfinished = false;
        foreach ((int lo, int hi) in ranges)
        {
            ElectionSample sample = (lo, hi) == own ? ownSample : new ElectionSample();
            if ((lo, hi) != own)
            {
                Sweep.Fold(
                    args,
                    (seed, settings) => Trial(seed, TimeSpan.FromMilliseconds(lo), TimeSpan.FromMilliseconds(hi), delay, timing, settings),
                    RaftRecord.Of,
                    (_, t) => sample.Add(t),
                    out _);
            }

            string unfinished = sample.Unfinished > 0 ? Invariant($" ({sample.Unfinished}/{sample.Total}: no leader in {Limit.TotalSeconds:0} s)") : string.Empty;
            series.Add(new Plots.Ecdf(Invariant($"{lo}–{hi} ms{unfinished}"), sample.Times, sample.Total));
            anyUnfinished |= sample.Unfinished > 0;
        }

        string timingNote = timing == TimingModels.Unbounded ? string.Empty : ", timing " + timing.Name;
        ulong last = args.Seed + (ulong)(args.Sweep - 1);
        return Plots.EcdfSvg(
            Invariant($"raft-election: 5 nodes, leader crashed; seeds {args.Seed}–{last}, delay {delay}{timingNote}"),
            "time to elect a new leader after the leader's crash (ms, log scale)",
            series,
            logX: true,
            end: anyUnfinished ? Limit.TotalMilliseconds : null); // unfinished trials: the curves stay flat up to the limit
    }

    /// <summary>The election times (ms) of the trials that elected a leader, and how many trials measured something.</summary>
    private sealed class ElectionSample
    {
        public List<double> Times { get; } = [];

        public int Total { get; private set; }

        public int Unfinished { get; private set; }

        public void Add(RaftRecord t)
        {
            if (t.CutShort)
            {
                return; // measures nothing
            }

            Total++;
            if (t.ElectionTicks is { } ticks)
            {
                Times.Add(TimeSpan.FromTicks(ticks).TotalMilliseconds);
            }
            else
            {
                Unfinished++;
            }
        }
    }

}
