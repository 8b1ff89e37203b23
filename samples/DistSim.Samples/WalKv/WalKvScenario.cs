using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.WalKv;

/// <summary>One run of <c>wal-kv</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Client">The client (what was acknowledged).</param>
/// <param name="Server">The server after its last recovery.</param>
public sealed record WalKvRun(Simulation Simulation, RunResult Run, KvClient Client, KvServer Server)
{
    /// <summary>Keys whose last acknowledged value the server no longer has.</summary>
    public int LostAcknowledged => Client.Acknowledged.Count(kv => Server.State.GetValueOrDefault(kv.Key) != kv.Value);

    /// <summary>Crashes of the server.</summary>
    public long Crashes => Simulation.Faults.Crashes;
}

/// <summary>The <c>wal-kv</c> scenario: a key-value store with a write-ahead log under random crash-recover faults.</summary>
public sealed class WalKvScenario : IScenario
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
    public static WalKvRun Play(ulong seed, int writes, int keys, TimeSpan crashEvery, int snapshotEvery, bool flush, bool record = true)
    {
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            RecordTrace = record,
            TraceLimit = int.MaxValue,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
            Nemesis = new NemesisOptions
            {
                MeanTimeBetweenCrashes = crashEvery,
                Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)),
                Until = TimeSpan.FromSeconds(10),
            },
            TimeLimit = TimeSpan.FromHours(1),
        });
        NodeId server = simulation.AddNode("server", () => new KvServer(flush, snapshotEvery), FailureModels.CrashRecover(tornWrites: true));
        NodeId client = simulation.AddNode("client", () => new KvClient(server, writes, keys, TimeSpan.FromMilliseconds(50)));
        // Run until the client is done and the nemesis has stopped; then the server (restarted if it was down) is checked.
        RunResult run = simulation.RunUntil(() => simulation.Now.SinceStart > TimeSpan.FromSeconds(12) && simulation.GetNode<KvClient>(client).AcknowledgedCount >= writes);
        if (!simulation.IsUp(server))
        {
            simulation.Restart(server);
            simulation.RunUntil(simulation.Now + TimeSpan.FromMilliseconds(1));
        }

        return new WalKvRun(simulation, run, simulation.GetNode<KvClient>(client), simulation.GetNode<KvServer>(server));
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int writes = args.GetInt("writes", 300, min: 1, max: 1_000_000);
        int keys = args.GetInt("keys", 20, min: 1, max: 100_000);
        TimeSpan crashEvery = args.GetDuration("crash-every", TimeSpan.FromSeconds(1));
        int snapshotEvery = args.GetInt("snapshot-every", 50, min: 1, max: 1_000_000);
        bool flush = !args.Has("no-flush");
        List<WalKvRun> runs = Sweep.Runs(args, (seed, record) => Play(seed, writes, keys, crashEvery, snapshotEvery, flush, record), r => r.Simulation);
        int count = runs.Count;

        long lost = runs.Sum(r => r.LostAcknowledged);
        int runsWithLoss = runs.Count(r => r.LostAcknowledged > 0);
        long crashes = runs.Sum(r => r.Crashes);
        long torn = runs.Sum(r => r.Simulation.Faults.TornWrites);
        long acknowledged = runs.Sum(r => r.Client.AcknowledgedCount);
        RunSummary summary = RunSummary.Of(runs.Select(r => (r.Simulation, r.Run)).ToList());
        ulong fingerprint = summary.Fingerprint;
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
                json.WriteNumber("retries", runs.Sum(r => r.Client.Retries));
            }));
            return 0;
        }

        output.WriteLine(Invariant($"wal-kv: {count} run(s) of {writes} writes over {keys} keys, server crashing every {crashEvery.TotalSeconds:0.###} s on average, {(flush ? "group commit (flush, then acknowledge)" : "NO FLUSH (acknowledge from memory)")}"));
        output.WriteLine(Invariant($"  server crashes {crashes}, torn writes at crashes {torn}, client retries {runs.Sum(r => r.Client.Retries)}"));
        output.WriteLine(Invariant($"  acknowledged writes lost: {lost} (in {runsWithLoss} of {count} runs)"));
        if (count == 1)
        {
            WalKvRun r = runs[0];
            output.WriteLine(Invariant($"  last recovery: snapshot {(r.Server.SnapshotUsed ? "used" : "none")}, {r.Server.Replayed} log entries replayed, {r.Server.TornFound} torn entry cut"));
        }

        output.WriteLine(Invariant($"  fingerprint {fingerprint:x16}"));
        return 0;
    }

}
