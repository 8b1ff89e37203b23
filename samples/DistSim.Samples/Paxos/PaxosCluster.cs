using DistSim.Checking;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Time;
using DistSim.Nodes;
using DistSim.Timing;

namespace DistSim.Samples.Paxos;

/// <summary>How a Multi-Paxos cluster is set up.</summary>
/// <param name="Replicas">Replicas (acceptors, learners and proposers): 3 or 5.</param>
/// <param name="Clients">Clients, each running <paramref name="Operations"/> operations one after another.</param>
/// <param name="Operations">Operations per client.</param>
/// <param name="Keys">Keys the clients use.</param>
/// <param name="Loss">Probability that a packet is lost (the reliable link retransmits).</param>
/// <param name="CrashEvery">Mean time between crashes of a replica (the nemesis restarts it after 20–200 ms).</param>
/// <param name="Flush">False: acceptors answer without flushing, so a crash forgets promises and accepted values (the bug).</param>
public sealed record PaxosOptions(int Replicas = 3, int Clients = 3, int Operations = 30, int Keys = 3, double Loss = 0.05, TimeSpan? CrashEvery = null, bool Flush = true)
{
    /// <summary>The mean time between crashes of a replica when none is given: 300 ms.</summary>
    public static TimeSpan DefaultCrashEvery { get; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (Replicas is not (3 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, "must be 3 or 5");
        }

        if (Clients is < 1 or > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(Clients), Clients, "must be in [1, 50]");
        }

        if (Operations is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Operations), Operations, "must be in [1, 10000]");
        }

        if (Keys is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Keys), Keys, "must be in [1, 1000]");
        }

        if (!(Loss >= 0 && Loss < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "must be in [0, 1)");
        }

        if (CrashEvery is { } c && c <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CrashEvery), c, "must be > 0");
        }
    }
}

/// <summary>A finished Multi-Paxos run: the simulation, the agreement observer, the clients' history and its verdict.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Observer">Decisions and elections seen during the run.</param>
/// <param name="History">Every operation the clients invoked, with true virtual times.</param>
/// <param name="Verdict">Whether the history is linearizable for a key-value store.</param>
public sealed record PaxosRun(
    Simulation Simulation,
    RunResult Run,
    PaxosObserver Observer,
    IReadOnlyList<Operation<KvInput, string?>> History,
    LinearizabilityResult<string, KvInput, string?> Verdict) : Cli.IScenarioRun;

/// <summary>Builds and runs Multi-Paxos clusters under the crash-recover nemesis, then checks agreement and linearizability.</summary>
public static class PaxosCluster
{
    /// <summary>Crashes start within this time from the start; then the cluster is left to finish.</summary>
    public static TimeSpan FaultWindow { get; } = TimeSpan.FromSeconds(3);

    /// <summary>The run stops this long after the end of faults if clients are not done by then.</summary>
    public static TimeSpan Grace { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Builds a cluster for <paramref name="seed"/>; the clients log into <paramref name="history"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="observer">Sees decisions and elections.</param>
    /// <param name="history">Where the clients log their operations.</param>
    /// <param name="settings">How to trace and limit the run; null: the trace is kept in memory.</param>
    public static Simulation Build(ulong seed, PaxosOptions options, out PaxosObserver observer, out History<KvInput, string?> history, Cli.RunSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var simulationOptions = new SimulationOptions
        {
            Seed = seed,
            ThrowOnNodeFault = false,
            TimeLimit = FaultWindow + Grace + Grace,
            Link = Links.Links.Reliable(),
            Network = new FairLossLinkOptions { LossProbability = options.Loss, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(3)) },
            Nemesis = new NemesisOptions
            {
                MeanTimeBetweenCrashes = options.CrashEvery ?? PaxosOptions.DefaultCrashEvery,
                Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)),
                Until = FaultWindow,
            },
        };
        var sim = new Simulation(settings?.ApplyTo(simulationOptions) ?? simulationOptions);
        var log = new History<KvInput, string?>(sim);
        var seen = new PaxosObserver(sim);
        (history, observer) = (log, seen);
        var replicas = new List<NodeId>();
        for (int i = 0; i < options.Replicas; i++)
        {
            int index = i;
            replicas.Add(sim.AddNode("r" + i, () => new PaxosReplica(index, replicas, seen, options.Flush), FailureModels.CrashRecover()));
        }

        for (int i = 0; i < options.Clients; i++)
        {
            int index = i;
            sim.AddNode("c" + i, () => new PaxosClient(index, replicas, options.Operations, options.Keys, log));
        }

        // Agreement is counted by the observer, not stopped at: the run goes on, so the history shows what clients saw.
        return sim;
    }

    /// <summary>Builds and runs until every client is done after the faults end (or a property or a limit stops the run), then checks the history.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="settings">How to trace and limit the run; null: the trace is kept in memory.</param>
    public static PaxosRun Play(ulong seed, PaxosOptions options, Cli.RunSettings? settings = null)
    {
        Simulation sim = Build(seed, options, out PaxosObserver observer, out History<KvInput, string?> history, settings);
        NodeId[] clients = [.. Enumerable.Range(0, options.Clients).Select(i => sim.FindNode("c" + i))];
        SimTime until = SimTime.FromStart(FaultWindow + Grace);
        RunResult result = sim.RunUntil(() =>
            sim.Now >= until || (sim.Now.SinceStart > FaultWindow && clients.All(c => sim.GetNode(c) is PaxosClient { Completed: var done } && done == options.Operations)));
        IReadOnlyList<Operation<KvInput, string?>> operations = history.ToOperations();
        return new PaxosRun(sim, result, observer, operations, Linearizability.Analyze(operations, KeyValueModel.Instance));
    }
}
