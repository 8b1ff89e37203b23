namespace DistSim.Package.Tests;

/// <summary><c>dotnet new distsim-test</c> from the packed template package, and the project it makes, tested.</summary>
public class TemplateTests(PackedFeed feed)
{
    [Fact]
    public async Task NewProject_FromTheTemplate_BuildsAndPassesItsTests_AndItsReplayLineRunsOneSeed()
    {
        string hive = feed.NewFolder("template-hive"); // a private template cache: nothing is installed for the user
        string project = Path.Combine(feed.Work, "Acme.Raft.Tests");
        await Dotnet.Succeed(feed.Work, "new", "install", feed.PackageFile("DistSim.Templates"), "--debug:custom-hive", hive);

        await Dotnet.Succeed(feed.Work, "new", "distsim-test", "-n", "Acme.Raft.Tests", "-o", project, "--debug:custom-hive", hive);

        Assert.True(File.Exists(Path.Combine(project, "Acme.Raft.Tests.csproj")));
        Assert.Contains($"Include=\"DistSim\" Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(project, "Acme.Raft.Tests.csproj")), StringComparison.Ordinal);
        Assert.Contains("namespace Acme.Raft.Tests;", File.ReadAllText(Path.Combine(project, "ProtocolTests.cs")), StringComparison.Ordinal);
        Dotnet.WriteNuGetConfig(project, feed.Feed);

        string all = await Dotnet.Succeed(project, "test", "-nodeReuse:false");
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+3, Skipped:\s+0", all);

        // The replay line a failing seed prints: that seed alone, that test alone.
        string replay = await Dotnet.Succeed(
            project,
            new Dictionary<string, string> { ["DISTSIM_SEED"] = "17" },
            "test", "--no-build", "--filter", "FullyQualifiedName=Acme.Raft.Tests.ProtocolTests.AboutHalfTheQuestionsAreAnswered_OnEverySeed");
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+1, Skipped:\s+0", replay);
    }
}
