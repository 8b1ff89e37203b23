using DistSim.Checking;
using DistSim.Samples.Abd;
using DistSim.Testing;
using DistSim.Tracing;

namespace DistSim.Tests.Guides;

/// <summary>
/// docs/guides/testing-your-protocol.md, end to end: an ABD register checked with Always/Eventually properties and
/// linearizability over 1,000 seeds in parallel; with the write-back removed, the first failing seed comes back with a
/// one-line replay and an HTML view that marks the operation that cannot be linearized.
/// </summary>
public class AbdRegisterTests
{
    /// <summary>The check of one seed, as the guide writes it.</summary>
    internal static void CheckAbd(ulong seed, AbdOptions options)
    {
        AbdRun run = AbdCluster.Play(seed, options);
        if (run.Simulation.Failure is { } failure)
        {
            throw failure; // a property was violated (or node code threw): seed, time, event and the last events
        }

        if (!run.Verdict.IsLinearizable)
        {
            string page = Path.Combine(Path.GetTempPath(), $"abd-seed-{seed}.html");
            File.WriteAllText(page, HistoryView.ToHtml(run.History, run.Verdict));
            throw new InvalidOperationException($"not linearizable: {run.Verdict}; the history is drawn in {page}");
        }
    }

    [Fact]
    public void Abd_IsLinearizable_AndLive_OverAThousandSeeds()
    {
        int seeds = 0;
        SeedProperty.Check(
            seed =>
            {
                CheckAbd(seed, new AbdOptions());
                Interlocked.Increment(ref seeds);
            },
            new SeedPropertyOptions { Count = 1_000 });

        Assert.True(seeds >= 1_000, $"{seeds} seeds ran"); // the range, after the regression seeds recorded beside this file
    }

    [Fact]
    public void Abd_RunsReallyHaveFaultsAndConcurrency()
    {
        AbdRun run = AbdCluster.Play(3, new AbdOptions());

        Assert.True(run.Verdict.IsLinearizable);
        Assert.Equal(90, run.History.Count);
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Crash);
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Partition);
        Assert.Contains(run.Simulation.Trace.Events, e => e.Kind == TraceEventKind.Retransmit);
        Assert.Contains(run.History, a => run.History.Any(b => a.Client != b.Client && a.Call < b.Return && b.Call < a.Return)); // overlapping operations
        Assert.All(run.Simulation.Properties.Where(p => p.Kind != PropertyKind.Sometimes), p => Assert.NotEqual(PropertyStatus.Violated, p.Status));
        Assert.Equal(PropertyStatus.Satisfied, run.Simulation.Properties.Single(p => p.Kind == PropertyKind.Eventually).Status);
    }

    [Fact]
    public void WithoutTheWriteBack_TheFirstFailingSeed_IsReplayedAndDrawn()
    {
        string regressions = Path.Combine(Directory.CreateTempSubdirectory("abd-").FullName, "regressions.txt");
        var buggy = new AbdOptions(WriteBack: false);

        SeedFailureException e = Assert.Throws<SeedFailureException>(() =>
            SeedProperty.Check(seed => CheckAbd(seed, buggy), new SeedPropertyOptions { Count = 1_000, RegressionFile = regressions }));

        // One line to replay it, and the seed recorded to be re-run first.
        Assert.Contains($"DISTSIM_SEED={e.Seed} dotnet test --filter \"FullyQualifiedName={typeof(AbdRegisterTests).FullName}.", e.Message);
        Assert.Contains($" {e.Seed}", File.ReadAllText(regressions));
        Assert.Contains("not linearizable", e.Message);

        // The replay is the same run: the same operation cannot be linearized, and the HTML view marks it.
        AbdRun replay = AbdCluster.Play(e.Seed, buggy);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, replay.Verdict.Verdict);
        Operation<RegisterInput<int>, int> failing = replay.Verdict.FailingOperation!;
        Assert.Equal(RegisterOperation.Read, failing.Input.Kind); // a read that returned an older value than an earlier read
        Assert.Contains(failing.ToString(), e.Message);
        string html = HistoryView.ToHtml(replay.History, replay.Verdict);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "class=\"op[^\"]*failing"));
        Assert.Contains("failing-op", html);

        // And the same seed with the write-back is linearizable: the bug is the missing phase.
        Assert.True(AbdCluster.Play(e.Seed, new AbdOptions()).Verdict.IsLinearizable);
    }
}
