using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.SplitBrain;

/// <summary>One run of <c>split-brain</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Conflicts">Writes accepted by one replica while the other was serving too.</param>
/// <param name="FirstConflict">When the first one happened.</param>
/// <param name="Takeovers">How often a backup took over.</param>
public sealed record SplitBrainRun(Simulation Simulation, RunResult Run, int Conflicts, SimTime? FirstConflict, int Takeovers) : IScenarioRun;

/// <summary>What a sweep folds from one split-brain run (and a shard writes).</summary>
/// <param name="Conflicts">Writes accepted by one replica while the other was serving too.</param>
/// <param name="FirstConflictTicks">When the first one happened, in ticks of virtual time; null if none.</param>
/// <param name="Takeovers">How often a backup took over.</param>
public sealed record SplitBrainRecord(int Conflicts, long? FirstConflictTicks, int Takeovers)
{
    /// <summary>The record of a finished run.</summary>
    public static SplitBrainRecord Of(SplitBrainRun r) => new(r.Conflicts, r.FirstConflict?.Ticks, r.Takeovers);
}

/// <summary>The <c>split-brain</c> scenario: omission hides the primary's heartbeats; does the system end up with two primaries?</summary>
public sealed class SplitBrainScenario : IShrinkableScenario, IExplorableScenario
{
    /// <inheritdoc />
    public string Name => "split-brain";

    /// <inheritdoc />
    public string Summary => "omission hides a primary's heartbeats: without leases two primaries accept writes; with --leases never";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("omission", "P", "the primary's send and receive omission probability", "0.5"),
        new("leases", null, "the primary serves only under a lease shorter than the takeover timeout"),
        new("duration", "D", "how long the system runs", "5s"),
    ];

    /// <summary>Runs one instance.</summary>
    public static SplitBrainRun Play(ulong seed, double omission, bool leases, TimeSpan duration, bool record = false) =>
        Play(seed, omission, leases, duration, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one instance, traced and limited as <paramref name="settings"/> say.</summary>
    public static SplitBrainRun Play(ulong seed, double omission, bool leases, TimeSpan duration, RunSettings settings)
    {
        var timing = new Timing(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), leases ? TimeSpan.FromMilliseconds(200) : null);
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
        }));
        var replicas = new Replica?[2];
        int conflicts = 0;
        SimTime? first = null;
        void OnAccept(Replica r)
        {
            // The observer sees both replicas at once (nodes cannot): is the other one serving right now?
            Replica? other = replicas[r == replicas[0] ? 1 : 0];
            if (other is not null && simulation.IsUp(other == replicas[0] ? new NodeId(0) : new NodeId(1)) && other.IsServing(simulation.Now))
            {
                conflicts++;
                first ??= simulation.Now;
            }
        }

        NodeId a = new(0), b = new(1);
        simulation.AddNode("primary", () => replicas[0] = new Replica(true, b, timing, OnAccept), FailureModels.Omission(omission, omission));
        simulation.AddNode("backup", () => replicas[1] = new Replica(false, a, timing, OnAccept));
        simulation.AddNode("client", () => new Scripted(duration));
        RunResult run = simulation.RunUntil(SimTime.FromStart(duration));
        return new SplitBrainRun(simulation, run, conflicts, first, (replicas[0]?.Takeovers ?? 0) + (replicas[1]?.Takeovers ?? 0));
    }

    /// <inheritdoc />
    public ShrinkTarget ShrinkTarget(ScenarioArgs args)
    {
        double omission = args.GetProbability("omission", 0.5);
        bool leases = args.Has("leases");
        TimeSpan duration = args.GetDuration("duration", TimeSpan.FromSeconds(5));
        return new("two primaries accept writes at once", (seed, settings) =>
        {
            SplitBrainRun run = Play(seed, omission, leases, duration, settings);
            return (run.Conflicts > 0, run.Simulation);
        });
    }

    /// <inheritdoc />
    public ExploreTarget ExploreTarget(ScenarioArgs args)
    {
        bool leases = args.Has("leases");
        TimeSpan duration = args.GetDuration("duration", TimeSpan.FromSeconds(5));
        // The search plays the primary's omissions on its heartbeats: it may lose what the primary sends the backup (the
        // failure model's random omissions are off while exploring), in the order of the events FIFO runs them.
        return new(
            "two primaries accept writes at once",
            (seed, settings) => Play(seed, 0, leases, duration, settings).Conflicts > 0,
            new DistSim.Exploration.ExplorationOptions { ExploreOrder = false, MaxDrops = 6, DropFilter = (from, to) => from.Value == 0 && to.Value == 1 });
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        double omission = args.GetProbability("omission", 0.5);
        bool leases = args.Has("leases");
        TimeSpan duration = args.GetDuration("duration", TimeSpan.FromSeconds(5));
        int withSplit = 0;
        long conflicts = 0, takeovers = 0;
        (ulong Seed, SimTime At)? example = null;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => Play(seed, omission, leases, duration, settings), SplitBrainRecord.Of, (seed, r) =>
        {
            withSplit += r.Conflicts > 0 ? 1 : 0;
            conflicts += r.Conflicts;
            takeovers += r.Takeovers;
            if (example is null && r.FirstConflictTicks is { } at)
            {
                example = (seed, SimTime.FromStart(TimeSpan.FromTicks(at)));
            }
        }, out _);
        int count = summary.Runs;

        // Two primaries seen at once is a fact however short the run; "never" needs every run to have lasted its duration.
        bool? splitBrain = withSplit > 0 ? true : summary.Complete ? false : null;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("leases", leases);
                json.WriteNumber("omission", omission);
                json.WriteNumber("duration", duration.TotalSeconds);
                json.WriteNumber("runs", count);
                json.WriteNumber("takeovers", takeovers);
                json.WriteNumber("runsWithOverlappingPrimaries", withSplit);
                json.WriteNumber("conflictingWrites", conflicts);
                Report.WriteVerdict(json, "splitBrain", splitBrain);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"split-brain: {count} run(s) of {duration.TotalSeconds:0.###} s, primary omission {omission}, {(leases ? "with leases (200 ms, takeover after 300 ms)" : "no leases")}"));
        Report.WriteLimitLine(output, summary);
        if (count == 1 && !summary.Complete)
        {
            output.WriteLine(Invariant($"  ran {summary.VirtualTimeSeconds:0.###} s of the {duration.TotalSeconds:0.###} s asked (incomplete)"));
        }

        string verdict = splitBrain is null ? " (incomplete: none seen in the part that ran)" : string.Empty;
        output.WriteLine(Invariant($"  takeovers {takeovers}; runs with two primaries accepting writes at once: {withSplit} of {count}{verdict}; conflicting writes {conflicts}"));
        if (example is { } e)
        {
            output.WriteLine(Invariant($"  e.g. seed {e.Seed}: first conflicting write at {e.At}"));
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }

    /// <summary>The client: a write to both replicas every 10 ms until the end.</summary>
    private sealed class Scripted(TimeSpan duration) : Node
    {
        private int _next;

        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

        public override void OnTimer(TimerId timer, object? state)
        {
            Send(new NodeId(0), new Write(_next));
            Send(new NodeId(1), new Write(_next));
            _next++;
            if (LocalNow.SinceStart < duration)
            {
                SetTimer(TimeSpan.FromMilliseconds(10));
            }
        }
    }
}
