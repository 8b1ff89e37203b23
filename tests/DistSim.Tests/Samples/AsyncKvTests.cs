using System.Diagnostics;
using System.Text.Json;
using DistSim.Nodes;
using DistSim.Samples.AsyncKv;
using DistSim.Samples.Cli;
using DistSim.Tests.Support;
using DistSim.Tracing;

namespace DistSim.Tests.Samples;

public class AsyncKvTests
{
    private static AsyncKvRun Play(ulong seed, bool ackBeforeFlush = false) =>
        AsyncKvScenario.Play(seed, clients: 3, ops: 60, keys: 4, loss: 0.1, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300), ackBeforeFlush, RunSettings.Recorded);

    [Fact]
    public void ARun_IsAsyncCodeUnderLossAndCrashes_AndKeepsEveryAcknowledgedWrite()
    {
        AsyncKvRun run = Play(7);
        IReadOnlyList<TraceEvent> events = run.Simulation.Trace.Events;

        Assert.True(run.Run.Outcome is RunOutcome.ConditionMet or RunOutcome.Quiescent, run.Run.Outcome.ToString());
        Assert.All(run.Clients, c => Assert.Equal(60, c.Completed));
        Assert.Equal(0, run.LostAcknowledged);
        Assert.All(run.Clients, c => Assert.Equal(0, c.StaleReads));

        // The mechanisms really happened: awaits resumed as events, calls went over the wire, some were lost and
        // timed out and retried, the server crashed and recovered mid-call.
        Assert.True(events.Count(e => e.Kind == TraceEventKind.Continued) > 100);
        Assert.Contains(events, e => e.Kind == TraceEventKind.Deliver && e.Payload is RpcRequest { Body: KvPut });
        Assert.Contains(events, e => e.Kind == TraceEventKind.Deliver && e.Payload is RpcReply);
        Assert.Contains(events, e => e.Kind == TraceEventKind.Drop && e.Payload is RpcRequest or RpcReply);
        Assert.True(run.Simulation.Rpc.TimedOut > 0);
        Assert.Equal(run.Clients.Sum(c => c.Retries), run.Simulation.Rpc.TimedOut);
        Assert.True(run.Simulation.Faults.Crashes > 0);
        Assert.Contains(events, e => e.Kind == TraceEventKind.NodeStarted && e.Payload is "recover");
    }

    [Fact]
    public void AckBeforeFlush_LosesAcknowledgedWrites_SomewhereInASweep_AndTheFlushingServerNever()
    {
        JsonElement bad = JsonDocument.Parse(RunnerCli.Run("async-kv", "--sweep", "150", "--ack-before-flush", "--json").Out).RootElement;
        JsonElement good = JsonDocument.Parse(RunnerCli.Run("async-kv", "--sweep", "150", "--json").Out).RootElement;

        Assert.True(bad.GetProperty("runsWithLoss").GetInt32() > 0);
        Assert.True(bad.GetProperty("staleReads").GetInt64() + bad.GetProperty("lostAcknowledgedWrites").GetInt64() > 0);
        Assert.Equal(0, good.GetProperty("runsWithLoss").GetInt32());
        Assert.Equal(150 * 3 * 100, good.GetProperty("opsCompleted").GetInt64());
        Assert.True(good.GetProperty("deduplicatedWrites").GetInt64() > 0); // a lost reply's retry was recognised
    }

    /// <summary>The fingerprint of a sweep, run in a separate process of the samples runner.</summary>
    private static async Task<string> FingerprintInProcess(params string[] args)
    {
        string runner = Path.Combine(AppContext.BaseDirectory, "DistSim.Samples");
        Assert.True(File.Exists(runner), "the samples runner's executable is beside the tests");
        var start = new ProcessStartInfo(runner) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await stderr);
        return JsonDocument.Parse(stdout).RootElement.GetProperty("fingerprint").GetString()!;
    }

    [Fact]
    public async Task AThousandSeeds_GiveOneFingerprint_InAnyProcess_AndForAnyParallelism()
    {
        string[] sweep = ["async-kv", "--sweep", "1000", "--ops", "20", "--json"];
        string here = JsonDocument.Parse(RunnerCli.Run([.. sweep, "--parallel", "1"]).Out).RootElement.GetProperty("fingerprint").GetString()!;
        string there = await FingerprintInProcess([.. sweep, "--parallel", "2"]);
        string again = await FingerprintInProcess([.. sweep, "--parallel", "3"]);

        Assert.Equal(here, there);
        Assert.Equal(here, again);
    }
}
