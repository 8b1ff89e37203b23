using DistSim.Checking;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.Abd;

/// <summary>How an ABD cluster is set up.</summary>
/// <param name="Replicas">Replicas (a majority must stay up: at most (n − 1) / 2 crash).</param>
/// <param name="Clients">Clients, each running <paramref name="Operations"/> operations one after another.</param>
/// <param name="Operations">Operations per client.</param>
/// <param name="Loss">Probability that a packet is lost (the reliable link retransmits).</param>
/// <param name="WriteBack">False: reads skip their write-back phase (the bug).</param>
/// <param name="Faults">Whether replicas crash (a minority, at random times) and the network partitions (healing).</param>
public sealed record AbdOptions(int Replicas = 5, int Clients = 3, int Operations = 30, double Loss = 0.05, bool WriteBack = true, bool Faults = true);

/// <summary>A finished ABD run: the simulation, the clients' history and its linearizability verdict.</summary>
/// <param name="Simulation">The finished simulation (its properties, trace and failure, if any).</param>
/// <param name="History">Every operation the clients invoked, with true virtual times.</param>
/// <param name="Verdict">Whether the history is linearizable for a register starting at 0.</param>
public sealed record AbdRun(Simulation Simulation, IReadOnlyList<Operation<RegisterInput<int>, int>> History, LinearizabilityResult<int, RegisterInput<int>, int> Verdict) : Cli.IScenarioRun
{
    /// <summary>How the run ended (the last run call's result).</summary>
    public RunResult Run { get; init; } = null!;
}

/// <summary>Builds and runs ABD clusters: replicas, clients, faults, properties, and the linearizability check.</summary>
public static class AbdCluster
{
    /// <summary>Faults start within this time from the start: crashes, and partitions (each heals).</summary>
    public static TimeSpan FaultWindow { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long after the end of faults every client must have completed its operations.</summary>
    public static TimeSpan LivenessBound { get; } = TimeSpan.FromSeconds(20);

    /// <summary>The register every history is checked against.</summary>
    public static RegisterModel<int> Model { get; } = new(0);

    /// <summary>Builds a cluster for <paramref name="seed"/>, with its properties registered; the clients log into <paramref name="history"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="history">Where the clients log their operations.</param>
    /// <param name="settings">How to trace and limit the run (the samples runner's <c>--trace</c>, <c>--event-limit</c>); null: the trace is kept in memory.</param>
    public static Simulation Build(ulong seed, AbdOptions options, out History<RegisterInput<int>, int> history, Cli.RunSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var simulationOptions = new SimulationOptions
        {
            Seed = seed,
            ThrowOnNodeFault = false,
            TimeLimit = TimeSpan.FromSeconds(60),
            Link = Links.Links.Reliable(),
            Network = new FairLossLinkOptions { LossProbability = options.Loss, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(3)) },
            Partitions = options.Faults
                ? new RandomPartitionOptions { MeanInterval = TimeSpan.FromMilliseconds(100), Duration = Delay.Uniform(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100)), Until = FaultWindow }
                : null,
        };
        var sim = new Simulation(settings?.ApplyTo(simulationOptions) ?? simulationOptions);
        var log = new History<RegisterInput<int>, int>(sim);
        history = log;
        NodeId[] replicas = [.. Enumerable.Range(0, options.Replicas).Select(i => sim.AddNode("r" + i, () => new AbdReplica(), FailureModels.CrashStop))];
        NodeId[] clients = [.. Enumerable.Range(0, options.Clients).Select(i => sim.AddNode("c" + i, () => new AbdClient(i, replicas, options.Operations, log, options.WriteBack)))];

        if (options.Faults)
        {
            // A minority of replicas crash for good, at times drawn from the seed.
            var draw = new RandomStream(seed ^ 0xABD);
            var schedule = new FaultSchedule();
            foreach (NodeId r in replicas.OrderBy(_ => draw.Next()).Take((options.Replicas - 1) / 2))
            {
                schedule.Crash(SimTime.FromStart(TimeSpan.FromMilliseconds(draw.NextBelow((ulong)FaultWindow.TotalMilliseconds))), r);
            }

            schedule.ApplyTo(sim);
        }

        var seen = new Dictionary<NodeId, Tag>();
        sim.Always("a replica's tag never goes back", () =>
        {
            foreach (NodeId r in replicas)
            {
                if (sim.GetNode(r) is AbdReplica replica)
                {
                    if (seen.TryGetValue(r, out Tag before) && replica.Tag < before)
                    {
                        return false;
                    }

                    seen[r] = replica.Tag;
                }
            }

            return true;
        });
        sim.Eventually(
            "every client completes its operations",
            () => clients.All(c => sim.GetNode(c) is AbdClient { Completed: var done } && done == options.Operations),
            within: LivenessBound,
            from: EventuallyFrom.FaultsEnd);
        return sim;
    }

    /// <summary>
    /// Builds and runs until every client is done and the liveness window has closed (or a property or a limit stops the
    /// run), then checks the history.
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="settings">How to trace and limit the run; null: the trace is kept in memory.</param>
    public static AbdRun Play(ulong seed, AbdOptions options, Cli.RunSettings? settings = null)
    {
        Simulation sim = Build(seed, options, out History<RegisterInput<int>, int> history, settings);
        NodeId[] clients = [.. Enumerable.Range(0, options.Clients).Select(i => sim.FindNode("c" + i))];
        RunResult result = sim.RunUntil(() => clients.All(c => sim.GetNode(c) is AbdClient { Completed: var done } && done == options.Operations));
        SimTime decided = sim.FaultsEnd + LivenessBound + TimeSpan.FromMilliseconds(1);
        if (result.Outcome == RunOutcome.ConditionMet && sim.Now < decided)
        {
            result = sim.RunUntil(decided); // the replicas' links may still retransmit to crashed peers: run to a time, not to quiet
        }

        IReadOnlyList<Operation<RegisterInput<int>, int>> operations = history.ToOperations();
        return new AbdRun(sim, operations, Linearizability.Analyze(operations, Model)) { Run = result };
    }
}
