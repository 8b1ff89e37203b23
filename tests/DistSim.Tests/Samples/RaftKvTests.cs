using System.Text.Json;
using DistSim.Checking;
using DistSim.Nodes;
using DistSim.Samples.RaftKv;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

public class RaftKvTests
{
    private static readonly TimeSpan E = RaftKvOptions.DefaultElectionTimeout;

    /// <summary>No random faults: the test scripts them. Clients keep the cluster busy for the whole run.</summary>
    private static RaftKvOptions Quiet(bool preVote = false, bool checkQuorum = false) =>
        new(Operations: 400, CrashEvery: null, Partitions: false, PreVote: preVote, CheckQuorum: checkQuorum);

    private sealed record Scripted(Simulation Sim, RaftKvObserver Observer, LinearizabilityResult<string, KvInput, string?> Verdict, IReadOnlyList<NodeId> Servers);

    /// <summary>Builds a quiet cluster, runs <paramref name="script"/> at 1 s (given the servers and the leader's index), runs to 4 s, checks the history.</summary>
    private static Scripted RunScripted(ulong seed, RaftKvOptions options, Action<Simulation, RaftKvObserver, IReadOnlyList<NodeId>, int> script)
    {
        Simulation sim = RaftKvCluster.Build(seed, options, out RaftKvObserver observer, out History<KvInput, string?> history);
        IReadOnlyList<NodeId> servers = RaftKvCluster.ServerIds(options.Servers);
        sim.At(SimTime.FromStart(TimeSpan.FromSeconds(1)), () => script(sim, observer, servers, LeaderOf(sim, servers)));
        sim.RunUntil(SimTime.FromStart(TimeSpan.FromSeconds(4)));
        return new(sim, observer, Linearizability.Analyze(history.ToOperations(), KeyValueModel.Instance), servers);
    }

    private static int LeaderOf(Simulation sim, IReadOnlyList<NodeId> servers) =>
        Enumerable.Range(0, servers.Count)
            .Where(i => sim.GetNode(servers[i]) is RaftKvServer { Role: RaftRole.Leader })
            .OrderByDescending(i => sim.GetNode<RaftKvServer>(servers[i]).Term)
            .First();

    private static void CutFromServers(Simulation sim, IReadOnlyList<NodeId> servers, int index)
    {
        foreach (NodeId other in servers.Where(s => s != servers[index]))
        {
            sim.Network.Cut(servers[index], other);
            sim.Network.Cut(other, servers[index]);
        }
    }

    [Fact(DisplayName = "Raft, 100 seeds under crashes, partitions and partial synchrony: no safety violation, every history linearizable, every operation answered")]
    public void Safe_ASweepHasNoViolation()
    {
        (int code, string output, string error) = RunnerCli.Run("raft", "--sweep", "100", "--json");

        Assert.True(code == 0, error + output);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.Equal(0, r.GetProperty("violations").GetInt32());
        Assert.Equal(100, r.GetProperty("linearizable").GetInt32());
        Assert.Equal(1, r.GetProperty("leadersPerTermMax").GetInt32());
        Assert.Equal(1, r.GetProperty("valuesPerIndexMax").GetInt32());
        Assert.Equal(100 * 90, r.GetProperty("completed").GetInt64());
        Assert.True(r.GetProperty("crashes").GetInt64() > 500);
        Assert.True(r.GetProperty("leadersElected").GetInt64() > 200); // leaders changed: more than one per run
        Assert.True(r.GetProperty("recoveries").GetInt64() >= r.GetProperty("restarts").GetInt64() - 100); // a restart at a run's last event is not yet recovered
        Assert.Equal(r.GetProperty("recoveries").GetInt64(), r.GetProperty("recoveriesMatchingFlushed").GetInt64()); // flushed state is exactly what comes back
        Assert.True(r.GetProperty("truncations").GetInt64() > 0);
        Assert.Equal(0, r.GetProperty("nodeFaults").GetInt32());
    }

    [Fact(DisplayName = "Raft: the leader crashes; another server is elected in a higher term, and the restarted one recovers term, vote and log from storage")]
    public void LeaderCrash_NewElection_AndRecoveryFromStorage()
    {
        int old = -1;
        long oldTerm = 0, oldLog = 0;
        Scripted run = RunScripted(3, Quiet(), (sim, observer, servers, leader) =>
        {
            old = leader;
            RaftKvServer s = sim.GetNode<RaftKvServer>(servers[leader]);
            (oldTerm, oldLog) = (s.Term, s.LastIndex);
            sim.CrashFor(servers[leader], TimeSpan.FromSeconds(1));
        });

        Assert.True(oldLog > 5);
        Assert.Contains(run.Sim.Trace.Events, e => e.Kind == TraceEventKind.Crash && e.Node == run.Servers[old]);
        LeadershipInterval next = run.Observer.LeadershipIntervals.First(i => i.Start.SinceStart > TimeSpan.FromSeconds(1));
        Assert.NotEqual(old, next.Server);
        Assert.True(next.Term > oldTerm);
        Assert.True(next.Start.SinceStart < TimeSpan.FromSeconds(1) + (4 * E)); // elected within a few election timeouts
        RaftRecovery recovery = Assert.Single(run.Observer.Recoveries, r => r.Server == old);
        Assert.Equal(oldTerm, recovery.Term);
        Assert.Equal(old, recovery.VotedFor); // it had voted for itself in the term it led
        Assert.True(recovery.Entries >= oldLog);
        Assert.True(recovery.MatchesFlushed);
        RaftKvServer back = run.Sim.GetNode<RaftKvServer>(run.Servers[old]);
        Assert.True(back.Term >= next.Term); // it caught up with the new leader
        Assert.True(back.CommitIndex > oldLog);
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
    }

    [Fact(DisplayName = "Raft: a leader cut off from the other servers keeps appending client requests; after the heal it truncates them, and nothing committed is lost")]
    public void CutLeader_TruncatesItsConflictingEntries()
    {
        int old = -1;
        Scripted run = RunScripted(5, Quiet(), (sim, observer, servers, leader) =>
        {
            old = leader;
            CutFromServers(sim, servers, leader);
            sim.At(SimTime.FromStart(TimeSpan.FromSeconds(2.5)), () => sim.Network.Heal());
        });

        (int server, long from, long removed, SimTime at) = Assert.Single(run.Observer.TruncationLog);
        Assert.Equal(old, server);
        Assert.True(removed > 0);
        Assert.True(at.SinceStart >= TimeSpan.FromSeconds(2.5));
        Assert.DoesNotContain(run.Observer.StepDowns, d => d.CheckQuorum); // without check-quorum it did not step down on its own
        Assert.Contains(run.Observer.StepDowns, d => d.Server == old && d.At.SinceStart >= TimeSpan.FromSeconds(2.5));
        Assert.Contains(run.Observer.CommittedEntries, c => c.Index == from); // the index was committed, with the new leader's entry
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
    }

    [Fact(DisplayName = "Raft --check-quorum: a leader cut off from the other servers steps down within two election timeouts")]
    public void CheckQuorum_IsolatedLeaderStepsDown()
    {
        int old = -1;
        Scripted run = RunScripted(5, Quiet(checkQuorum: true), (sim, observer, servers, leader) =>
        {
            old = leader;
            CutFromServers(sim, servers, leader);
            sim.At(SimTime.FromStart(TimeSpan.FromSeconds(2.5)), () => sim.Network.Heal());
        });

        (int server, SimTime at, bool checkQuorum) = run.Observer.StepDowns.First(d => d.At.SinceStart > TimeSpan.FromSeconds(1));
        Assert.Equal(old, server);
        Assert.True(checkQuorum);
        Assert.True(at.SinceStart <= TimeSpan.FromSeconds(1) + (2 * E));
        Assert.Equal(1, run.Observer.CheckQuorumStepDowns);
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
    }

    [Theory(DisplayName = "Raft: a follower cut off for 2 s; with --prevote its pre-vote rounds fail without bumping its term and the leader survives the heal, without it the term climbs and the leader is deposed")]
    [InlineData(true)]
    [InlineData(false)]
    public void PreVote_IsolatedFollowerDoesNotBumpItsTerm(bool preVote)
    {
        int follower = -1;
        long before = 0, during = 0;
        int leadersBeforeHeal = 0;
        Scripted run = RunScripted(11, Quiet(preVote: preVote), (sim, observer, servers, leader) =>
        {
            follower = (leader + 1) % servers.Count;
            before = sim.GetNode<RaftKvServer>(servers[follower]).Term;
            CutFromServers(sim, servers, follower);
            sim.At(SimTime.FromStart(TimeSpan.FromSeconds(2.99)), () => during = sim.GetNode<RaftKvServer>(servers[follower]).Term);
            sim.At(SimTime.FromStart(TimeSpan.FromSeconds(3)), () =>
            {
                leadersBeforeHeal = observer.LeadersElected;
                sim.Network.Heal();
            });
        });

        int leadersAfterHeal = run.Observer.LeadersElected - leadersBeforeHeal;
        var sends = run.Sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send && e.Node == run.Servers[follower] && e.Payload is VoteRequest && e.Time.SinceStart > TimeSpan.FromSeconds(1) && e.Time.SinceStart < TimeSpan.FromSeconds(3)).Select(e => (VoteRequest)e.Payload!).ToList();
        if (preVote)
        {
            Assert.Equal(before, during);
            Assert.True(run.Observer.PreVoteRoundsFailed >= 5); // a round every 150-300 ms for 2 s, none won
            Assert.NotEmpty(sends);
            Assert.All(sends, r => Assert.True(r.PreVote && r.Term == before + 1));
            Assert.Equal(0, leadersAfterHeal); // the rejoining follower did not disrupt the leader
        }
        else
        {
            Assert.True(during >= before + 5);
            Assert.All(sends, r => Assert.False(r.PreVote));
            Assert.True(leadersAfterHeal >= 1); // its higher term deposed the leader
        }

        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
    }

    [Fact(DisplayName = "Raft --no-persist: a sweep of 20 seeds finds a run breaking safety or linearizability, and its seed replays alone and passes with persistence")]
    public void NoPersist_ASweepFindsAViolation_AndTheSeedReplays()
    {
        (int code, string output, _) = RunnerCli.Run("raft", "--sweep", "20", "--no-persist", "--json");

        Assert.Equal(1, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.True(r.GetProperty("violations").GetInt32() > 0);
        Assert.True(r.GetProperty("recoveriesMatchingFlushed").GetInt64() < r.GetProperty("recoveries").GetInt64());
        ulong seed = r.GetProperty("firstViolationSeed").GetUInt64();

        RaftKvRun again = RaftKvCluster.Play(seed, new RaftKvOptions(Persist: false, CrashEvery: TimeSpan.FromMilliseconds(400)));
        Assert.True(again.Bad);
        RaftKvRun persisted = RaftKvCluster.Play(seed, new RaftKvOptions(CrashEvery: TimeSpan.FromMilliseconds(400)));
        Assert.False(persisted.Bad);
        Assert.Equal(LinearizabilityVerdict.Linearizable, persisted.Verdict.Verdict);
    }

    [Theory(DisplayName = "Raft --figure8 --unsafe-commit: s0 (term a) gets index i to s1 only, s4 (term b) appends there alone, s0 (term c) commits its term-a entry by counting, s4 (term d) overwrites it: a lost commit")]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    [InlineData(5UL)]
    [InlineData(6UL)]
    public void Figure8_UnsafeCommit_LosesACommittedEntry(ulong seed)
    {
        RaftKvRun run = RaftKvCluster.Play(seed, RaftKvFigure8.Options(unsafeCommit: true));
        RaftKvObserver o = run.Observer;

        // The leaders, in order: s0, s4, s0, s4, in rising terms a < b < c < d (the paper's S1, S5, S1, S5).
        LeadershipInterval[] leaders = [.. run.LeadershipIntervals];
        Assert.Equal([0, 4, 0, 4], leaders.Select(l => l.Server).Take(4));
        (long a, long b, long c, long d) = (leaders[0].Term, leaders[1].Term, leaders[2].Term, leaders[3].Term);
        Assert.True(a < b && b < c && c < d, $"terms {a}, {b}, {c}, {d}");

        // Index i: an entry of term a first committed while s0 led term c (counting replicas), ...
        (long i, RaftEntry committed) = o.CommittedEntries.First(e => e.Entry.Term == a && o.CommitTimes.Single(t => t.Index == e.Index).At >= leaders[2].Start);
        SimTime at = o.CommitTimes.Single(t => t.Index == i).At;
        Assert.True(at < leaders[3].Start, $"index {i} committed at {at}, after s4's second election at {leaders[3].Start}");

        // ... which s4, elected for term d with its own term-b entry at i, does not hold: the observer reports the lost commit.
        Assert.True(o.LostCommits >= 1);
        Assert.Equal(FormattableString.Invariant($"index {i}: s4 elected for term {d} at {leaders[3].Start} without the committed entry {committed}"), o.FirstViolation);
        RaftKvServer s4 = run.Simulation.GetNode<RaftKvServer>(RaftKvCluster.ServerIds(5)[4]);
        Assert.Equal(b, s4.TermAt(i));

        // The followers that held s0's entry cut it and applied s4's instead: two values committed at index i.
        Assert.Contains(o.TruncationLog, t => t.Server is 2 or 3 && t.From <= i && t.At > leaders[3].Start);
        Assert.True(o.ConflictingCommits >= 1);
        Assert.Equal(2, o.ValuesPerIndexMax);
        Assert.True(run.Bad);
    }

    [Theory(DisplayName = "Raft --figure8 without --unsafe-commit: the same schedule is safe (s4's no-op commits, so s0 never leads again), every operation answered")]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    [InlineData(5UL)]
    [InlineData(6UL)]
    public void Figure8_Safe_NoViolation(ulong seed)
    {
        RaftKvOptions options = RaftKvFigure8.Options();
        RaftKvRun run = RaftKvCluster.Play(seed, options);

        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(1, run.Observer.ValuesPerIndexMax);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
        Assert.Equal(options.Clients * options.Operations, run.History.Count(op => !op.IsPending));
        Assert.Equal([0, 4], run.LeadershipIntervals.Select(l => l.Server).Take(2));
        Assert.Single(run.LeadershipIntervals, l => l.Server == 0);
    }

    [Fact(DisplayName = "raft --figure8 --unsafe-commit exits 1 naming s4's election without the committed entry; raft --figure8 exits 0; --figure8 wants 5 servers")]
    public void Figure8_Cli()
    {
        (int code, string output, _) = RunnerCli.Run("raft", "--figure8", "--unsafe-commit", "--json");
        Assert.Equal(1, code);
        using (JsonDocument json = JsonDocument.Parse(output))
        {
            JsonElement r = json.RootElement;
            Assert.True(r.GetProperty("figure8").GetBoolean());
            Assert.Equal(1, r.GetProperty("safetyViolations").GetInt32());
            Assert.Matches(@"^index \d+: s4 elected for term \d+ at .* without the committed entry t1:", r.GetProperty("firstViolation").GetString());
        }

        (code, output, _) = RunnerCli.Run("raft", "--figure8", "--json");
        Assert.Equal(0, code);
        using (JsonDocument json = JsonDocument.Parse(output))
        {
            Assert.Equal(0, json.RootElement.GetProperty("violations").GetInt32());
            Assert.Equal(5, json.RootElement.GetProperty("nodes").GetInt32());
        }

        Assert.Equal(2, RunnerCli.Run("raft", "--figure8", "--nodes", "3").Code);
        Assert.Equal(2, RunnerCli.Run("raft", "--figure8", "--election-timeout", "100").Code);
    }

    [Property(MaxTest = 12)]
    public bool Safe_AnySeedAndFeatures_NoViolation_Linearizable(ulong seed, bool preVote, bool checkQuorum, bool five)
    {
        RaftKvRun run = RaftKvCluster.Play(seed, new RaftKvOptions(Servers: five ? 5 : 3, Operations: 20, PreVote: preVote, CheckQuorum: checkQuorum, CrashEvery: TimeSpan.FromMilliseconds(400)));
        return run.Observer.Violations == 0 && run.Observer.LeadersPerTermMax == 1 && run.Verdict.Verdict == LinearizabilityVerdict.Linearizable
            && run.History.All(o => !o.IsPending) && run.Simulation.Failure is null;
    }

    [Property(MaxTest = 5)]
    public bool SameSeed_SameFingerprint(ulong seed)
    {
        var options = new RaftKvOptions(Operations: 10, PreVote: true, CheckQuorum: true, CrashEvery: TimeSpan.FromMilliseconds(400));
        return RaftKvCluster.Play(seed, options).Simulation.Trace.Fingerprint == RaftKvCluster.Play(seed, options).Simulation.Trace.Fingerprint;
    }

    [Fact]
    public void BadOptions_AreUsageErrors()
    {
        Assert.Equal(2, RunnerCli.Run("raft", "--nodes", "4").Code);
        Assert.Equal(2, RunnerCli.Run("raft", "--nodes", "9").Code);
        Assert.Equal(2, RunnerCli.Run("raft", "--loss", "1").Code);
        Assert.Equal(2, RunnerCli.Run("raft", "--election-timeout", "1").Code);
        Assert.Equal(2, RunnerCli.Run("raft", "--crash-every", "0s").Code);
    }

    [Fact]
    public void BadOptions_InCode_NameTheParameterAndValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RaftKvCluster.Play(1, new RaftKvOptions(Servers: 4)));
        Assert.Equal("Servers", e.ParamName);
        Assert.Equal(4, e.ActualValue);
        var t = Assert.Throws<ArgumentOutOfRangeException>(() => RaftKvCluster.Play(1, new RaftKvOptions(ElectionTimeout: TimeSpan.Zero)));
        Assert.Equal("ElectionTimeout", t.ParamName);
    }
}
