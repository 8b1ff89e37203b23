using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.AsyncKv;

/// <summary>One run of <c>async-kv</c>.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Clients">The clients (what each had acknowledged and read).</param>
/// <param name="Server">The server at the end (restarted if it was down); null if a limit stopped the run first.</param>
/// <param name="ServerStats">What all the server's incarnations did.</param>
public sealed record AsyncKvRun(Simulation Simulation, RunResult Run, IReadOnlyList<AsyncKvClient> Clients, AsyncKvServer? Server, AsyncKvServerStats ServerStats) : IScenarioRun
{
    /// <summary>Acknowledged writes the server no longer holds (the key's last acknowledged value is not what it serves); null if not checked.</summary>
    public int? LostAcknowledged => Server is not null
        ? Clients.Sum(c => c.Acknowledged.Count(kv => Simulation.StorageOf(Simulation.FindNode("server")).GetString(AsyncKvServer.KeyOf(kv.Key)) != kv.Value))
        : null;
}

/// <summary>What a sweep keeps of one <c>async-kv</c> run.</summary>
/// <param name="Completed">Operations completed by all clients.</param>
/// <param name="Retries">Calls that timed out and were retried.</param>
/// <param name="StaleReads">Reads that missed an acknowledged write.</param>
/// <param name="LostAcknowledged">Acknowledged writes missing at the end; null if not checked.</param>
/// <param name="Crashes">Server crashes.</param>
/// <param name="LateReplies">Replies dropped because their call had timed out.</param>
/// <param name="Deduplicated">Retried writes the server recognised and did not apply twice.</param>
public sealed record AsyncKvRecord(long Completed, long Retries, long StaleReads, long? LostAcknowledged, long Crashes, long LateReplies, long Deduplicated)
{
    /// <summary>The record of a finished run.</summary>
    public static AsyncKvRecord Of(AsyncKvRun r) => new(
        r.Clients.Sum(c => (long)c.Completed),
        r.Clients.Sum(c => (long)c.Retries),
        r.Clients.Sum(c => (long)c.StaleReads),
        r.LostAcknowledged,
        r.Simulation.Faults.Crashes,
        r.Simulation.Rpc.LateReplies,
        r.ServerStats.Deduplicated);
}

/// <summary>
/// The <c>async-kv</c> scenario: async/await node code end to end — a key-value server answering calls with async
/// handlers that await a simulated fsync, clients that call it with timeouts and retry, a lossy network and a server that
/// crashes and recovers. <c>--ack-before-flush</c> shows acknowledged writes lost.
/// </summary>
public sealed class AsyncKvScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "async-kv";

    /// <inheritdoc />
    public string Summary => "async/await nodes: a key-value server and clients calling it with timeouts and retries, under loss and crashes; --ack-before-flush loses acknowledged writes";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("clients", "N", "clients, each on its own keys", "3"),
        new("ops", "N", "operations per client (70% writes, 30% reads)", "100"),
        new("keys", "K", "keys per client", "5"),
        new("loss", "P", "probability that a packet is lost", "0.1"),
        new("timeout", "D", "a call's timeout", "20ms"),
        new("crash-every", "D", "mean time between server crashes", "500ms"),
        new("ack-before-flush", null, "reply to a write before it is durable"),
    ];

    /// <summary>Runs one instance.</summary>
    public static AsyncKvRun Play(ulong seed, int clients, int ops, int keys, double loss, TimeSpan timeout, TimeSpan crashEvery, bool ackBeforeFlush, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            TraceLimit = int.MaxValue,
            Network = new FairLossLinkOptions { LossProbability = loss, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4)) },
            Nemesis = new NemesisOptions
            {
                MeanTimeBetweenCrashes = crashEvery,
                Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(60)),
                Until = TimeSpan.FromSeconds(5),
            },
            TimeLimit = TimeSpan.FromHours(1),
        }));
        var stats = new AsyncKvServerStats();
        NodeId server = simulation.AddNode("server", () => new AsyncKvServer(TimeSpan.FromMilliseconds(2), ackBeforeFlush, stats), FailureModels.CrashRecover());
        var ids = new List<NodeId>();
        for (int i = 0; i < clients; i++)
        {
            int index = i;
            ids.Add(simulation.AddNode("client" + i, () => new AsyncKvClient(index, server, ops, keys, timeout)));
        }

        // Until the clients are done and the nemesis has stopped (or nothing is left to happen); then the server, restarted
        // if it is down, is checked.
        RunResult run = simulation.RunUntil(() => simulation.Now.SinceStart > TimeSpan.FromSeconds(5) && ids.All(id => simulation.GetNode(id) is AsyncKvClient { Completed: var done } && done >= ops));
        if (run.Outcome is RunOutcome.ConditionMet or RunOutcome.Quiescent)
        {
            if (!simulation.IsUp(server))
            {
                simulation.Restart(server);
            }

            simulation.RunUntil(simulation.Now + TimeSpan.FromMilliseconds(1)); // its start (after a restart) runs
        }

        return new AsyncKvRun(
            simulation,
            run,
            ids.Select(id => simulation.GetNode(id) as AsyncKvClient ?? new AsyncKvClient(-1, server, 0, 1, timeout)).ToList(),
            simulation.IsUp(server) ? simulation.GetNode(server) as AsyncKvServer : null,
            stats);
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int clients = args.GetInt("clients", 3, min: 1, max: 1000);
        int ops = args.GetInt("ops", 100, min: 1, max: 1_000_000);
        int keys = args.GetInt("keys", 5, min: 1, max: 100_000);
        double loss = args.GetProbability("loss", 0.1);
        if (loss >= 1)
        {
            throw new UsageException($"--loss must be below 1 (every call would time out forever), got {loss}");
        }

        TimeSpan timeout = args.GetDuration("timeout", TimeSpan.FromMilliseconds(20));
        if (timeout <= TimeSpan.Zero)
        {
            throw new UsageException($"--timeout must be more than zero, got {timeout}");
        }

        TimeSpan crashEvery = args.GetDuration("crash-every", TimeSpan.FromMilliseconds(500));
        bool ackBeforeFlush = args.Has("ack-before-flush");
        long completed = 0, retries = 0, stale = 0, lost = 0, crashes = 0, late = 0, dedup = 0;
        int runsWithLoss = 0, unchecked_ = 0;
        RunSummary summary = Sweep.Fold(
            args,
            (seed, settings) => Play(seed, clients, ops, keys, loss, timeout, crashEvery, ackBeforeFlush, settings),
            AsyncKvRecord.Of,
            (_, r) =>
            {
                completed += r.Completed;
                retries += r.Retries;
                stale += r.StaleReads;
                crashes += r.Crashes;
                late += r.LateReplies;
                dedup += r.Deduplicated;
                if (r.LostAcknowledged is { } l)
                {
                    lost += l;
                    runsWithLoss += l > 0 || r.StaleReads > 0 ? 1 : 0;
                }
                else
                {
                    unchecked_++;
                }
            },
            out _);
        int count = summary.Runs;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("ackBeforeFlush", ackBeforeFlush);
                json.WriteNumber("runs", count);
                json.WriteNumber("clients", clients);
                json.WriteNumber("opsCompleted", completed);
                json.WriteNumber("retries", retries);
                json.WriteNumber("lateReplies", late);
                json.WriteNumber("deduplicatedWrites", dedup);
                json.WriteNumber("serverCrashes", crashes);
                json.WriteNumber("staleReads", stale);
                json.WriteNumber("lostAcknowledgedWrites", lost);
                json.WriteNumber("runsWithLoss", runsWithLoss);
                json.WriteNumber("runsUnchecked", unchecked_);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"async-kv: {count} run(s), {clients} client(s) x {ops} operations, loss {loss:0.###}, timeout {timeout.TotalMilliseconds:0.###} ms, server crashing every {crashEvery.TotalMilliseconds:0.###} ms on average, {(ackBeforeFlush ? "ACK BEFORE FLUSH" : "flush, then acknowledge")}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine(Invariant($"  operations completed {completed}; calls timed out and retried {retries}; late replies dropped {late}; retried writes deduplicated {dedup}"));
        output.WriteLine(Invariant($"  server crashes {crashes}"));
        output.WriteLine(Invariant($"  stale reads {stale}; acknowledged writes lost {lost} (runs with either: {runsWithLoss} of {count}){(unchecked_ > 0 ? Invariant($"; {unchecked_} run(s) not checked") : string.Empty)}"));
        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return summary.ExitCode;
    }
}
