using System.Text.Json;
using DistSim.Checking;
using DistSim.Samples.Byzantine;
using DistSim.Tests.Support;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

public class ByzantineTests
{
    /// <summary>The sweep the docs state: the liar breaks Raft within these seeds (8 of seeds 1-10 when measured).</summary>
    private const int RaftSweep = 10;

    private static IEnumerable<string> Describe(Simulation sim, TraceEventKind kind) =>
        sim.Trace.Events.Where(e => e.Kind == kind).Select(e => sim.Trace.Describe(e));

    [Fact(DisplayName = "Raft with one liar: safety breaks within 10 seeds, and the violating run's trace holds the liar's forged term or double vote")]
    public void RaftLiar_BreaksSafety_WithinTheSweep_AndTheTraceShowsTheLie()
    {
        RaftLiarRun? bad = null;
        for (ulong seed = 1; seed <= RaftSweep && bad is null; seed++)
        {
            RaftLiarRun run = RaftLiar.Play(seed, RaftLiar.Options(3, 20), liar: true);
            if (RaftLiarRecord.Of(run).Bad)
            {
                bad = run;
            }
        }

        Assert.NotNull(bad);
        Assert.True(bad.Raft.Observer.Violations > 0);
        Assert.True(bad.Raft.Observer.ConflictingCommits + bad.Raft.Observer.LostCommits + bad.Raft.Observer.DoubleLeaders > 0);
        string[] lies = [.. Describe(bad.Simulation, TraceEventKind.Byzantine)];
        Assert.Contains(lies, l => l.Contains("forged term", StringComparison.Ordinal) || l.Contains("double vote", StringComparison.Ordinal));
        Assert.Equal(bad.Liar.DoubleVotes + bad.Liar.ForgedCampaigns + bad.Liar.ForgedAppends, lies.Length);
        Assert.True(bad.Liar.ForgedWins > 0 || bad.Liar.DoubleVotes > 0);
    }

    [Fact(DisplayName = "Raft without the liar, same seeds: no violation, every history linearizable")]
    public void RaftHonest_SameSeeds_Safe()
    {
        for (ulong seed = 1; seed <= RaftSweep; seed++)
        {
            RaftLiarRun run = RaftLiar.Play(seed, RaftLiar.Options(3, 20), liar: false);
            RaftLiarRecord r = RaftLiarRecord.Of(run);
            Assert.False(r.Bad, $"seed {seed}: {r.FirstViolation}");
            Assert.Equal(0, r.ByzantineEvents);
            Assert.Equal(60, r.Completed);
        }
    }

    [Property(MaxTest = 16)]
    public bool Pbft_FByzantineReplicas_KeepAgreementAndLinearizability(ulong seed, bool seven, byte behavior, bool faultyPrimary)
    {
        PbftFault? fault = behavior % 6 == 5 ? null : PbftBehaviors.All[behavior % 6];
        int n = seven ? 7 : 4;
        PbftRun run = PbftCluster.Play(seed, new PbftOptions(Replicas: n, Faulty: (n - 1) / 3, Fault: fault, FaultyPrimary: faultyPrimary, Operations: 10));
        return run.Observer.Violations == 0 && run.Verdict.Verdict == LinearizabilityVerdict.Linearizable
            && run.History.All(o => !o.IsPending) && run.Simulation.Failure is null && run.Behaviors.Count == (n - 1) / 3;
    }

    [Theory(DisplayName = "PBFT, silent or equivocating primary: view-change and new-view messages are sent, and the new primary's view executes requests")]
    [InlineData(4, PbftFault.Silent)]
    [InlineData(7, PbftFault.Silent)]
    [InlineData(4, PbftFault.Equivocate)]
    [InlineData(7, PbftFault.Equivocate)]
    public void Pbft_FaultyPrimary_ChangesView(int n, PbftFault fault)
    {
        PbftRun run = PbftCluster.Play(3, new PbftOptions(Replicas: n, Faulty: (n - 1) / 3, Fault: fault, FaultyPrimary: true, Operations: 10));

        Assert.Contains(0, run.Behaviors.Keys);
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
        Assert.Equal(20, run.Completed);
        string[] sends = [.. Describe(run.Simulation, TraceEventKind.Send)];
        Assert.Contains(sends, s => s.Contains("ViewChange {", StringComparison.Ordinal));
        Assert.Contains(sends, s => s.Contains("NewView {", StringComparison.Ordinal));
        Assert.True(run.Observer.NewViewsSent >= 1);
        Assert.True(run.Observer.HighestView >= 1);
        int primary = (int)(run.Observer.HighestView % n);
        Assert.True(run.Observer.IsHonest(primary), $"view {run.Observer.HighestView}'s primary r{primary} is faulty");
        Assert.True(run.Observer.ExecutedAfterViewChange > 0);
        Assert.Contains(Describe(run.Simulation, TraceEventKind.Byzantine), l => l.Contains(fault == PbftFault.Silent ? "did not send" : "equivocated", StringComparison.Ordinal));
    }

    [Fact(DisplayName = "PBFT: forged packets are rejected by the authenticated link, tampered messages by their signatures")]
    public void Pbft_ForgedAndTamperedMessages_AreRejected()
    {
        PbftRun forged = PbftCluster.Play(5, new PbftOptions(Replicas: 4, Fault: PbftFault.Forge, Operations: 10));
        Assert.Contains(Describe(forged.Simulation, TraceEventKind.Byzantine), l => l.Contains("claiming to be", StringComparison.Ordinal));
        Assert.True(forged.Simulation.Trace.Events.Count(e => e.Kind == TraceEventKind.Rejected) > 0);
        Assert.Equal(0, forged.Observer.Violations);

        PbftRun tampered = PbftCluster.Play(5, new PbftOptions(Replicas: 4, Fault: PbftFault.Tamper, Operations: 10));
        Assert.Contains(Describe(tampered.Simulation, TraceEventKind.Byzantine), l => l.Contains("tampered", StringComparison.Ordinal));
        Assert.True(tampered.Observer.Rejections > 0);
        Assert.Equal(0, tampered.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, tampered.Verdict.Verdict);
    }

    [Theory(DisplayName = "PBFT fault-free: messages per request equal 1 + (n-1) + (n-1)^2 + n(n-1) + n")]
    [InlineData(4, 29)]
    [InlineData(7, 92)]
    [InlineData(10, 191)]
    public void Pbft_MessagesPerRequest_EqualThePrediction(int n, long predicted)
    {
        Assert.Equal(predicted, PbftOptions.PredictedMessagesPerRequest(n));
        PbftRun run = PbftCluster.Play(11, new PbftOptions(Replicas: n, Faulty: 0, Operations: 15));
        Assert.Equal(30, run.Completed);
        Assert.Equal(predicted * 30, run.Simulation.Messages.Sent);
        Assert.Equal(run.Simulation.Messages.Sent, run.Observer.MessagesSent);
        Assert.Equal(30 * (n - 1) * (long)(n - 1), run.Observer.Sent["Prepare"]);
        Assert.Equal(0, run.Observer.ViewChangesSent);
    }

    [Fact(DisplayName = "byzantine: same seed, same fingerprint; another seed, another")]
    public void SameSeed_SameFingerprint()
    {
        Assert.Equal(
            PbftCluster.Play(21, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint,
            PbftCluster.Play(21, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint);
        Assert.NotEqual(
            PbftCluster.Play(21, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint,
            PbftCluster.Play(22, new PbftOptions(Operations: 5)).Simulation.Trace.Fingerprint);
        Assert.Equal(
            RaftLiar.Play(21, RaftLiar.Options(3, 5), liar: true).Simulation.Trace.Fingerprint,
            RaftLiar.Play(21, RaftLiar.Options(3, 5), liar: true).Simulation.Trace.Fingerprint);
    }

    [Fact(DisplayName = "byzantine --sweep 5 --json: one line; Raft with the liar unsafe, PBFT safe, exit 0; --honest makes Raft safe")]
    public void Cli_Json_ReportsBothProtocols()
    {
        (int code, string output, string error) = RunnerCli.Run("byzantine", "--sweep", "5", "--ops", "10", "--json");
        Assert.True(code == 0, error + output);
        Assert.Single(output.TrimEnd().Split('\n'));
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement r = doc.RootElement;
        Assert.True(r.GetProperty("safetyViolations").GetProperty("raft").GetInt64() > 0);
        Assert.Equal(0, r.GetProperty("safetyViolations").GetProperty("pbft").GetInt64());
        Assert.True(r.GetProperty("raft").GetProperty("liarDeviations").GetProperty("byzantineEvents").GetInt64() > 0);
        Assert.Equal(3, r.GetProperty("messagesPerRequest").GetArrayLength());
        Assert.All(r.GetProperty("messagesPerRequest").EnumerateArray(), m => Assert.Equal(m.GetProperty("predicted").GetDouble(), m.GetProperty("measured").GetDouble()));

        (int honestCode, string honest, _) = RunnerCli.Run("byzantine", "--sweep", "5", "--ops", "10", "--honest", "--protocol", "raft", "--json");
        Assert.Equal(0, honestCode);
        using JsonDocument h = JsonDocument.Parse(honest);
        Assert.Equal(0, h.RootElement.GetProperty("safetyViolations").GetProperty("raft").GetInt64());
        Assert.Equal(0, h.RootElement.GetProperty("raft").GetProperty("badRuns").GetInt32());
    }
}
