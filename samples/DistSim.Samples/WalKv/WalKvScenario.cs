using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.WalKv;

/// <summary>One run of <c>wal-kv</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended (before the final recovery of a server found down).</param>
/// <param name="Client">The client (what was acknowledged).</param>
/// <param name="Server">The server after its last recovery; null when a limit stopped the run before it could recover.</param>
public sealed record WalKvRun(Simulation Simulation, RunResult Run, KvClient Client, KvServer? Server) : IScenarioRun
{
    /// <summary>
    /// Keys whose last acknowledged write the server no longer has: it holds an older write for the key, or none.
    /// A newer write is fine — it is one the client sent after, applied but not yet acknowledged when a limit cut
    /// the run short. Values are <c>v&lt;write number&gt;</c>. Null when the server could not be checked.
    /// </summary>
    public int? LostAcknowledged => Server is { } server
        ? Client.Acknowledged.Count(kv => WriteNumber(server.State.GetValueOrDefault(kv.Key)) < WriteNumber(kv.Value))
        : null;

    /// <summary>Crashes of the server.</summary>
    public long Crashes => Simulation.Faults.Crashes;

    private static int WriteNumber(string? value) =>
        value is null ? -1 : int.Parse(value.AsSpan(1), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The <c>wal-kv</c> scenario: a key-value store with a write-ahead log under random crash-recover faults.</summary>
public sealed class WalKvScenario : IShrinkableScenario
{
    /// <inheritdoc />
    public string Name => "wal-kv";

    /// <inheritdoc />
    public string Summary => "a key-value store with a write-ahead log and snapshots under random crashes; --no-flush shows acknowledged writes lost";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("writes", "N", "writes the client makes, one at a time", "300"),
        new("keys", "K", "distinct keys", "20"),
        new("crash-every", "D", "mean time between server crashes", "1s"),
        new("snapshot-every", "N", "log entries between snapshots", "50"),
        new("no-flush", null, "acknowledge writes before they are durable (and never flush)"),
    ];

    /// <summary>Runs one instance.</summary>
    public static WalKvRun Play(ulong seed, int writes, int keys, TimeSpan crashEvery, int snapshotEvery, bool flush, bool record = true) =>
        Play(seed, writes, keys, crashEvery, snapshotEvery, flush, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one instance, traced and limited as <paramref name="settings"/> say.</summary>
    public static WalKvRun Play(ulong seed, int writes, int keys, TimeSpan crashEvery, int snapshotEvery, bool flush, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            TraceLimit = int.MaxValue,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
            Nemesis = new NemesisOptions
            {
                MeanTimeBetweenCrashes = crashEvery,
                Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)),
                Until = TimeSpan.FromSeconds(10),
            },
            TimeLimit = TimeSpan.FromHours(1),
        }));
        NodeId server = simulation.AddNode("server", () => new KvServer(flush, snapshotEvery), FailureModels.CrashRecover(tornWrites: true));
        NodeId client = simulation.AddNode("client", () => new KvClient(server, writes, keys, TimeSpan.FromMilliseconds(50)));
        // Run until the client is done and the nemesis has stopped; then the server (restarted if it was down) is checked.
        RunResult run = simulation.RunUntil(() => simulation.Now.SinceStart > TimeSpan.FromSeconds(12) && simulation.GetNode(client) is KvClient c && c.AcknowledgedCount >= writes);
        if (!simulation.IsUp(server))
        {
            simulation.Restart(server);
            simulation.RunUntil(simulation.Now + TimeSpan.FromMilliseconds(1));
        }

        // After an event limit the recovery may not have run: then there is no server to check.
        return new WalKvRun(simulation, run, simulation.GetNode(client) as KvClient ?? new KvClient(server, writes, keys, TimeSpan.Zero), simulation.GetNode(server) as KvServer);
    }

    /// <inheritdoc />
    public ShrinkTarget ShrinkTarget(ScenarioArgs args)
    {
        int writes = args.GetInt("writes", 300, min: 1, max: 1_000_000);
        int keys = args.GetInt("keys", 20, min: 1, max: 100_000);
        TimeSpan crashEvery = args.GetDuration("crash-every", TimeSpan.FromSeconds(1));
        int snapshotEvery = args.GetInt("snapshot-every", 50, min: 1, max: 1_000_000);
        bool flush = !args.Has("no-flush");
        return new("an acknowledged write is lost", (seed, settings) =>
        {
            WalKvRun run = Play(seed, writes, keys, crashEvery, snapshotEvery, flush, settings);
            return (run.LostAcknowledged > 0, run.Simulation);
        });
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int writes = args.GetInt("writes", 300, min: 1, max: 1_000_000);
        int keys = args.GetInt("keys", 20, min: 1, max: 100_000);
        TimeSpan crashEvery = args.GetDuration("crash-every", TimeSpan.FromSeconds(1));
        int snapshotEvery = args.GetInt("snapshot-every", 50, min: 1, max: 1_000_000);
        bool flush = !args.Has("no-flush");
        long lost = 0, crashes = 0, torn = 0, acknowledged = 0, retries = 0;
        int runsWithLoss = 0, notChecked = 0;
        string? recovery = null;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => Play(seed, writes, keys, crashEvery, snapshotEvery, flush, settings), r => WalKvRecord.Of(r, args.Sweep == 0), (_, r) =>
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

            crashes += r.Crashes;
            torn += r.TornWrites;
            acknowledged += r.Acknowledged;
            retries += r.Retries;
            recovery = r.Recovery;
        }, out _);
        int count = summary.Runs;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("flush", flush);
                json.WriteNumber("runs", count);
                json.WriteNumber("writes", writes);
                json.WriteNumber("acknowledged", acknowledged);
                json.WriteNumber("crashes", crashes);
                json.WriteNumber("tornWrites", torn);
                json.WriteNumber("lostAcknowledgedWrites", lost);
                json.WriteNumber("runsWithLoss", runsWithLoss);
                json.WriteNumber("runsUnchecked", notChecked);
                json.WriteNumber("retries", retries);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"wal-kv: {count} run(s) of {writes} writes over {keys} keys, server crashing every {crashEvery.TotalSeconds:0.###} s on average, {(flush ? "group commit (flush, then acknowledge)" : "NO FLUSH (acknowledge from memory)")}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine(Invariant($"  server crashes {crashes}, torn writes at crashes {torn}, client retries {retries}"));
        string scope = summary.Complete
            ? string.Empty
            : Invariant($" — checked on the {acknowledged} writes acknowledged before the limit, of {(long)writes * count} asked (incomplete)");
        string skipped = notChecked > 0 ? Invariant($"; {notChecked} run(s) not checked: stopped before the server could recover") : string.Empty;
        output.WriteLine(Invariant($"  acknowledged writes lost: {lost} (in {runsWithLoss} of {count} runs){scope}{skipped}"));
        if (count == 1)
        {
            output.WriteLine($"  last recovery: {recovery}");
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }
}

/// <summary>What a sweep folds from one wal-kv run (and a shard writes).</summary>
/// <param name="LostAcknowledged">Acknowledged writes lost; null when the run stopped before the server could recover.</param>
/// <param name="Crashes">Server crashes.</param>
/// <param name="TornWrites">Torn writes at crashes.</param>
/// <param name="Acknowledged">Writes acknowledged to the client.</param>
/// <param name="Retries">Client retries.</param>
/// <param name="Recovery">A single run's last recovery in words; null in a sweep.</param>
public sealed record WalKvRecord(long? LostAcknowledged, long Crashes, long TornWrites, long Acknowledged, long Retries, string? Recovery)
{
    /// <summary>The record of a finished run; <paramref name="describeRecovery"/> for a single run's report.</summary>
    public static WalKvRecord Of(WalKvRun r, bool describeRecovery) => new(
        r.LostAcknowledged,
        r.Crashes,
        r.Simulation.Faults.TornWrites,
        r.Client.AcknowledgedCount,
        r.Client.Retries,
        !describeRecovery ? null : r.Server is { } s
            ? Invariant($"snapshot {(s.SnapshotUsed ? "used" : "none")}, {s.Replayed} log entries replayed, {s.TornFound} torn entry cut")
            : "none (the run stopped before the server could recover)");
}
