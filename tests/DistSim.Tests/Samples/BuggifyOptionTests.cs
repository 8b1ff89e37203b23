using System.Text.Json;
using DistSim.Tests.Support;

namespace DistSim.Tests.Samples;

/// <summary><c>--buggify</c>: the fault points of wal-kv switch on, show in the coverage report, and break nothing the protocol promises.</summary>
public class BuggifyOptionTests
{
    [Fact(DisplayName = "wal-kv --buggify: both sites fire in about a quarter of the runs, no acknowledged write is lost, and without it nothing changes")]
    public void WalKv_Buggify()
    {
        (int code, string output, string error) = RunnerCli.Run("wal-kv", "--sweep", "200", "--buggify", "--json");
        Assert.True(code == 0, error);
        JsonElement r = JsonDocument.Parse(output).RootElement;
        Assert.Equal(0, r.GetProperty("lostAcknowledgedWrites").GetInt64());
        JsonElement[] entries = [.. r.GetProperty("coverage").GetProperty("markers").EnumerateArray()];
        foreach (string site in new[] { "buggify wal-kv: group commit late", "buggify wal-kv: snapshot early" })
        {
            JsonElement entry = Assert.Single(entries, e => e.GetProperty("name").GetString() == site);
            Assert.InRange(entry.GetProperty("runsFired").GetInt64(), 25, 75); // on in 25 % of 200 runs: 50 ± 3 sd
        }

        // Without --buggify the sites draw nothing: the runs are the runs of before (the same fingerprint as a plain sweep).
        (_, string plain, _) = RunnerCli.Run("wal-kv", "--sweep", "20", "--json");
        (_, string again, _) = RunnerCli.Run("wal-kv", "--sweep", "20", "--json");
        Assert.Equal(JsonDocument.Parse(plain).RootElement.GetProperty("fingerprint").GetString(), JsonDocument.Parse(again).RootElement.GetProperty("fingerprint").GetString());
        Assert.DoesNotContain("buggify", plain, StringComparison.Ordinal);
        (_, string buggified, _) = RunnerCli.Run("wal-kv", "--sweep", "20", "--buggify", "--json");
        Assert.NotEqual(JsonDocument.Parse(plain).RootElement.GetProperty("fingerprint").GetString(), JsonDocument.Parse(buggified).RootElement.GetProperty("fingerprint").GetString());
    }
}
