using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.LongDelays;

/// <summary>One run of <c>long-delays</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="FreezeStart">When the freeze began.</param>
/// <param name="FreezeEnd">When it ended (GST).</param>
/// <param name="Takeovers">How often the passive promoted itself.</param>
/// <param name="OldSideWrites">Writes the disk stored from an older epoch after a newer epoch had written (the old active's side of the split brain).</param>
/// <param name="NewSideWrites">Writes of the newer epoch stored while the old active was still writing (the new active's side).</param>
/// <param name="FirstConflict">When the disk first stored a write of an older epoch after a newer one; null if never.</param>
/// <param name="Overlap">How long both sides' writes interleaved at the disk.</param>
/// <param name="Refusals">Writes the disk refused by fencing token.</param>
public sealed record LongDelaysRun(
    Simulation Simulation, RunResult Run, SimTime FreezeStart, SimTime FreezeEnd, int Takeovers, int OldSideWrites, int NewSideWrites,
    SimTime? FirstConflict, TimeSpan Overlap, int Refusals) : IScenarioRun;

/// <summary>What a sweep folds from one long-delays run (and a shard writes).</summary>
/// <param name="Takeovers">How often the passive promoted itself.</param>
/// <param name="OldSideWrites">The old active's writes stored during the split brain.</param>
/// <param name="NewSideWrites">The new active's writes stored during the split brain.</param>
/// <param name="OverlapTicks">How long both sides wrote, in ticks.</param>
/// <param name="Refusals">Writes refused by fencing token.</param>
public sealed record LongDelaysRecord(int Takeovers, int OldSideWrites, int NewSideWrites, long OverlapTicks, int Refusals)
{
    /// <summary>The record of a finished run.</summary>
    public static LongDelaysRecord Of(LongDelaysRun r) => new(r.Takeovers, r.OldSideWrites, r.NewSideWrites, r.Overlap.Ticks, r.Refusals);
}

/// <summary>
/// The <c>long-delays</c> scenario (GitHub, 2012): a heartbeat-based active/passive pair on a shared disk during a network
/// freeze between the two nodes; without fencing both become active and both sides' writes reach the disk; with
/// <c>--fencing</c> (STONITH by fencing token) never.
/// </summary>
public sealed class LongDelaysScenario : IScenario
{
    /// <summary>The active's heartbeat interval.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    /// <summary>The passive takes over after this long without a heartbeat.</summary>
    public static readonly TimeSpan Takeover = TimeSpan.FromSeconds(10);

    /// <summary>The earliest start of the freeze; the latest is 20 s later.</summary>
    public static readonly TimeSpan FreezeStartMin = TimeSpan.FromSeconds(20);

    /// <inheritdoc />
    public string Name => "long-delays";

    /// <inheritdoc />
    public string Summary => "a ~90 s network freeze between an active/passive pair: without fencing both are active and both write; with --fencing never";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("fencing", null, "a new active fences the old one at the shared disk (STONITH by token) before serving"),
        new("freeze", "D", "how long the network between the pair freezes", "90s"),
        new("duration", "D", "how long the system runs", "180s"),
    ];

    /// <summary>Runs one instance.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="fencing">Whether a new active fences the old one.</param>
    /// <param name="freeze">The freeze's length.</param>
    /// <param name="duration">How long the system runs.</param>
    /// <param name="record">Whether to record the trace.</param>
    public static LongDelaysRun Play(ulong seed, bool fencing, TimeSpan freeze, TimeSpan duration, bool record = false) =>
        Play(seed, fencing, freeze, duration, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one instance, traced and limited as <paramref name="settings"/> say.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="fencing">Whether a new active fences the old one.</param>
    /// <param name="freeze">The freeze's length.</param>
    /// <param name="duration">How long the system runs.</param>
    /// <param name="settings">Tracing and limits.</param>
    public static LongDelaysRun Play(ulong seed, bool fencing, TimeSpan freeze, TimeSpan duration, RunSettings settings)
    {
        NodeId a = new(0), b = new(1), disk = new(2);
        var timing = new NetworkFreeze(a, b, freeze, FreezeStartMin, FreezeStartMin + TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10));
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
            Timing = timing,
        }));
        var stored = new List<(SimTime At, int Epoch)>();
        SharedDisk? theDisk = null;
        simulation.AddNode("active", () => new PairNode(true, b, disk, Heartbeat, Takeover, fencing));
        simulation.AddNode("passive", () => new PairNode(false, a, disk, Heartbeat, Takeover, fencing));
        simulation.AddNode("disk", () => theDisk = new SharedDisk((_, w) => stored.Add((simulation.Now, w.Epoch))));
        simulation.AddNode("client", () => new Client(duration, a, b));
        RunResult run = simulation.RunUntil(SimTime.FromStart(duration));

        // The split brain at the disk: a write of an older epoch stored after a newer epoch has written.
        int newest = 0, oldSide = 0;
        SimTime? firstConflict = null, lastConflict = null, firstNewest = null;
        foreach ((SimTime at, int epoch) in stored)
        {
            if (epoch > newest)
            {
                newest = epoch;
                firstNewest = at;
            }
            else if (epoch < newest)
            {
                oldSide++;
                firstConflict ??= at;
                lastConflict = at;
            }
        }

        int newSide = lastConflict is { } last ? stored.Count(s => s.Epoch == newest && s.At <= last) : 0;
        TimeSpan overlap = lastConflict is { } end && firstNewest is { } begin ? end - begin : TimeSpan.Zero;
        SimTime gst = simulation.Gst ?? SimTime.FromStart(TimeSpan.Zero);
        int takeovers = Takeovers(simulation, a) + Takeovers(simulation, b);
        return new LongDelaysRun(simulation, run, gst - freeze, gst, takeovers, oldSide, newSide, firstConflict, overlap, theDisk?.Refusals ?? 0);
    }

    private static int Takeovers(Simulation simulation, NodeId node) => simulation.GetNode<PairNode>(node).Takeovers;

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        bool fencing = args.Has("fencing");
        TimeSpan freeze = args.GetDuration("freeze", TimeSpan.FromSeconds(90));
        TimeSpan duration = args.GetDuration("duration", TimeSpan.FromSeconds(180));
        TimeSpan latestEnd = FreezeStartMin + TimeSpan.FromSeconds(20) + freeze;
        if (duration <= latestEnd)
        {
            throw new UsageException(Invariant($"--duration: '{args.GetString("duration", "180s")}' must exceed the latest end of the freeze ({latestEnd.TotalSeconds:0.###} s: it starts in [20 s, 40 s] and lasts --freeze {freeze.TotalSeconds:0.###} s)"));
        }

        int runsWithSplit = 0;
        long takeovers = 0, oldSide = 0, newSide = 0, refusals = 0, overlapTicks = 0, overlapMaxTicks = 0;
        (ulong Seed, long Old, long New)? example = null;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => Play(seed, fencing, freeze, duration, settings), LongDelaysRecord.Of, (seed, r) =>
        {
            bool split = r.OldSideWrites > 0;
            runsWithSplit += split ? 1 : 0;
            takeovers += r.Takeovers;
            oldSide += r.OldSideWrites;
            newSide += r.NewSideWrites;
            refusals += r.Refusals;
            overlapTicks += r.OverlapTicks;
            overlapMaxTicks = Math.Max(overlapMaxTicks, r.OverlapTicks);
            if (split && example is null)
            {
                example = (seed, r.OldSideWrites, r.NewSideWrites);
            }
        }, out _);
        int count = summary.Runs;
        double overlapMean = runsWithSplit == 0 ? 0 : TimeSpan.FromTicks(overlapTicks / runsWithSplit).TotalSeconds;
        bool? splitBrain = runsWithSplit > 0 ? true : summary.Complete ? false : null;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("fencing", fencing);
                json.WriteNumber("freezeSeconds", freeze.TotalSeconds);
                json.WriteNumber("duration", duration.TotalSeconds);
                json.WriteNumber("runs", count);
                json.WriteNumber("takeovers", takeovers);
                json.WriteNumber("splitBrainRuns", runsWithSplit);
                json.WriteNumber("oldActiveWrites", oldSide);
                json.WriteNumber("newActiveWrites", newSide);
                json.WriteNumber("refusedWrites", refusals);
                json.WriteNumber("overlapSecondsMean", Math.Round(overlapMean, 3));
                json.WriteNumber("overlapSecondsMax", Math.Round(TimeSpan.FromTicks(overlapMaxTicks).TotalSeconds, 3));
                Report.WriteVerdict(json, "splitBrain", splitBrain);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"long-delays: {count} run(s) of {duration.TotalSeconds:0.###} s, a {freeze.TotalSeconds:0.###} s freeze between active and passive, heartbeat {Heartbeat.TotalSeconds:0} s, takeover after {Takeover.TotalSeconds:0} s, {(fencing ? "with fencing (token at the shared disk)" : "no fencing")}"));
        Report.WriteLimitLine(output, summary);
        string verdict = splitBrain is null ? " (incomplete: none seen in the part that ran)" : string.Empty;
        output.WriteLine(Invariant($"  takeovers {takeovers}; runs with both nodes active and writing: {runsWithSplit} of {count}{verdict}"));
        output.WriteLine(Invariant($"  writes stored during the split brain: old active {oldSide}, new active {newSide}; mean overlap {overlapMean:0.###} s; writes refused by fencing token {refusals}"));
        if (example is { } e)
        {
            output.WriteLine(Invariant($"  e.g. seed {e.Seed}: old active stored {e.Old} writes, new active {e.New}, both sides"));
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }

    /// <summary>The clients: a write every 100 ms, sent to both nodes (each claims the service address while it thinks it is active).</summary>
    private sealed class Client(TimeSpan duration, NodeId a, NodeId b) : Node
    {
        private int _next;

        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(100));

        public override void OnTimer(TimerId timer, object? state)
        {
            Send(a, new ClientWrite(_next));
            Send(b, new ClientWrite(_next));
            _next++;
            if (LocalNow.SinceStart < duration)
            {
                SetTimer(TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
