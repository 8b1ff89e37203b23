using System.Text.Json;
using DistSim.Checking;
using DistSim.Samples.Paxos;
using DistSim.Tests.Support;
using DistSim.Tracing;
using FsCheck.Xunit;

namespace DistSim.Tests.Samples;

public class PaxosScenarioTests
{
    [Fact(DisplayName = "Paxos with flush, 100 seeds: no agreement violation, every history linearizable, crashes and leader changes happened")]
    public void WithFlush_ASweepHasNoViolation_AndTheFaultsHappened()
    {
        (int code, string output, string error) = RunnerCli.Run("paxos", "--sweep", "100", "--json");

        Assert.True(code == 0, error + output);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.Equal(0, r.GetProperty("violations").GetInt32());
        Assert.Equal(0, r.GetProperty("agreementViolations").GetInt32());
        Assert.Equal(100, r.GetProperty("linearizable").GetInt32());
        Assert.Equal(0, r.GetProperty("notLinearizable").GetInt32());
        Assert.Equal(1, r.GetProperty("leadersPerTermMax").GetInt32());
        Assert.Equal(1, r.GetProperty("valuesPerSlotMax").GetInt32());
        Assert.Equal(100 * 90, r.GetProperty("operations").GetInt64());
        Assert.Equal(100 * 90, r.GetProperty("completed").GetInt64()); // every client finished after the faults ended
        Assert.True(r.GetProperty("crashes").GetInt64() > 100);
        Assert.True(r.GetProperty("leadersElected").GetInt64() > 200); // leaders changed: more than one per run
        Assert.True(r.GetProperty("recoveriesWithState").GetInt64() > 0); // acceptors came back with their promises
        Assert.Equal(0, r.GetProperty("propertyViolations").GetInt32());
        Assert.True(r.GetProperty("firstViolationSeed").ValueKind == JsonValueKind.Null);
    }

    [Fact(DisplayName = "Paxos, one run: the trace shows replicas crashing and restarting, and Phase 1 run with several ballots by several replicas")]
    public void OneRun_TheTraceShowsCrashesRestartsAndLeaderChanges()
    {
        PaxosRun run = PaxosCluster.Play(7, new PaxosOptions());

        IReadOnlyList<TraceEvent> events = run.Simulation.Trace.Events;
        string[] replicas = ["r0", "r1", "r2"];
        int crashes = events.Count(e => e.Kind == TraceEventKind.Crash && replicas.Contains(run.Simulation.Trace.NodeName(e.Node)));
        int restarts = events.Count(e => e.Kind == TraceEventKind.Restart && replicas.Contains(run.Simulation.Trace.NodeName(e.Node)));
        Assert.True(crashes > 0);
        Assert.True(restarts > 0);
        Assert.Equal(run.Simulation.Faults.Crashes, crashes);
        var prepares = events.Where(e => e.Kind == TraceEventKind.Deliver && e.Payload is Prepare).Select(e => (Prepare)e.Payload!).ToList();
        Assert.True(prepares.Select(p => p.Ballot).Distinct().Count() >= 2);
        Assert.True(prepares.Select(p => p.Ballot % PaxosReplica.BallotStride).Distinct().Count() >= 2); // by different replicas
        Assert.True(run.Observer.LeadersElected >= 2);
        Assert.True(run.Observer.RecoveriesWithState > 0);
        Assert.Equal(0, run.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, run.Verdict.Verdict);
        Assert.Equal(90, run.History.Count(o => !o.IsPending));
    }

    [Fact(DisplayName = "Paxos --no-flush: a bounded sweep finds a run breaking agreement, and its seed replays alone")]
    public void WithoutFlush_ASweepFindsAViolation_AndTheSeedReplays()
    {
        (int code, string output, _) = RunnerCli.Run("paxos", "--sweep", "30", "--no-flush", "--json");

        Assert.Equal(1, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.True(r.GetProperty("violations").GetInt32() > 0);
        Assert.True(r.GetProperty("valuesPerSlotMax").GetInt32() >= 2);
        // Unflushed writes may or may not survive a crash: some recoveries found nothing at all.
        Assert.True(r.GetProperty("recoveriesWithState").GetInt64() < r.GetProperty("recoveries").GetInt64());
        ulong seed = r.GetProperty("firstViolationSeed").GetUInt64();

        PaxosRun again = PaxosCluster.Play(seed, new PaxosOptions(Flush: false));
        Assert.True(again.Observer.Violations > 0 || again.Verdict.Verdict == LinearizabilityVerdict.NotLinearizable);
        PaxosRun flushed = PaxosCluster.Play(seed, new PaxosOptions());
        Assert.Equal(0, flushed.Observer.Violations);
        Assert.Equal(LinearizabilityVerdict.Linearizable, flushed.Verdict.Verdict);
    }

    [Property(MaxTest = 5)]
    public bool SameSeed_SameFingerprint(ulong seed) =>
        PaxosCluster.Play(seed, new PaxosOptions(Operations: 10)).Simulation.Trace.Fingerprint
        == PaxosCluster.Play(seed, new PaxosOptions(Operations: 10)).Simulation.Trace.Fingerprint;

    [Fact]
    public void BadOptions_AreUsageErrors()
    {
        Assert.Equal(2, RunnerCli.Run("paxos", "--replicas", "4").Code);
        Assert.Equal(2, RunnerCli.Run("paxos", "--replicas", "7").Code);
        Assert.Equal(2, RunnerCli.Run("paxos", "--loss", "1").Code);
        Assert.Equal(2, RunnerCli.Run("paxos", "--clients", "0").Code);
        Assert.Equal(2, RunnerCli.Run("paxos", "--crash-every", "0s").Code);
    }

    [Fact]
    public void BadOptions_InCode_NameTheParameterAndValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PaxosCluster.Play(1, new PaxosOptions(Replicas: 4)));
        Assert.Equal("Replicas", e.ParamName);
        Assert.Equal(4, e.ActualValue);
        var loss = Assert.Throws<ArgumentOutOfRangeException>(() => PaxosCluster.Play(1, new PaxosOptions(Loss: 1.5)));
        Assert.Equal("Loss", loss.ParamName);
        var crash = Assert.Throws<ArgumentOutOfRangeException>(() => PaxosCluster.Play(1, new PaxosOptions(CrashEvery: TimeSpan.Zero)));
        Assert.Equal("CrashEvery", crash.ParamName);
    }
}
