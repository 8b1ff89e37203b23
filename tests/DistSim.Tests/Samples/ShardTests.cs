using DistSim.Samples.Cli;
using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

/// <summary>
/// <c>--shard i/n</c> and <c>merge</c>: the slices of a sweep, run separately in-process and merged, give exactly the
/// report of the unsharded sweep (text and JSON); bad slices and bad merges are refused with exit code 2.
/// </summary>
public sealed class ShardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-shards-").FullName;

    public static TheoryData<string[], int> Sweeps => new()
    {
        { ["wal-kv", "--writes", "20", "--sweep", "13"], 2 },
        { ["wal-kv", "--writes", "20", "--sweep", "13"], 3 },
        { ["two-generals", "--strategy", "redundant", "--messengers", "2", "--loss", "0.5", "--sweep", "50"], 2 },
        { ["two-generals", "--strategy", "redundant", "--messengers", "2", "--loss", "0.5", "--sweep", "50"], 3 },
        { ["raft-election", "--sweep", "11", "--seed", "40"], 3 },
        { ["byzantine-generals", "--n", "4", "--m", "1", "--traitors", "1", "--sweep", "9"], 2 },
        { ["split-brain", "--duration", "300ms", "--sweep", "10"], 3 },
        { ["primary-backup", "--writes", "20", "--sweep", "7"], 2 },
        { ["wal-kv", "--writes", "20", "--sweep", "6", "--event-limit", "1500"], 2 },
        { ["ordering-bugs", "--bug", "torn-update", "--sweep", "40", "--schedule", "pct:2"], 3 },
        { ["wal-kv", "--writes", "20", "--sweep", "8", "--schedule", "delay-bound:2"], 2 },
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs every slice (the even ones to a file, the odd ones to the standard output) and returns the files.</summary>
    private string[] Shards(string[] sweep, int n, string tag = "s")
    {
        var files = new string[n];
        for (int i = 0; i < n; i++)
        {
            files[i] = Path.Combine(_dir, $"{tag}{i}.jsonl");
            string shard = $"{i}/{n}";
            if (i % 2 == 0)
            {
                (int code, string output, string err) = Run([.. sweep, "--shard", shard, "--shard-out", files[i], "--parallel", "2"]);
                Assert.True(code is 0 or 3, err);
                Assert.Equal(string.Empty, output);
            }
            else
            {
                (int code, string output, string err) = Run([.. sweep, "--shard", shard, "--parallel", "1"]);
                Assert.True(code is 0 or 3, err);
                File.WriteAllText(files[i], output);
            }
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void MergingTheShards_GivesExactlyTheUnshardedSweep(string[] sweep, int n)
    {
        string[] files = Shards(sweep, n);
        (int code, string json, _) = Run([.. sweep, "--json"]);
        (_, string text, _) = Run(sweep);

        (int mergedCode, string mergedJson, string err) = Run(["merge", "--json", .. files.Reverse()]);
        (_, string mergedText, _) = Run(["merge", .. files]);

        Assert.Equal(code, mergedCode);
        Assert.Equal(json, mergedJson);
        Assert.Equal(text, mergedText);
        Assert.Contains("\"fingerprint\"", json, StringComparison.Ordinal);
        Assert.True(code is 0 or 3, err);
    }

    [Fact]
    public void EachShard_HoldsItsContiguousSliceOfSeeds()
    {
        string[] files = Shards(["wal-kv", "--writes", "10", "--sweep", "10", "--seed", "5"], 3);
        int[] runs = files.Select(f => File.ReadAllLines(f).Length - 2).ToArray();
        Assert.Equal([3, 3, 4], runs);
        Assert.StartsWith("{\"seed\":8,", File.ReadAllLines(files[1])[1], StringComparison.Ordinal);
        Assert.Equal("{\"end\":4}", File.ReadAllLines(files[2])[^1]);
    }

    [Theory]
    [InlineData("--shard", "4/4")]
    [InlineData("--shard", "x")]
    [InlineData("--shard", "0/0")]
    [InlineData("--shard", "-1/2")]
    [InlineData("--shard", "1/2/3")]
    [InlineData("--shard", "0/7")] // more slices than runs
    public void BadShardSpecs_AreRefused(string option, string value)
    {
        (int code, string output, string err) = Run("wal-kv", "--writes", "10", "--sweep", "6", option, value);
        Assert.Equal(Runner.UsageError, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--shard", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wal-kv", "--shard", "0/2")] // no sweep
    [InlineData("wal-kv", "--sweep", "4", "--shard-out", "x.jsonl")] // no shard
    [InlineData("wal-kv", "--sweep", "4", "--shard", "0/2", "--json")]
    [InlineData("byzantine-generals", "--n", "4", "--m", "1", "--exhaustive", "--shard", "0/2")]
    public void ShardOptionsThatDoNotApply_AreRefused(params string[] args)
    {
        (int code, string output, _) = Run(args);
        Assert.Equal(Runner.UsageError, code);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void BadMerges_AreRefused_WithExitCode2()
    {
        string[] sweep = ["wal-kv", "--writes", "10", "--sweep", "8"];
        string[] files = Shards(sweep, 3);
        string[] otherOptions = Shards(["wal-kv", "--writes", "11", "--sweep", "8"], 3, "o");
        string[] otherScenario = Shards(["split-brain", "--duration", "200ms", "--sweep", "8"], 3, "b");
        string[] otherCut = Shards(sweep, 2, "c");
        string truncated = Path.Combine(_dir, "truncated.jsonl");
        File.WriteAllLines(truncated, File.ReadAllLines(files[2])[..^2]);
        string noEnd = Path.Combine(_dir, "noend.jsonl");
        File.WriteAllLines(noEnd, File.ReadAllLines(files[2])[..^1]);
        string wrongSeed = Path.Combine(_dir, "wrongseed.jsonl");
        File.WriteAllText(wrongSeed, File.ReadAllText(files[2]).Replace("{\"seed\":7,", "{\"seed\":9,", StringComparison.Ordinal));
        string notAShard = Path.Combine(_dir, "report.json");
        File.WriteAllText(notAShard, Run([.. sweep, "--json"]).Out);

        (string[] Args, string Says)[] cases =
        [
            ([files[0], files[1]], "missing"),
            ([files[0], files[1], files[2], files[1]], "twice"),
            ([files[0], files[1], otherOptions[2]], "options"),
            ([files[0], files[1], otherScenario[2]], "scenario"),
            ([files[0], files[1], otherCut[1]], "differently"),
            ([files[0], files[1], truncated], "cut short"),
            ([files[0], files[1], noEnd], "end line"),
            ([files[0], files[1], wrongSeed], "expected seed"),
            ([files[0], files[1], notAShard], "not a shard file"),
            ([files[0], files[1], Path.Combine(_dir, "absent.jsonl")], "absent.jsonl"),
            ([], "no shard files"),
            (["--csv", files[0]], "unknown option"),
        ];
        foreach ((string[] args, string says) in cases)
        {
            (int code, string output, string err) = Run(["merge", .. args]);
            Assert.True(code == Runner.UsageError, $"{says}: exit {code}, {err}");
            Assert.Equal(string.Empty, output);
            Assert.Contains(says, err, StringComparison.Ordinal);
        }

        Assert.Equal(0, Run(["merge", .. files]).Code); // and the good ones do merge
    }

    [Theory]
    [InlineData("deploy/k8s/sweep-job.yaml")]
    [InlineData("deploy/k8s/sweep-merge.yaml")]
    [InlineData(".github/workflows/sweep.yml")]
    public void TheGuide_QuotesTheManifestsAndTheWorkflow_Whole(string file)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "DistSim.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no DistSim.sln above the test binaries");
        }

        string guide = File.ReadAllText(Path.Combine(root, "docs", "guides", "distributed-sweeps.md"));
        string text = File.ReadAllText(Path.Combine(root, file)).TrimEnd();
        Assert.Contains(text, guide, StringComparison.Ordinal);
        Assert.Contains("shard", text, StringComparison.Ordinal);
    }
}
