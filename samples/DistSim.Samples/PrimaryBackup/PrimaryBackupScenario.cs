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
public sealed record PrimaryBackupRun(Simulation Simulation, RunResult Run, SimTime CrashAt, Client Client, Replica Survivor)
{
    /// <summary>
    /// Acknowledged writes the new primary did not have when it took over: keys for which the old primary
    /// acknowledged write number i while the new primary holds only an older write (or none). A newer,
    /// unacknowledged write is fine. Values are <c>v&lt;write number&gt;</c>.
    /// </summary>
    public int LostAcknowledged => Client.AcknowledgedBeforeFailover is { } acked && Survivor.StateAtTakeover is { } state
        ? acked.Count(kv => WriteNumber(state.GetValueOrDefault(kv.Key)) < WriteNumber(kv.Value))
        : 0;

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
    public static PrimaryBackupRun Play(ulong seed, int writes, int keys, bool synchronous, bool record = false)
    {
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            RecordTrace = record,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)) },
            TimeLimit = TimeSpan.FromHours(1),
        });
        NodeId p = new(0), b = new(1), c = new(2);
        simulation.AddNode("primary", () => new Replica(true, b, c, synchronous), FailureModels.CrashStop);
        simulation.AddNode("backup", () => new Replica(false, p, c, synchronous));
        simulation.AddNode("client", () => new Client(p, writes, keys));
        var crashAt = SimTime.FromStart(Delay.Uniform(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)).Sample(DistSim.Random.StreamSeed.Create(seed, "pb:crash")));
        new FaultSchedule().Crash(crashAt, p).ApplyTo(simulation);
        RunResult run = simulation.RunUntil(() => simulation.GetNode(c) is Client cl && cl.AcknowledgedCount >= writes && simulation.Now > crashAt);
        return new PrimaryBackupRun(simulation, run, crashAt, simulation.GetNode<Client>(c), simulation.GetNode<Replica>(b));
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        int writes = args.GetInt("writes", 500, min: 1, max: 1_000_000);
        int keys = args.GetInt("keys", 20, min: 1, max: 100_000);
        bool synchronous = !args.Has("async");
        List<PrimaryBackupRun> runs = Sweep.Runs(args, (seed, record) => Play(seed, writes, keys, synchronous, record), r => r.Simulation);
        int count = runs.Count;

        long lost = runs.Sum(r => r.LostAcknowledged);
        int failovers = runs.Count(r => r.Survivor.TookOver);
        RunSummary summary = RunSummary.Of(runs.Select(r => (r.Simulation, r.Run)).ToList());
        ulong fingerprint = summary.Fingerprint;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteString("replication", synchronous ? "synchronous" : "asynchronous");
                json.WriteNumber("runs", count);
                json.WriteNumber("writes", writes);
                json.WriteNumber("acknowledged", runs.Sum(r => r.Client.AcknowledgedCount));
                json.WriteNumber("failovers", failovers);
                json.WriteNumber("lostAcknowledgedWrites", lost);
                json.WriteNumber("runsWithLoss", runs.Count(r => r.LostAcknowledged > 0));
            }));
            return 0;
        }

        output.WriteLine(Invariant($"primary-backup: {count} run(s), {writes} writes, {(synchronous ? "synchronous" : "ASYNCHRONOUS")} replication; the primary crashes between 0.2 s and 2 s"));
        output.WriteLine(Invariant($"  failovers {failovers} of {count}; acknowledged writes lost: {lost} (in {runs.Count(r => r.LostAcknowledged > 0)} runs)"));
        if (count == 1)
        {
            output.WriteLine(Invariant($"  primary crashed at {runs[0].CrashAt}; the backup took over: {(runs[0].Survivor.TookOver ? "yes" : "no")}"));
        }

        output.WriteLine(Invariant($"  fingerprint {fingerprint:x16}"));
        return 0;
    }

}
