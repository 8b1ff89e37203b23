using System.Globalization;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.Raft;

/// <summary>One trial: elect a leader, crash it, time the next election.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="ElectionTime">From the leader's crash to the next leader; null if none within the limit.</param>
/// <param name="Terms">Terms the new election took (new term − crashed leader's term).</param>
/// <param name="LeadersPerTermViolations">Terms that had two leaders (must be 0).</param>
public sealed record RaftTrial(Simulation Simulation, RunResult Run, TimeSpan? ElectionTime, int Terms, int LeadersPerTermViolations);

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
    ];

    /// <summary>Runs one trial.</summary>
    public static RaftTrial Trial(ulong seed, TimeSpan min, TimeSpan max, Delay delay, TimingModel timing, bool record = false)
    {
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            RecordTrace = record,
            Timing = timing,
            Network = new FairLossLinkOptions { Delay = delay },
            TimeLimit = Limit + TimeSpan.FromSeconds(1),
        });
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

        simulation.RunUntil(SimTime.FromSeconds(1)); // a stable leader (s1, term 1) heartbeats for a second
        (NodeId crashed, int oldTerm, _) = latest!.Value;
        simulation.Crash(crashed);
        SimTime crashAt = simulation.Now;
        RunResult run = simulation.RunUntil(() => latest!.Value.Term > oldTerm);
        TimeSpan? time = latest!.Value.Term > oldTerm ? latest.Value.At - crashAt : null;
        return new RaftTrial(simulation, run, time, latest.Value.Term - oldTerm, violations);
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
        List<RaftTrial> trials = Sweep.Runs(args, (seed, record) => Trial(seed, TimeSpan.FromMilliseconds(minMs), TimeSpan.FromMilliseconds(maxMs), delay, timing, record), r => r.Simulation);
        int count = trials.Count;

        RunSummary summary = RunSummary.Of(trials.Select(t => (t.Simulation, t.Run)).ToList());
        // Unfinished trials count as the limit: a percentile over them is a lower bound, and says so.
        double[] times = [.. trials.Select(t => (t.ElectionTime ?? Limit).TotalMilliseconds).Order()];
        int unfinished = trials.Count(t => t.ElectionTime is null);
        int violations = trials.Sum(t => t.LeadersPerTermViolations);
        double P(double q) => times.Length == 0 ? double.NaN : times[Math.Min(times.Length - 1, (int)Math.Ceiling(q * times.Length) - 1)];
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteNumber("timeoutMin", minMs);
                json.WriteNumber("timeoutMax", maxMs);
                json.WriteString("timing", timing.Name);
                json.WriteNumber("trials", count);
                if (count == 1 && trials[0].ElectionTime is not null)
                {
                    json.WriteNumber("electionTime", times[0]);
                    json.WriteNumber("terms", trials[0].Terms);
                }

                if (times.Length > 0)
                {
                    json.WriteNumber("min", times[0]);
                    json.WriteNumber("median", P(0.5));
                    json.WriteNumber("p90", P(0.9));
                    json.WriteNumber("p99", P(0.99));
                    json.WriteNumber("max", times[^1]);
                }

                json.WriteNumber("meanTerms", trials.Average(t => t.Terms));
                json.WriteNumber("unfinished", unfinished);
                json.WriteNumber("leadersPerTermViolations", violations);
                json.WriteBoolean("oneLeaderPerTerm", violations == 0);
            }));
            return 0;
        }

        output.WriteLine(Invariant($"raft-election: 5 nodes, election timeout {minMs}–{maxMs} ms, delay {delay}, timing {timing.Name}, {count} trial(s)"));
        if (count == 1)
        {
            output.WriteLine(trials[0].ElectionTime is { } t
                ? Invariant($"  the leader crashed; a new leader after {t.TotalMilliseconds:0.0} ms and {trials[0].Terms} term(s)")
                : Invariant($"  the leader crashed; no new leader within {Limit.TotalSeconds:0} s ({trials[0].Terms} terms of split votes)"));
        }
        else
        {
            output.WriteLine(Invariant($"  election time (ms): min {times[0]:0.0}, median {P(0.5):0.0}, p90 {P(0.9):0.0}, p99 {P(0.99):0.0}, max {times[^1]:0.0}; mean terms {trials.Average(t => t.Terms):0.00}"));
        }

        output.WriteLine(Invariant($"  at most one leader per term: {(violations == 0 ? "yes, in every trial" : $"NO ({violations} violations)")}{(unfinished > 0 ? $"; {unfinished} trial(s) without a new leader within {Limit.TotalSeconds:0} s (counted as {Limit.TotalSeconds:0} s)" : string.Empty)}"));
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return 0;
    }

}
