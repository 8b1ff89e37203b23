namespace DistSim.Package.Tests;

/// <summary>
/// tests/consumer, an app's test project on Microsoft.Extensions.Logging 8.0.0, restored from the local feed (not the
/// projects) outside the repository and tested.
/// </summary>
public class ConsumerProjectTests(PackedFeed feed)
{
    [Fact]
    public async Task ConsumerProject_OnThePackedPackages_PassesItsTests()
    {
        string consumer = Consumer("consumer");

        string output = await Dotnet.Succeed(consumer, "test", $"-p:DistSimVersion={feed.Version}", "-nodeReuse:false");

        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+3, Skipped:\s+0", output);
    }

    [Fact]
    public async Task ConsumerProject_NodeCodeReadingTheWallClock_GetsTheAnalyzersWarning()
    {
        string consumer = Consumer("consumer-probe");

        string output = await Dotnet.Succeed(consumer, "build", $"-p:DistSimVersion={feed.Version}", "-p:DefineConstants=ANALYZER_PROBE", "-nodeReuse:false", "-p:UseSharedCompilation=false");

        Assert.Matches(@"Probe\.cs\(9,\d+\): warning DSIM001: .DateTime\.Now. reads the machine.s wall clock", output);
    }

    private string Consumer(string name)
    {
        string folder = feed.NewFolder(name);
        Dotnet.CopyTree(Path.Combine(feed.Repository, "tests", "consumer"), folder);
        Dotnet.WriteNuGetConfig(folder, feed.Feed);
        return folder;
    }
}
