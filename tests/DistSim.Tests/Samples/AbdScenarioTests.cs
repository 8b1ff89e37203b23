using System.Text.Json;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

public class AbdScenarioTests
{
    [Fact]
    public void WithTheWriteBack_EveryRunIsLinearizable_AndTheExitCodeSaysSo()
    {
        (int code, string output, string error) = RunnerCli.Run("abd", "--sweep", "60", "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.Equal(60, r.GetProperty("linearizable").GetInt32());
        Assert.Equal(0, r.GetProperty("notLinearizable").GetInt32());
        Assert.Equal(0, r.GetProperty("propertyViolations").GetInt32());
        Assert.Equal(60 * 90, r.GetProperty("operations").GetInt64());
        Assert.True(r.GetProperty("messages").GetProperty("dropped").GetInt64() > 0); // faults and loss really happened
    }

    [Fact]
    public void WithoutIt_TheFirstFailingSeedIsNamed_Drawn_AndExitsOne()
    {
        string page = Path.Combine(Directory.CreateTempSubdirectory("abd-").FullName, "abd.html");

        (int code, string output, _) = RunnerCli.Run("abd", "--sweep", "200", "--no-write-back", "--history-html", page);

        Assert.Equal(1, code);
        Assert.Matches(@"first not linearizable: seed \d+, cannot linearize client \d+: read", output);
        string html = File.ReadAllText(page);
        Assert.Contains("failing-op", html);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);

        // The named seed, replayed alone, fails the same way.
        string seed = System.Text.RegularExpressions.Regex.Match(output, @"first not linearizable: seed (\d+)").Groups[1].Value;
        (int again, string single, _) = RunnerCli.Run("abd", "--seed", seed, "--no-write-back", "--json");
        Assert.Equal(1, again);
        using JsonDocument json = JsonDocument.Parse(single);
        Assert.Equal(1, json.RootElement.GetProperty("notLinearizable").GetInt32());
        Assert.Contains(json.RootElement.GetProperty("failingOperation").GetString()!, output);
    }

    [Fact]
    public void BadOptions_AreUsageErrors()
    {
        Assert.Equal(2, RunnerCli.Run("abd", "--loss", "1").Code);
        Assert.Equal(2, RunnerCli.Run("abd", "--clients", "0").Code);
    }

    [Fact]
    public void AHistoryPageThatCannotBeWritten_IsAUsageErrorBeforeTheRuns()
    {
        string dir = Directory.CreateTempSubdirectory("abd-").FullName;
        string missing = Path.Combine(dir, "no-such-directory", "abd.html");
        (int code, string output, string error) = RunnerCli.Run("abd", "--sweep", "20", "--no-write-back", "--history-html", missing);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output); // no run was made
        Assert.Contains("--history-html: cannot create", error, StringComparison.Ordinal);

        (int isDir, _, string dirError) = RunnerCli.Run("abd", "--history-html", dir);
        Assert.Equal(2, isDir);
        Assert.Contains("is a directory", dirError, StringComparison.Ordinal);

        // A linearizable sweep draws nothing: a file the option created is removed, one that existed is left as it was.
        string created = Path.Combine(dir, "new.html"), existing = Path.Combine(dir, "old.html");
        File.WriteAllText(existing, "earlier");
        Assert.Equal(0, RunnerCli.Run("abd", "--sweep", "5", "--history-html", created).Code);
        Assert.Equal(0, RunnerCli.Run("abd", "--sweep", "5", "--history-html", existing).Code);
        Assert.False(File.Exists(created));
        Assert.Equal("earlier", File.ReadAllText(existing));
        Directory.Delete(dir, recursive: true);
    }
}
