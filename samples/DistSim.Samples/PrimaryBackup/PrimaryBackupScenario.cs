using System.Globalization;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.PrimaryBackup;

/// <summary>One run of <c>primary-backup</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="CrashAt">When the primary crashed.</param>
/// <param name="Client">The client.</param>
/// <param name="Survivor">The backup, which became the primary.</param>
public sealed record PrimaryBackupRun(Simulation Simulation, RunResult Run, SimTime CrashAt, Client Client, Replica Survivor) : IScenarioRun
{
    /// <summary>
    /// Acknowledged writes the new primary did not have when it took over: keys for which the old primary
    /// acknowledged write number i while the new primary holds only an older write (or none). A newer,
    /// unacknowledged write is fine. Values are <c>v&lt;write number&gt;</c>. 0 without a failover; null when a
    /// limit stopped the run between the takeover and the client hearing of it (nothing to compare).
    /// </summary>
    public int? LostAcknowledged => Client.AcknowledgedBeforeFailover is { } acked && Survivor.StateAtTakeover is { } state
        ? acked.Count(kv => WriteNumber(state.GetValueOrDefault(kv.Key)) < WriteNumber(kv.Value))
        : Survivor.TookOver ? null : 0;

    private static int WriteNumber(string? value) =>
        value is null ? -1 : int.Parse(value.AsSpan(1), NumberStyles.Integer, CultureInfo.InvariantCulture);
}

/// <summary>The <c>primary-backup</c> scenario: crash-stop failover driven by heartbeats.</summary>
public sealed class PrimaryBackupScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "primary-backup";

    /// <inheritdoc />
    public string Summary => "crash-stop failover by heartbeats: no acknowledged write lost when the primary crashes (--async shows the loss)";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("writes", "N", "writes the client makes, one at a time", "500"),
        new("keys", "K", "distinct keys", "20"),
        new("async", null, "asynchronous replication: the primary acknowledges before the backup has the write"),
    ];

    /// <summary>Runs one instance: the primary crashes at a time drawn from the seed (stream <c>pb:crash</c>), between 0.2 s and 2 s.</summary>
    public static PrimaryBackupRun Play(ulong seed, int writes, int keys, bool synchronous, bool record = false) =>
        Play(seed, writes, keys, synchronous, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one instance, traced and limited as <paramref name="settings"/> say.</summary>
    public static PrimaryBackupRun Play(ulong seed, int writes, int keys, bool synchronous, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
            TimeLimit = TimeSpan.FromHours(1),
        }));
        NodeId p = new(0), b = new(1), c = new(2);
        simulation.AddNode("primary", () => new Replica(true, b, c, synchronous), FailureModels.CrashStop);
        simulation.AddNode("backup", () => new Replica(false, p, c, synchronous));
        simulation.AddNode("client", () => new Client(p, writes, keys));
        var crashAt = SimTime.FromStart(Delay.Uniform(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)).Sample(DistSim.Random.StreamSeed.Create(seed, "pb:crash")));
        new FaultSchedule().Crash(crashAt, p).ApplyTo(simulation);
        RunResult run = simulation.RunUntil(() => simulation.GetNode(c) is Client cl && cl.AcknowledgedCount >= writes && simulation.Now > crashAt);
        // A limit may stop the run before a node started: it then knows nothing, like a new object.
        return new PrimaryBackupRun(simulation, run, crashAt, simulation.GetNode(c) as Client ?? new Client(p, writes, keys),
            simulation.GetNode(b) as Replica ?? new Replica(false, p, c, synchronous));
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int writes = args.GetInt("writes", 500, min: 1, max: 1_000_000);
        int keys = args.GetInt("keys", 20, min: 1, max: 100_000);
        bool synchronous = !args.Has("async");
        long lost = 0, acknowledged = 0;
        int failovers = 0, runsWithLoss = 0, notChecked = 0;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => Play(seed, writes, keys, synchronous, settings), PrimaryBackupRecord.Of, (_, r) =>
        {
            if (r.LostAcknowledged is { } l)
            {
                lost += l;
                runsWithLoss += l > 0 ? 1 : 0;
            }
            else
            {
                notChecked++;
            }

            failovers += r.TookOver ? 1 : 0;
            acknowledged += r.Acknowledged;
        }, out PrimaryBackupRun? run);
        (SimTime CrashAt, bool Crashed, bool TookOver)? single = run is null ? null : (run.CrashAt, run.Simulation.Faults.Crashes > 0, run.Survivor.TookOver);
        int count = summary.Runs;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteString("replication", synchronous ? "synchronous" : "asynchronous");
                json.WriteNumber("runs", count);
                json.WriteNumber("writes", writes);
                json.WriteNumber("acknowledged", acknowledged);
                json.WriteNumber("failovers", failovers);
                json.WriteNumber("lostAcknowledgedWrites", lost);
                json.WriteNumber("runsWithLoss", runsWithLoss);
                json.WriteNumber("runsUnchecked", notChecked);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"primary-backup: {count} run(s), {writes} writes, {(synchronous ? "synchronous" : "ASYNCHRONOUS")} replication; the primary crashes between 0.2 s and 2 s"));
        Report.WriteLimitLine(output, summary);
        string scope = summary.Complete ? string.Empty : Invariant($" — {acknowledged} of {(long)writes * count} writes acknowledged (incomplete)");
        string skipped = notChecked > 0 ? Invariant($"; {notChecked} run(s) not checked: stopped between the takeover and the client hearing of it") : string.Empty;
        output.WriteLine(Invariant($"  failovers {failovers} of {count}; acknowledged writes lost: {lost} (in {runsWithLoss} runs){scope}{skipped}"));
        if (single is { } one)
        {
            output.WriteLine(one.Crashed
                ? Invariant($"  primary crashed at {one.CrashAt}; the backup took over: {(one.TookOver ? "yes" : "no")}")
                : Invariant($"  the primary was to crash at {one.CrashAt}, but the run stopped before (incomplete)"));
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }
}

/// <summary>What a sweep folds from one primary-backup run (and a shard writes).</summary>
/// <param name="LostAcknowledged">Acknowledged writes lost; null when the run could not be checked.</param>
/// <param name="TookOver">The backup took over.</param>
/// <param name="Acknowledged">Writes acknowledged to the client.</param>
public sealed record PrimaryBackupRecord(long? LostAcknowledged, bool TookOver, long Acknowledged)
{
    /// <summary>The record of a finished run.</summary>
    public static PrimaryBackupRecord Of(PrimaryBackupRun r) => new(r.LostAcknowledged, r.Survivor.TookOver, r.Client.AcknowledgedCount);
}
