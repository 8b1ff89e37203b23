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
public sealed record SplitBrainRun(Simulation Simulation, RunResult Run, int Conflicts, SimTime? FirstConflict, int Takeovers);

/// <summary>The <c>split-brain</c> scenario: omission hides the primary's heartbeats; does the system end up with two primaries?</summary>
public sealed class SplitBrainScenario : IScenario
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
    public static SplitBrainRun Play(ulong seed, double omission, bool leases, TimeSpan duration, bool record = false)
    {
        var timing = new Timing(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), leases ? TimeSpan.FromMilliseconds(200) : null);
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            RecordTrace = record,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
        });
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
        return new SplitBrainRun(simulation, run, conflicts, first, replicas[0]!.Takeovers + replicas[1]!.Takeovers);
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        double omission = args.GetProbability("omission", 0.5);
        bool leases = args.Has("leases");
        TimeSpan duration = args.GetDuration("duration", TimeSpan.FromSeconds(5));
        List<SplitBrainRun> runs = Sweep.Runs(args, (seed, record) => Play(seed, omission, leases, duration, record), r => r.Simulation);
        int count = runs.Count;

        int withSplit = runs.Count(r => r.Conflicts > 0);
        long conflicts = runs.Sum(r => r.Conflicts);
        long takeovers = runs.Sum(r => r.Takeovers);
        RunSummary summary = RunSummary.Of(runs.Select(r => (r.Simulation, r.Run)).ToList());
        ulong fingerprint = summary.Fingerprint;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("leases", leases);
                json.WriteNumber("omission", omission);
                json.WriteNumber("runs", count);
                json.WriteNumber("takeovers", takeovers);
                json.WriteNumber("runsWithOverlappingPrimaries", withSplit);
                json.WriteNumber("conflictingWrites", conflicts);
                json.WriteBoolean("splitBrain", withSplit > 0);
            }));
            return 0;
        }

        output.WriteLine(Invariant($"split-brain: {count} run(s) of {duration.TotalSeconds:0.###} s, primary omission {omission}, {(leases ? "with leases (200 ms, takeover after 300 ms)" : "no leases")}"));
        output.WriteLine(Invariant($"  takeovers {takeovers}; runs with two primaries accepting writes at once: {withSplit} of {count}; conflicting writes {conflicts}"));
        if (runs.FirstOrDefault(r => r.FirstConflict is not null) is { } example)
        {
            output.WriteLine(Invariant($"  e.g. seed {args.Seed + (ulong)runs.IndexOf(example)}: first conflicting write at {example.FirstConflict}"));
        }

        output.WriteLine(Invariant($"  fingerprint {fingerprint:x16}"));
        return 0;
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
