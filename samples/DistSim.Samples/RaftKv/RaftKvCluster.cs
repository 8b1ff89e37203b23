using DistSim.Time;
using DistSim.Checking;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Timing;

namespace DistSim.Samples.RaftKv;

/// <summary>A finished Raft run: the simulation, the observer's checks and records, the clients' history and its verdict.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Observer">Elections, commits, recoveries and the safety checks.</param>
/// <param name="History">Every operation the clients invoked, with true virtual times.</param>
/// <param name="Verdict">Whether the history is linearizable for a key-value store.</param>
public sealed record RaftKvRun(
    Simulation Simulation,
    RunResult Run,
    RaftKvObserver Observer,
    IReadOnlyList<Operation<KvInput, string?>> History,
    LinearizabilityResult<string, KvInput, string?> Verdict) : Cli.IScenarioRun
{
    /// <summary>Whether the run broke a safety property or linearizability.</summary>
    public bool Bad => Observer.Violations > 0 || Verdict.Verdict == LinearizabilityVerdict.NotLinearizable;

    /// <summary>Leader changes: elections after the first.</summary>
    public int LeaderChanges => Math.Max(0, Observer.LeadersElected - 1);

    /// <summary>Every leadership, in the order of election.</summary>
    public IReadOnlyList<LeadershipInterval> LeadershipIntervals => Observer.LeadershipIntervals;

    /// <summary>When each log index was first committed.</summary>
    public IReadOnlyList<(long Index, SimTime At)> CommitTimes => Observer.CommitTimes;
}

/// <summary>
/// Builds and runs Raft key-value clusters (servers <c>s0</c>…, clients <c>c0</c>…) under crash-recover faults, random
/// partitions and partial synchrony, then checks the history for linearizability. Other scenarios reuse it: options
/// choose the size, the election timeout, PreVote and CheckQuorum, the load, scripted faults (link cuts) and the server
/// class; the run reports leadership intervals, leader changes and commit times.
/// </summary>
public static class RaftKvCluster
{
    /// <summary>With clients, the run stops this long after the fault window if they are not done by then.</summary>
    public static TimeSpan Grace { get; } = TimeSpan.FromSeconds(20);

    /// <summary>The servers' node ids in a simulation built by <see cref="Build"/> with <paramref name="servers"/> servers: added first, so 0…n-1.</summary>
    /// <param name="servers">The server count.</param>
    public static IReadOnlyList<NodeId> ServerIds(int servers) => [.. Enumerable.Range(0, servers).Select(i => new NodeId(i))];

    /// <summary>Builds a cluster for <paramref name="seed"/>; the clients log into <paramref name="history"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="observer">Sees elections, commits and recoveries.</param>
    /// <param name="history">Where the clients log their operations.</param>
    /// <param name="settings">How to trace and limit the run; null: the trace is kept in memory.</param>
    public static Simulation Build(ulong seed, RaftKvOptions options, out RaftKvObserver observer, out History<KvInput, string?> history, Cli.RunSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TimeSpan window = options.Window;
        var simulationOptions = new SimulationOptions
        {
            Seed = seed,
            ThrowOnNodeFault = false,
            TimeLimit = window + Grace + Grace + (options.Duration ?? TimeSpan.Zero),
            Network = new FairLossLinkOptions { LossProbability = options.Loss, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)) },
            // Partial synchrony: before GST (drawn in the fault window) delays are heavy-tailed and unbounded; after it, ≤ 20 ms more.
            Timing = TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(20), Delay.Pareto(TimeSpan.FromMilliseconds(2), 1.2), gstMax: window),
            Nemesis = options.CrashEvery is { } every
                ? new NemesisOptions { MeanTimeBetweenCrashes = every, Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300)), Until = window }
                : null,
            Partitions = options.Partitions
                ? new RandomPartitionOptions { MeanInterval = TimeSpan.FromMilliseconds(600), Duration = Delay.Uniform(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(800)), Until = window }
                : null,
        };
        var sim = new Simulation(settings?.ApplyTo(simulationOptions) ?? simulationOptions);
        var log = new History<KvInput, string?>(sim);
        var seen = new RaftKvObserver(sim);
        (history, observer) = (log, seen);
        var servers = new List<NodeId>();
        for (int i = 0; i < options.Servers; i++)
        {
            var args = new RaftKvServerArgs(i, servers, seen, options);
            Func<RaftKvServerArgs, RaftKvServer> make = options.ServerFactory ?? (a => new RaftKvServer(a));
            servers.Add(sim.AddNode("s" + i, () => make(args), options.FailureModelOf?.Invoke(i) ?? FailureModels.CrashRecover()));
        }

        TimeSpan timeout = options.ClientTimeout ?? TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(150).Ticks, 2 * options.Election.Ticks));
        for (int i = 0; i < options.Clients; i++)
        {
            int index = i;
            sim.AddNode("c" + i, () => new RaftKvClient(index, servers, options.Operations, options.Keys, timeout, log));
        }

        options.Schedule?.ApplyTo(sim);
        return sim;
    }

    /// <summary>
    /// Builds and runs: with clients, until each is done after the fault window (or <see cref="Grace"/> after it); without,
    /// for <see cref="RaftKvOptions.Duration"/> (default: the fault window plus 5 s). Then checks the history.
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="settings">How to trace and limit the run; null: the trace is kept in memory.</param>
    /// <param name="built">Called with the simulation once it is built, before it runs (e.g. for a server factory that needs it); null: nothing.</param>
    public static RaftKvRun Play(ulong seed, RaftKvOptions options, Cli.RunSettings? settings = null, Action<Simulation>? built = null)
    {
        Simulation sim = Build(seed, options, out RaftKvObserver observer, out History<KvInput, string?> history, settings);
        built?.Invoke(sim);
        RunResult result;
        if (options.Clients == 0)
        {
            result = sim.RunUntil(SimTime.FromStart(options.Duration ?? options.Window + TimeSpan.FromSeconds(5)));
        }
        else
        {
            NodeId[] clients = [.. Enumerable.Range(0, options.Clients).Select(i => sim.FindNode("c" + i))];
            SimTime until = SimTime.FromStart((options.Duration ?? TimeSpan.Zero) + options.Window + Grace);
            result = sim.RunUntil(() =>
                sim.Now >= until || (sim.Now.SinceStart > options.Window && clients.All(c => sim.GetNode(c) is RaftKvClient { Completed: var done } && done == options.Operations)));
        }

        IReadOnlyList<Operation<KvInput, string?>> operations = history.ToOperations();
        return new RaftKvRun(sim, result, observer, operations, Linearizability.Analyze(operations, KeyValueModel.Instance));
    }
}
