using DistSim.Checking;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Samples.Cli;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Samples.Byzantine;

/// <summary>How a PBFT cluster is set up.</summary>
/// <param name="Replicas">n, at least 4.</param>
/// <param name="Faulty">How many replicas are Byzantine (at most f = ⌊(n − 1)/3⌋ for the guarantees; 0: fault-free).</param>
/// <param name="Fault">The behaviour of every faulty replica; null: each faulty replica draws one from the seed.</param>
/// <param name="FaultyPrimary">The primary of view 0 (replica 0) is among the faulty ones.</param>
/// <param name="Clients">Clients.</param>
/// <param name="Operations">Operations per client.</param>
/// <param name="Keys">Keys.</param>
/// <param name="CheckpointInterval">K: replicas checkpoint after every K-th sequence number; the log window is 2K.</param>
/// <param name="Lagging">A replica (never a faulty one) cut off from every other node from when a quarter of the operations are answered until half are, so that it falls behind the others' stable checkpoints and must catch up (by state transfer when it is more than the log window behind); null: none.</param>
public sealed record PbftOptions(
    int Replicas = 4, int Faulty = 1, PbftFault? Fault = null, bool FaultyPrimary = false, int Clients = 2, int Operations = 20, int Keys = 3,
    int CheckpointInterval = PbftOptions.DefaultCheckpointInterval, int? Lagging = null)
{
    /// <summary>The default checkpoint interval K: small, so that runs of the samples' size take several checkpoints.</summary>
    public const int DefaultCheckpointInterval = 8;

    /// <summary>f = ⌊(n − 1)/3⌋.</summary>
    public int F => (Replicas - 1) / 3;

    /// <summary>The quorum, ⌈(n + f + 1) / 2⌉ (see <see cref="PbftReplicaArgs.Quorum"/>).</summary>
    public int Quorum => QuorumOf(Replicas);

    /// <summary>The quorum of <paramref name="replicas"/> replicas: ⌈(n + f + 1) / 2⌉ with f = ⌊(n − 1) / 3⌋ (2f + 1 when n = 3f + 1).</summary>
    /// <param name="replicas">n.</param>
    public static int QuorumOf(int replicas) => (replicas + ((replicas - 1) / 3) + 2) / 2;

    /// <summary>How long a client waits for f + 1 replies before broadcasting; a backup's view-change timer is the same.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (Replicas is < 4 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, "must be in [4, 100]");
        }

        if (Faulty < 0 || Faulty >= Replicas)
        {
            throw new ArgumentOutOfRangeException(nameof(Faulty), Faulty, "must be in [0, n)");
        }

        if (FaultyPrimary && Faulty == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FaultyPrimary), FaultyPrimary, "needs at least one faulty replica");
        }

        if (CheckpointInterval is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "must be in [1, 10000]");
        }

        if (Lagging is { } lagging && (lagging < 0 || lagging >= Replicas || (FaultyPrimary && lagging == 0) || Replicas - 1 - Faulty < Quorum))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Lagging), lagging, Invariant($"must be a replica in [0, {Replicas}), not the faulty primary, with a quorum ({Quorum}) of the other replicas honest ({Replicas - 1 - Faulty} with {Faulty} faulty)"));
        }

        if (Clients is < 1 or > 50 || Operations is < 1 or > 10_000 || Keys is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Operations), Invariant($"{Clients} clients x {Operations} operations on {Keys} keys"), "clients in [1, 50], operations in [1, 10000], keys in [1, 1000]");
        }
    }

    /// <summary>
    /// The messages of one request in the normal case, with no self-messages: the request to the primary (1), the
    /// pre-prepare to the n − 1 backups, a prepare from each backup to the n − 1 others ((n − 1)²), a commit from each
    /// replica to the n − 1 others (n(n − 1)) and a reply from each replica (n):
    /// 1 + (n − 1) + (n − 1)² + n(n − 1) + n = 2n² − n + 1.
    /// </summary>
    /// <param name="n">The replica count.</param>
    public static long PredictedMessagesPerRequest(int n) => 1 + (n - 1) + ((long)(n - 1) * (n - 1)) + ((long)n * (n - 1)) + n;

    /// <summary>
    /// The messages of <paramref name="requests"/> requests in a fault-free run where each gets the next sequence
    /// number: <see cref="PredictedMessagesPerRequest"/> each, and a checkpoint from each replica to the n − 1 others
    /// at every multiple of <paramref name="interval"/>: requests · (2n² − n + 1) + ⌊requests / K⌋ · n(n − 1).
    /// </summary>
    /// <param name="n">The replica count.</param>
    /// <param name="requests">The requests executed.</param>
    /// <param name="interval">The checkpoint interval K.</param>
    public static long PredictedMessages(int n, long requests, int interval) =>
        (requests * PredictedMessagesPerRequest(n)) + (requests / interval * n * (long)(n - 1));
}

/// <summary>A finished PBFT run.</summary>
/// <param name="Simulation">The simulation.</param>
/// <param name="Run">How it ended.</param>
/// <param name="Options">The cluster.</param>
/// <param name="Observer">The checks and counts.</param>
/// <param name="Behaviors">The behaviour of each faulty replica, by index.</param>
/// <param name="History">The clients' operations.</param>
/// <param name="Verdict">The linearizability verdict.</param>
public sealed record PbftRun(
    Simulation Simulation,
    RunResult Run,
    PbftOptions Options,
    PbftObserver Observer,
    IReadOnlyDictionary<int, PbftFault> Behaviors,
    IReadOnlyList<Operation<KvInput, string?>> History,
    LinearizabilityResult<string, KvInput, string?> Verdict) : IScenarioRun
{
    /// <summary>Operations answered.</summary>
    public int Completed => History.Count(op => !op.IsPending);

    /// <summary>Whether agreement or linearizability broke.</summary>
    public bool Bad => Observer.Violations > 0 || Verdict.Verdict == LinearizabilityVerdict.NotLinearizable;
}

/// <summary>Builds and runs PBFT clusters: replicas <c>r0</c>… (node ids 0…n−1), clients <c>c0</c>…, authenticated links.</summary>
public static class PbftCluster
{
    /// <summary>The run stops at this virtual time if the clients are not done.</summary>
    public static TimeSpan TimeLimit { get; } = TimeSpan.FromSeconds(120);

    /// <summary>The faulty replicas a seed picks: <paramref name="options"/>.Faulty distinct indexes (replica 0 first with <see cref="PbftOptions.FaultyPrimary"/>), from the stream <c>pbft:faulty</c>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    public static IReadOnlyDictionary<int, PbftFault> PickFaulty(ulong seed, PbftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RandomStream stream = StreamSeed.Create(seed, "pbft:faulty");
        var ids = Enumerable.Range(0, options.Replicas).Where(i => i != options.Lagging).ToList(); // the lagging replica is honest
        var picked = new List<int>();
        if (options.FaultyPrimary && options.Faulty > 0)
        {
            picked.Add(0);
            ids.Remove(0);
        }

        while (picked.Count < options.Faulty)
        {
            int k = (int)stream.NextBelow((ulong)ids.Count);
            picked.Add(ids[k]);
            ids.RemoveAt(k);
        }

        var result = new SortedDictionary<int, PbftFault>();
        foreach (int id in picked.Order())
        {
            result[id] = options.Fault ?? PbftBehaviors.All[(int)stream.NextBelow((ulong)PbftBehaviors.All.Count)];
        }

        return result;
    }

    /// <summary>
    /// The settings with the trace kept in memory (unless it streams to a file): the records count Byzantine events and
    /// link rejections from it. A run's trace is a few thousand events and is dropped with the run.
    /// </summary>
    /// <param name="settings">The sweep's settings; null: recorded.</param>
    public static RunSettings Traced(RunSettings? settings) =>
        settings is null ? RunSettings.Recorded : settings.TraceWriter is null && !settings.RecordTrace ? settings with { RecordTrace = true } : settings;

    /// <summary>Builds and runs one cluster until the clients are done (or <see cref="TimeLimit"/>), then lets the last messages land, and checks the history.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The cluster.</param>
    /// <param name="settings">How to trace and limit the run; null: traced in memory.</param>
    /// <param name="behavior">Makes the behaviour of each faulty replica instead of <see cref="PbftOptions.Fault"/> (an attack of a test's own); null: the options' behaviours.</param>
    public static PbftRun Play(ulong seed, PbftOptions options, RunSettings? settings = null, Func<ByzantineBehavior>? behavior = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IReadOnlyDictionary<int, PbftFault> faulty = PickFaulty(seed, options);
        SimulationOptions simulationOptions = new()
        {
            Seed = seed,
            ThrowOnNodeFault = false,
            TimeLimit = TimeLimit + TimeSpan.FromSeconds(5),
            Link = global::DistSim.Links.Links.Authenticated(),
            Network = new FairLossLinkOptions { Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)) },
        };
        var sim = new Simulation(Traced(settings).ApplyTo(simulationOptions));
        var observer = new PbftObserver(sim, new SortedSet<int>(faulty.Keys));
        var history = new History<KvInput, string?>(sim);
        for (int i = 0; i < options.Replicas; i++)
        {
            var args = new PbftReplicaArgs(i, options.Replicas, PbftOptions.Timeout, observer, options.CheckpointInterval);
            Func<Node> honest = () => new PbftReplica(args);
            if (faulty.TryGetValue(i, out PbftFault fault))
            {
                sim.AddNode("r" + i, Failures.Byzantine.Wrap(honest, behavior ?? (() => PbftBehaviors.Create(fault))), FailureModels.Byzantine);
            }
            else
            {
                sim.AddNode("r" + i, honest);
            }
        }

        var clients = new List<NodeId>();
        for (int c = 0; c < options.Clients; c++)
        {
            clients.Add(sim.AddNode("c" + c, () => new PbftClient(options.Replicas, options.Operations, options.Keys, PbftOptions.Timeout, history, observer)));
        }

        SimTime until = SimTime.FromStart(TimeLimit);
        int Answered() => clients.Sum(c => sim.GetNode(c) is PbftClient { Completed: var done } ? done : 0);
        RunResult result;
        if (options.Lagging is { } lagging)
        {
            // Cut off once a quarter of the operations are answered (so there are checkpoints to fall behind), healed at
            // half (so the link's retransmissions, backed off while it was cut, reach it while the clients still work).
            result = sim.RunUntil(() => sim.Now >= until || Answered() * 4 >= options.Operations * options.Clients);
            if (result.Outcome != RunOutcome.ConditionMet)
            {
                return Finish(sim, result, options, observer, faulty, history);
            }

            sim.Network.Isolate(new NodeId(lagging));
            result = sim.RunUntil(() => sim.Now >= until || Answered() * 2 >= options.Operations * options.Clients);
            sim.Network.Heal();
            if (result.Outcome != RunOutcome.ConditionMet)
            {
                return Finish(sim, result, options, observer, faulty, history);
            }
        }

        result = sim.RunUntil(() => sim.Now >= until || Answered() == options.Operations * options.Clients);
        if (result.Outcome == RunOutcome.ConditionMet)
        {
            result = sim.RunUntil(sim.Now + TimeSpan.FromSeconds(1)); // the last commits and replies land
        }

        return Finish(sim, result, options, observer, faulty, history);
    }

    private static PbftRun Finish(
        Simulation sim, RunResult result, PbftOptions options, PbftObserver observer, IReadOnlyDictionary<int, PbftFault> faulty, History<KvInput, string?> history)
    {
        IReadOnlyList<Operation<KvInput, string?>> ops = history.ToOperations();
        return new PbftRun(sim, result, options, observer, faulty, ops, Linearizability.Analyze(ops, KeyValueModel.Instance));
    }
}
