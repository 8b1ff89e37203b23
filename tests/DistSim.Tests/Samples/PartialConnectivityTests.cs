using System.Text.Json;
using DistSim.Samples.Cli;
using DistSim.Samples.PartialConnectivity;
using DistSim.Samples.RaftKv;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class PartialConnectivityTests
{
    private static readonly TimeSpan E = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private static PartialConnectivityRun Play(PartialSituation situation, bool preVote, bool checkQuorum, ulong seed = 1, bool record = false) =>
        PartialConnectivityCluster.Play(seed, new PartialConnectivityOptions(situation, E, Window, preVote, checkQuorum), record ? RunSettings.Recorded : RunSettings.Unrecorded);

    [Fact(DisplayName = "Partial connectivity, quorum-loss: messages between cut pairs are dropped by the partition, every other server pair's messages are delivered")]
    public void QuorumLoss_CutsAreInPlace_OtherLinksDeliver()
    {
        PartialConnectivityRun run = Play(PartialSituation.QuorumLoss, preVote: true, checkQuorum: true, record: true);

        SimTime start = run.Start!.Value, end = run.End!.Value;
        int n = run.Options.Servers;
        Assert.Equal(6, run.Cuts.Count); // every pair among the leader and the three followers other than the hub
        Assert.DoesNotContain(run.Cuts, c => c.A == run.Hub || c.B == run.Hub);
        Assert.Contains(run.Cuts, c => c.A == run.Leader || c.B == run.Leader);
        var cut = run.Cuts.ToHashSet();
        TraceEvent[] events = [.. run.Simulation.Trace.Events];
        var drops = events.Where(e => e.Kind == TraceEventKind.Drop).GroupBy(e => e.MessageId).ToDictionary(g => g.Key, g => g.First());
        var delivered = events.Where(e => e.Kind == TraceEventKind.Deliver).Select(e => e.MessageId).ToHashSet();
        var sends = events.Where(e => e.Kind == TraceEventKind.Send && e.Time >= start && e.Time < end - TimeSpan.FromMilliseconds(100)
            && e.Node.Value < n && e.Peer is { } p && p.Value < n).ToList();
        int cutSends = 0, openSends = 0;
        foreach (TraceEvent send in sends)
        {
            int a = send.Node.Value, b = send.Peer!.Value.Value;
            if (cut.Contains((Math.Min(a, b), Math.Max(a, b))))
            {
                cutSends++;
                Assert.True(drops.TryGetValue(send.MessageId, out TraceEvent drop), $"message {send.MessageId} s{a}->s{b} was not dropped");
                Assert.Equal(DropCause.Partition, drop.Cause);
                Assert.DoesNotContain(send.MessageId, delivered);
            }
            else
            {
                openSends++;
                Assert.Contains(send.MessageId, delivered);
            }
        }

        Assert.True(cutSends > 20, $"only {cutSends} sends on cut links");
        Assert.True(openSends > 100, $"only {openSends} sends on open links");
        Assert.DoesNotContain(events, e => e.Kind == TraceEventKind.Drop && e.Cause == DropCause.Partition && e.Time >= end + TimeSpan.FromMilliseconds(100)); // healed
    }

    [Fact(DisplayName = "Partial connectivity, quorum-loss, PreVote without CheckQuorum: the old leader stays leader for the whole partition and commits nothing")]
    public void QuorumLoss_PreVoteOnly_OldLeaderStuck()
    {
        PartialConnectivityRun run = Play(PartialSituation.QuorumLoss, preVote: true, checkQuorum: false);
        PartialConnectivityRecord r = PartialConnectivityRecord.Of(run);

        Assert.True(run.OldLeaderStillLeading);
        Assert.Equal(0, run.OldLeaderCommits);
        Assert.Empty(run.WindowCommits);
        Assert.Equal(0, r.LeaderChanges);
        Assert.Equal(Window.TotalSeconds, r.DowntimeSeconds, 6);
        Assert.True(r.OldLeaderStuck);
        Assert.Null(r.Violation);
    }

    [Fact(DisplayName = "Partial connectivity, quorum-loss, PreVote+CheckQuorum: the old leader steps down, the fully connected hub is elected and commits resume")]
    public void QuorumLoss_PreVoteCheckQuorum_HubLeads()
    {
        PartialConnectivityRun run = Play(PartialSituation.QuorumLoss, preVote: true, checkQuorum: true);
        PartialConnectivityRecord r = PartialConnectivityRecord.Of(run);

        Assert.Contains(run.Observer.StepDowns, d => d.Server == run.Leader && d.CheckQuorum && d.At > run.Start!.Value);
        LeadershipInterval next = run.Observer.LeadershipIntervals.First(i => i.Start > run.Start!.Value);
        Assert.Equal(run.Hub, next.Server);
        Assert.Equal(run.Hub, run.LeaderAtHeal);
        Assert.True(r.Commits > 50);
        Assert.Contains(run.WindowCommits, t => t > next.Start);
        Assert.True(r.DowntimeSeconds < 1, $"down-time {r.DowntimeSeconds} s");
        Assert.False(r.OldLeaderStuck);
        Assert.Null(r.Violation);
    }

    [Theory(DisplayName = "Partial connectivity, constrained-election: the lagging hub cannot win and the up-to-date servers cannot reach a majority; no leader for the whole partition, with or without PreVote+CheckQuorum")]
    [InlineData(false)]
    [InlineData(true)]
    public void ConstrainedElection_Deadlocks(bool pvcq)
    {
        PartialConnectivityRun run = Play(PartialSituation.ConstrainedElection, pvcq, pvcq);
        PartialConnectivityRecord r = PartialConnectivityRecord.Of(run);

        Assert.True(run.HubLagged);
        Assert.Equal(7, run.Cuts.Count); // leader-hub first, then the six pairs among the leader and the other three
        Assert.Equal(0, r.LeaderChanges);
        Assert.Equal(pvcq ? -1 : run.Leader, run.LeaderAtHeal); // without CheckQuorum the isolated old leader still believes it leads
        Assert.Equal(!pvcq, run.OldLeaderStillLeading);
        Assert.Equal(0, run.OldLeaderCommits - run.WindowCommits.Count(t => t <= run.Start!.Value + (E / 2) + TimeSpan.FromMilliseconds(50))); // it commits only before it is isolated
        Assert.True(r.DowntimeSeconds > Window.TotalSeconds - (E.TotalSeconds / 2) - 0.05, $"down-time {r.DowntimeSeconds} s");
        if (pvcq)
        {
            Assert.Equal(0, r.Campaigns); // pre-votes fail: nobody bumps its term
        }
        else
        {
            Assert.True(r.HubCampaigns >= 5); // the hub keeps campaigning and keeps losing (its log is behind)
        }

        Assert.Null(r.Violation);
    }

    [Theory(DisplayName = "Partial connectivity, chained and incident: without PreVote+CheckQuorum the follower that lost the leader campaigns and deposes it; with them it never bumps its term and the leader stays")]
    [InlineData(PartialSituation.Chained)]
    [InlineData(PartialSituation.Incident)]
    public void BrokenLeaderLink_DisruptsOnlyWithoutPreVote(PartialSituation situation)
    {
        PartialConnectivityRun plain = Play(situation, false, false);
        PartialConnectivityRun guarded = Play(situation, true, true);

        Assert.Single(plain.Cuts);
        Assert.Equal((Math.Min(plain.Leader, plain.Hub), Math.Max(plain.Leader, plain.Hub)), plain.Cuts[0]);
        Assert.True(plain.HubCampaigns >= 1);
        Assert.Equal(plain.Campaigns, plain.Observer.CampaignLog.Count(c => c.At > plain.Start!.Value && c.At <= plain.End!.Value));
        Assert.True(plain.LeaderChanges >= 1);
        Assert.Contains(plain.Observer.StepDowns, d => d.Server == plain.Leader && !d.CheckQuorum && d.At > plain.Start!.Value);
        Assert.True(plain.Outage.Down > TimeSpan.Zero);

        Assert.Equal(0, guarded.HubCampaigns);
        Assert.Equal(0, guarded.LeaderChanges);
        Assert.True(guarded.OldLeaderStillLeading);
        Assert.Equal(TimeSpan.Zero, guarded.Outage.Down);
        Assert.True(guarded.WindowCommits.Count > 100);
    }

    [Fact(DisplayName = "Partial connectivity, chained, 5 seeds without PreVote+CheckQuorum: the leader changes again and again across seeds")]
    public void Chained_RepeatedLeaderChanges()
    {
        int changes = 0, campaigns = 0;
        for (ulong seed = 1; seed <= 5; seed++)
        {
            PartialConnectivityRun run = Play(PartialSituation.Chained, false, false, seed);
            changes += run.LeaderChanges;
            campaigns += run.HubCampaigns;
        }

        Assert.True(changes >= 5, $"{changes} leader changes");
        Assert.True(campaigns >= changes / 2);
    }

    [Fact(DisplayName = "Down-time: gaps between commits over the threshold count whole, the window's ends count as commits")]
    public void Downtime_HandChecked()
    {
        SimTime T(double ms) => SimTime.FromStart(TimeSpan.FromMilliseconds(ms));
        (TimeSpan down, TimeSpan longest) = PartialConnectivityCluster.Downtime([T(10), T(20), T(500), T(510)], T(0), T(1000), TimeSpan.FromMilliseconds(40));

        Assert.Equal(TimeSpan.FromMilliseconds(480 + 490), down); // 0-10, 10-20 and 500-510 are normal; 20-500 and 510-1000 are outages
        Assert.Equal(TimeSpan.FromMilliseconds(490), longest);
        Assert.Equal((TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(1000)), PartialConnectivityCluster.Downtime([], T(0), T(1000), TimeSpan.FromMilliseconds(40)));
        Assert.Equal(TimeSpan.Zero, PartialConnectivityCluster.Downtime([T(30), T(60), T(1500)], T(0), T(90), TimeSpan.FromMilliseconds(40)).Down); // outside the window ignored
    }

    [Fact(DisplayName = "Leader changes count the leaderships that began within the partition window")]
    public void LeaderChanges_CountElectionsInTheWindow()
    {
        PartialConnectivityRun run = Play(PartialSituation.QuorumLoss, false, false);

        IReadOnlyList<LeadershipInterval> all = run.Observer.LeadershipIntervals;
        Assert.Contains(all, i => i.Start <= run.Start!.Value && i.Server == run.Leader); // the leader before, not counted
        Assert.Equal(all.Count(i => i.Start > run.Start!.Value && i.Start <= run.End!.Value), run.LeaderChanges);
        Assert.True(run.LeaderChanges >= 1);
        Assert.Equal(run.Hub, run.LeaderAtHeal); // plain Raft gets there too: the others' campaigns bump the hub's term
    }

    [Fact(DisplayName = "Partial connectivity: the same seed gives the same fingerprint and figures")]
    public void SameSeed_SameFingerprint()
    {
        PartialConnectivityRun a = Play(PartialSituation.Incident, false, false, seed: 7);
        PartialConnectivityRun b = Play(PartialSituation.Incident, false, false, seed: 7);

        Assert.Equal(a.Simulation.Trace.Fingerprint, b.Simulation.Trace.Fingerprint);
        Assert.Equal(PartialConnectivityRecord.Of(a), PartialConnectivityRecord.Of(b));
    }

    [Fact(DisplayName = "partial-connectivity --json: one line with down-time and leader changes, means and intervals over a sweep")]
    public void Json_OneLine_WithFigures()
    {
        (int code, string output, string error) = RunnerCli.Run("partial-connectivity", "--situation", "incident", "--election-timeout", "100", "--partition-seconds", "2", "--sweep", "3", "--json");

        Assert.True(code == 0, error + output);
        Assert.Single(output.TrimEnd('\n').Split('\n'));
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.Equal("incident", r.GetProperty("situation").GetString());
        Assert.Equal(3, r.GetProperty("runs").GetInt32());
        JsonElement down = r.GetProperty("downtimeSeconds");
        Assert.True(down.GetProperty("low").GetDouble() <= down.GetProperty("mean").GetDouble());
        Assert.True(r.GetProperty("leaderChanges").GetProperty("mean").GetDouble() >= 1);
        Assert.Equal(0, r.GetProperty("faults").GetInt32());
    }

    [Fact]
    public void BadOptions_AreUsageErrors()
    {
        Assert.Equal(2, RunnerCli.Run("partial-connectivity", "--situation", "star").Code);
        Assert.Equal(2, RunnerCli.Run("partial-connectivity", "--election-timeout", "1").Code);
        Assert.Equal(2, RunnerCli.Run("partial-connectivity", "--partition-seconds", "0").Code);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PartialConnectivityCluster.Play(1, new PartialConnectivityOptions(PartialSituation.Chained, TimeSpan.Zero, Window)));
        Assert.Equal("ElectionTimeout", e.ParamName);
    }

    /// <summary>A run stopped before any leader was elected never began its partition: no hub led at a heal that never came.</summary>
    [Fact]
    public void ARunStoppedBeforeTheFirstLeader_CountsNoHubAtTheHeal_AndNamesNoLeader()
    {
        (int code, string output, _) = RunnerCli.Run("partial-connectivity", "--event-limit", "100", "--json");

        Assert.Equal(Runner.Failure, code); // reported as a fault: the partition never began
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(0, root.GetProperty("hubLeadsAtHealRuns").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("leader").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("hub").ValueKind);
        Assert.Equal(0, root.GetProperty("cuts").GetArrayLength());
        Assert.Contains("the partition never began", root.GetProperty("firstFault").GetString(), StringComparison.Ordinal);
    }
}
