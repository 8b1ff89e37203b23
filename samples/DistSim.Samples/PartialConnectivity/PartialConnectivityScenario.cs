using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Sweeps;

namespace DistSim.Samples.PartialConnectivity;

/// <summary>What a sweep keeps of one <c>partial-connectivity</c> run.</summary>
/// <param name="DowntimeSeconds">Seconds of the partition window in gaps between commits longer than <see cref="PartialConnectivityRun.OutageThreshold"/>.</param>
/// <param name="LongestOutageSeconds">The longest gap between commits in the window.</param>
/// <param name="LeaderChanges">Leaders elected within the window.</param>
/// <param name="Campaigns">Elections started (term bumps) within the window.</param>
/// <param name="HubCampaigns">Elections the hub (chained, incident: the follower that lost the leader) started within the window.</param>
/// <param name="Commits">Log indexes first committed within the window.</param>
/// <param name="OldLeaderStuck">The partition-start leader still led its term at the heal, having committed nothing in the window.</param>
/// <param name="HubLeadsAtHeal">The hub led at the heal.</param>
/// <param name="HubLagged">Constrained-election: the hub's log was behind every other follower's when the leader was isolated.</param>
/// <param name="Violation">A node fault or a Raft safety violation (first line); null if none.</param>
public sealed record PartialConnectivityRecord(
    double DowntimeSeconds, double LongestOutageSeconds, int LeaderChanges, int Campaigns, int HubCampaigns, int Commits, bool OldLeaderStuck, bool HubLeadsAtHeal,
    bool HubLagged, string? Violation)
{
    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static PartialConnectivityRecord Of(PartialConnectivityRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        (TimeSpan down, TimeSpan longest) = r.Outage;
        string? violation = r.Simulation.Failure is { } f ? f.Message.Split('\n')[0] : r.Observer.FirstViolation;
        if (r.Start is null)
        {
            violation ??= "no leader was elected before the run's end: the partition never began";
        }

        return new(down.TotalSeconds, longest.TotalSeconds, r.LeaderChanges, r.Campaigns, r.HubCampaigns, r.WindowCommits.Count,
            r.OldLeaderStillLeading && r.OldLeaderCommits == 0, r.Hub >= 0 && r.LeaderAtHeal == r.Hub, r.HubLagged, violation);
    }
}

/// <summary>
/// The <c>partial-connectivity</c> scenario: Raft (with and without PreVote + CheckQuorum) under the partial-connectivity
/// situations of Omni-Paxos (Ng et al., EuroSys 2023) — quorum-loss, constrained-election, chained — and the shape of
/// Cloudflare's November 2020 incident (one broken leader–follower link); reports down-time and leader changes over the
/// partition. See <c>docs/samples/partial-connectivity.md</c>.
/// </summary>
public sealed class PartialConnectivityScenario : IScenario
{
    private static readonly PartialSituation[] AllSituations = [PartialSituation.QuorumLoss, PartialSituation.ConstrainedElection, PartialSituation.Chained, PartialSituation.Incident];
    private static readonly int[] MatrixTimeouts = [50, 500, 5000];

    /// <inheritdoc />
    public string Name => "partial-connectivity";

    /// <inheritdoc />
    public string Summary => "Raft under partial connectivity (Omni-Paxos' quorum-loss, constrained-election, chained; Cloudflare 2020): down-time and leader changes, with and without PreVote+CheckQuorum";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("situation", "S", "quorum-loss, constrained-election, chained (3 servers) or incident", "quorum-loss"),
        new("election-timeout", "MS", "least election timeout E in ms (each drawn in [E, 2E]; heartbeats every E/5)", "500"),
        new("partition-seconds", "S", "how long the partial partition lasts, in seconds", "60"),
        new("prevote", null, "Raft with PreVote (thesis 9.6)"),
        new("check-quorum", null, "Raft with CheckQuorum and leader stickiness"),
        new("matrix", null, "run every situation x E in {50, 500, 5000} ms x {Raft, Raft PreVote+CheckQuorum}, --sweep N seeds each (default 1), and print the table"),
    ];

    /// <summary>Names a situation as on the command line.</summary>
    /// <param name="s">The situation.</param>
    public static string SituationName(PartialSituation s) => s switch
    {
        PartialSituation.QuorumLoss => "quorum-loss",
        PartialSituation.ConstrainedElection => "constrained-election",
        PartialSituation.Chained => "chained",
        _ => "incident",
    };

    /// <summary>Reads the options.</summary>
    /// <param name="args">The parsed options.</param>
    public static PartialConnectivityOptions Parse(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string name = args.GetString("situation", "quorum-loss");
        PartialSituation? situation = AllSituations.Select(s => (PartialSituation?)s).FirstOrDefault(s => SituationName(s!.Value) == name);
        if (situation is null)
        {
            throw new UsageException($"--situation must be quorum-loss, constrained-election, chained or incident, got '{name}'");
        }

        return new PartialConnectivityOptions(
            situation.Value,
            TimeSpan.FromMilliseconds(args.GetInt("election-timeout", 500, min: 5, max: 60_000)),
            TimeSpan.FromSeconds(args.GetInt("partition-seconds", 60, min: 1, max: 600)),
            args.Has("prevote"),
            args.Has("check-quorum"));
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        PartialConnectivityOptions o = Parse(args);
        if (args.Has("matrix"))
        {
            return RunMatrix(args, o, output);
        }

        var cell = new Cell(o);
        RunSummary summary = Sweep.Fold(args, (seed, settings) => PartialConnectivityCluster.Play(seed, o, settings), PartialConnectivityRecord.Of, cell.Add, out PartialConnectivityRun? single);
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary, cell.Statistics);
                cell.Write(json);
                if (single is not null)
                {
                    json.WriteStartArray("cuts");
                    foreach ((int a, int b) in single.Cuts)
                    {
                        json.WriteStringValue(Invariant($"s{a}-s{b}"));
                    }

                    json.WriteEndArray();
                    // -1 when the run ended (a limit) before a leader was elected: the partition never began.
                    WriteIndexOrNull(json, "leader", single.Leader);
                    WriteIndexOrNull(json, "hub", single.Hub);
                }
            }));
            return cell.Faults > 0 ? Runner.Failure : summary.ExitCode;
        }

        output.WriteLine(Invariant($"partial-connectivity: {summary.Runs} run(s), {SituationName(o.Situation)} on {o.Servers} Raft servers, {Variant(o)}, E = {o.ElectionTimeout.TotalMilliseconds:0} ms, partition {o.Partition.TotalSeconds:0.###} s"));
        Report.WriteLimitLine(output, summary);
        if (single is not null)
        {
            output.WriteLine(Invariant($"  leader s{single.Leader} (term {single.LeaderTerm}), hub s{single.Hub}; links cut both ways: {string.Join(", ", single.Cuts.Select(c => Invariant($"s{c.A}-s{c.B}")))}"));
        }

        cell.WriteText(output);
        Report.WriteStatistics(output, summary, cell.Statistics);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return cell.Faults > 0 ? Runner.Failure : summary.ExitCode;
    }

    private static string Variant(PartialConnectivityOptions o) => (o.PreVote, o.CheckQuorum) switch
    {
        (true, true) => "Raft PreVote+CheckQuorum",
        (true, false) => "Raft PreVote",
        (false, true) => "Raft CheckQuorum",
        _ => "Raft",
    };

    private int RunMatrix(ScenarioArgs args, PartialConnectivityOptions o, TextWriter output)
    {
        if (args.Shard is not null || args.OutputOption is not null)
        {
            throw new UsageException("--matrix runs many configurations; not with --shard, --trace, --mermaid, --perfetto or --html");
        }

        var cells = new List<(Cell Cell, RunSummary Summary)>();
        foreach (PartialSituation situation in AllSituations)
        {
            foreach (int ms in MatrixTimeouts)
            {
                foreach (bool both in new[] { false, true })
                {
                    var options = o with { Situation = situation, ElectionTimeout = TimeSpan.FromMilliseconds(ms), PreVote = both, CheckQuorum = both };
                    var cell = new Cell(options);
                    RunSummary s = Sweep.Fold(args, (seed, settings) => PartialConnectivityCluster.Play(seed, options, settings), PartialConnectivityRecord.Of, cell.Add, out _);
                    cells.Add((cell, s));
                }
            }
        }

        int faults = cells.Sum(c => c.Cell.Faults);
        int code = faults > 0 ? Runner.Failure : cells.Any(c => !c.Summary.Complete) ? Runner.LimitHit : Runner.Success;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                json.WriteString("scenario", Name);
                json.WriteNumber("seed", args.Seed);
                json.WriteString("mode", "matrix");
                json.WriteNumber("partitionSeconds", o.Partition.TotalSeconds);
                json.WriteNumber("runsPerCell", cells[0].Summary.Runs);
                json.WriteNumber("incompleteRuns", cells.Sum(c => c.Summary.IncompleteRuns));
                json.WriteStartArray("cells");
                foreach ((Cell cell, RunSummary s) in cells)
                {
                    json.WriteStartObject();
                    json.WriteString("fingerprint", s.Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
                    cell.Write(json);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }));
            return code;
        }

        output.WriteLine(Invariant($"partial-connectivity --matrix: {cells[0].Summary.Runs} run(s) per cell from seed {args.Seed}, partition {o.Partition.TotalSeconds:0.###} s; mean [95% CI]"));
        output.WriteLine("  situation             E (ms)  variant     down-time (s)               leader changes          old leader stuck  hub leads at heal");
        foreach ((Cell cell, _) in cells)
        {
            PartialConnectivityOptions c = cell.Options;
            output.WriteLine(Invariant($"  {SituationName(c.Situation),-21} {c.ElectionTimeout.TotalMilliseconds,6:0}  {(c.PreVote ? "PV+CQ" : "plain"),-10}  {Cell.Format(cell.Statistics.Summarize("downtimeSeconds")),-26}  {Cell.Format(cell.Statistics.Summarize("leaderChanges")),-22}  {cell.Stuck,4} of {cell.Runs,-8}  {cell.HubLeads,4} of {cell.Runs}"));
        }

        return code;
    }

    /// <summary>Sums the records of one configuration, in seed order.</summary>
    private sealed class Cell(PartialConnectivityOptions options)
    {
        public PartialConnectivityOptions Options => options;

        public SweepStatistics Statistics { get; } = new();

        public int Runs, Stuck, HubLeads, HubLagged, Faults;
        public string? FirstFault;

        public void Add(ulong seed, PartialConnectivityRecord r)
        {
            Runs++;
            Statistics.Add("downtimeSeconds", r.DowntimeSeconds);
            Statistics.Add("longestOutageSeconds", r.LongestOutageSeconds);
            Statistics.Add("leaderChanges", r.LeaderChanges);
            Statistics.Add("campaigns", r.Campaigns);
            Statistics.Add("hubCampaigns", r.HubCampaigns);
            Statistics.Add("commits", r.Commits);
            Stuck += r.OldLeaderStuck ? 1 : 0;
            HubLeads += r.HubLeadsAtHeal ? 1 : 0;
            HubLagged += r.HubLagged ? 1 : 0;
            if (r.Violation is not null)
            {
                Faults++;
                FirstFault ??= Invariant($"seed {seed}: {r.Violation}");
            }
        }

        public static string Format(MetricSummary m) => double.IsNaN(m.MeanInterval.Low)
            ? Invariant($"{m.Mean:0.###}")
            : Invariant($"{m.Mean:0.###} [{m.MeanInterval.Low:0.###}, {m.MeanInterval.High:0.###}]");

        public void Write(Utf8JsonWriter json)
        {
            json.WriteString("situation", SituationName(options.Situation));
            json.WriteNumber("servers", options.Servers);
            json.WriteNumber("electionTimeoutMs", options.ElectionTimeout.TotalMilliseconds);
            json.WriteNumber("partitionSeconds", options.Partition.TotalSeconds);
            json.WriteBoolean("prevote", options.PreVote);
            json.WriteBoolean("checkQuorum", options.CheckQuorum);
            json.WriteNumber("runs", Runs);
            foreach (string metric in new[] { "downtimeSeconds", "longestOutageSeconds", "leaderChanges", "campaigns", "hubCampaigns", "commits" })
            {
                MetricSummary m = Statistics.Summarize(metric);
                json.WriteStartObject(metric);
                json.WriteNumber("mean", Math.Round(m.Mean, 4));
                WriteOrNull(json, "low", m.MeanInterval.Low);
                WriteOrNull(json, "high", m.MeanInterval.High);
                json.WriteNumber("min", m.Minimum);
                json.WriteNumber("max", m.Maximum);
                json.WriteEndObject();
            }

            json.WriteNumber("oldLeaderStuckRuns", Stuck);
            json.WriteNumber("hubLeadsAtHealRuns", HubLeads);
            json.WriteNumber("hubLaggedRuns", HubLagged);
            json.WriteNumber("faults", Faults);
            Report.WriteStringOrNull(json, "firstFault", FirstFault);
        }

        public void WriteText(TextWriter output)
        {
            MetricSummary down = Statistics.Summarize("downtimeSeconds"), changes = Statistics.Summarize("leaderChanges"), hub = Statistics.Summarize("hubCampaigns");
            output.WriteLine(Invariant($"  down-time {Format(down)} s of {options.Partition.TotalSeconds:0.###} s (gaps between commits over {PartialConnectivityRun.OutageThreshold.TotalMilliseconds:0} ms); leader changes {Format(changes)}; elections by the hub {Format(hub)}"));
            output.WriteLine(Invariant($"  partition-start leader still leading without a commit at the heal: {Stuck} of {Runs}; hub leading at the heal: {HubLeads} of {Runs}{(options.Situation == PartialSituation.ConstrainedElection ? Invariant($"; hub lagged: {HubLagged} of {Runs}") : string.Empty)}"));
            if (FirstFault is not null)
            {
                output.WriteLine("  FAULT: " + FirstFault);
            }
        }

        private static void WriteOrNull(Utf8JsonWriter json, string name, double value)
        {
            if (double.IsNaN(value))
            {
                json.WriteNull(name);
            }
            else
            {
                json.WriteNumber(name, Math.Round(value, 4));
            }
        }
    }

    /// <summary>A server's index, or null when it is -1 (no such server: the partition never began).</summary>
    private static void WriteIndexOrNull(Utf8JsonWriter json, string name, int index)
    {
        if (index < 0)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, index);
        }
    }
}
