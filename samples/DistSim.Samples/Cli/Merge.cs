using System.Globalization;
using System.Text.Json;

namespace DistSim.Samples.Cli;

/// <summary>
/// <c>merge [--json] FILE...</c>: combines the files of <c>--shard i/n</c> runs into the report of the unsharded sweep,
/// byte for byte (text, or JSON with <c>--json</c>). The files may come in any order; every slice of the same sweep
/// (same scenario, same options, same n) must be there exactly once and whole. The runs are read one at a time, in seed
/// order, and folded by the scenario's own code, so merging holds no more in memory than the sweep did.
/// </summary>
/// <remarks>See <c>docs/guides/distributed-sweeps.md</c>. Refusals exit with <see cref="Runner.UsageError"/>.</remarks>
public static class Merge
{
    /// <summary>Runs <c>merge</c> with its arguments (after the word <c>merge</c>); returns the exit code.</summary>
    public static int Execute(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        try
        {
            (bool json, bool pretty, List<string> files) = ParseArguments(args);
            List<(string Path, ShardHeader Header)> slices = Order(files.Select(f => (f, ReadHeader(f))).ToList());
            ShardHeader first = slices[0].Header;
            IScenario scenario = Runner.Scenarios.FirstOrDefault(s => s.Name == first.Scenario)
                ?? throw new MergeException($"{slices[0].Path}: unknown scenario '{first.Scenario}'");
            ScenarioArgs parsed;
            try
            {
                parsed = ScenarioArgs.Parse(ScenarioArgs.CommandLine(first.Options).Concat(json || pretty ? ["--json"] : []).ToList(), scenario.Options);
                parsed.ValidateCommon();
            }
            catch (UsageException ex)
            {
                throw new MergeException($"{slices[0].Path}: the shards' options are not valid for {scenario.Name}: {ex.Message}");
            }

            CheckSeeds(slices, parsed);
            parsed.Replay = slices.SelectMany(s => ReadRuns(s.Path, s.Header));
            int code;
            if (pretty)
            {
                var captured = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
                code = scenario.Run(parsed, captured);
                output.Write(Report.Pretty(captured.ToString()));
            }
            else
            {
                code = scenario.Run(parsed, output);
            }

            if (code == Runner.LimitHit)
            {
                error.WriteLine($"note: {scenario.Name}: a run stopped at a limit before it completed; the report marks what is incomplete (exit code {Runner.LimitHit})");
            }

            return code;
        }
        catch (Exception ex) when (ex is MergeException or UsageException or IOException or UnauthorizedAccessException or JsonException)
        {
            error.WriteLine($"error: merge: {ex.Message}");
            error.WriteLine("usage: dotnet run --project samples/DistSim.Samples -- merge [--json|--json-pretty] SHARD-FILE...");
            return Runner.UsageError;
        }
    }

    private static (bool Json, bool Pretty, List<string> Files) ParseArguments(IReadOnlyList<string> args)
    {
        bool json = false, pretty = false;
        var files = new List<string>();
        foreach (string a in args)
        {
            if (a is "--json" or "--json-pretty")
            {
                if (json || pretty)
                {
                    throw new MergeException($"option '{a}' after '--json{(pretty ? "-pretty" : string.Empty)}': give one of --json and --json-pretty, once");
                }

                json = a == "--json";
                pretty = a == "--json-pretty";
            }
            else if (a.StartsWith("--", StringComparison.Ordinal))
            {
                throw new MergeException($"unknown option '{a}' (merge takes --json or --json-pretty and shard files)");
            }
            else
            {
                files.Add(a);
            }
        }

        return files.Count > 0 ? (json, pretty, files) : throw new MergeException("no shard files given");
    }

    private static ShardHeader ReadHeader(string path)
    {
        using var reader = new StreamReader(path);
        string? line = reader.ReadLine();
        ShardHeader? header;
        try
        {
            header = line is null ? null : JsonSerializer.Deserialize<ShardHeader>(line, ShardFile.Json);
        }
        catch (JsonException ex)
        {
            throw new MergeException($"{path}: not a shard file (its first line is not a shard header: {ex.Message})");
        }

        if (header is null || header.Format != ShardFile.Format || header.Options is null || header.Scenario is null)
        {
            throw new MergeException($"{path}: not a shard file (no '{ShardFile.Format}' header line)");
        }

        return header.Version == ShardFile.Version
            ? header
            : throw new MergeException(Invariant($"{path}: shard format version {header.Version}; this merge reads version {ShardFile.Version}"));
    }

    /// <summary>Checks that the files are every slice of one sweep, once each; returns them in slice order.</summary>
    private static List<(string Path, ShardHeader Header)> Order(List<(string Path, ShardHeader Header)> slices)
    {
        (string firstPath, ShardHeader first) = slices[0];
        string options = string.Join(" ", ScenarioArgs.CommandLine(first.Options.OrderBy(o => o.Key, StringComparer.Ordinal)));
        foreach ((string path, ShardHeader h) in slices.Skip(1))
        {
            if (h.Scenario != first.Scenario)
            {
                throw new MergeException($"{path} is a shard of scenario '{h.Scenario}', {firstPath} of '{first.Scenario}': they are not one sweep");
            }

            string these = string.Join(" ", ScenarioArgs.CommandLine(h.Options.OrderBy(o => o.Key, StringComparer.Ordinal)));
            if (these != options)
            {
                throw new MergeException($"{path} was run with options '{these}', {firstPath} with '{options}': they are not one sweep");
            }

            if (h.Shards != first.Shards)
            {
                throw new MergeException(Invariant($"{path} is slice {h.Shard}/{h.Shards}, {firstPath} slice {first.Shard}/{first.Shards}: they cut the sweep differently"));
            }
        }

        var bySlice = new SortedDictionary<int, (string Path, ShardHeader Header)>();
        foreach ((string path, ShardHeader h) in slices)
        {
            if (h.Shard < 0 || h.Shard >= h.Shards)
            {
                throw new MergeException(Invariant($"{path}: slice {h.Shard} of {h.Shards} does not exist"));
            }

            if (bySlice.TryGetValue(h.Shard, out var other))
            {
                throw new MergeException(Invariant($"slice {h.Shard}/{h.Shards} is given twice: {other.Path} and {path}"));
            }

            bySlice[h.Shard] = (path, h);
        }

        int[] missing = Enumerable.Range(0, first.Shards).Where(i => !bySlice.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
        {
            throw new MergeException(Invariant($"slice(s) {string.Join(", ", missing)} of {first.Shards} missing: a merge needs every slice of the sweep"));
        }

        return [.. bySlice.Values];
    }

    /// <summary>Each slice must hold the seeds that <c>--shard</c> gives it for the sweep of these options.</summary>
    private static void CheckSeeds(List<(string Path, ShardHeader Header)> slices, ScenarioArgs args)
    {
        foreach ((string path, ShardHeader h) in slices)
        {
            var spec = new ShardSpec(h.Shard, h.Shards);
            ulong firstSeed = args.Seed + (ulong)spec.Start(args.Sweep);
            long runs = spec.Length(args.Sweep);
            if (h.FirstSeed != firstSeed || h.Runs != runs)
            {
                throw new MergeException(Invariant($"{path}: slice {spec} of --sweep {args.Sweep} from --seed {args.Seed} holds {runs} run(s) from seed {firstSeed}; the file says {h.Runs} from seed {h.FirstSeed}"));
            }
        }
    }

    /// <summary>The runs of one file, one line at a time; a missing, extra or malformed line is a refusal.</summary>
    private static IEnumerable<ReplayedRun> ReadRuns(string path, ShardHeader header)
    {
        using var reader = new StreamReader(path);
        _ = reader.ReadLine(); // the header, read before
        for (long k = 0; k < header.Runs; k++)
        {
            string line = reader.ReadLine() ?? throw new MergeException(Invariant($"{path}: ends after {k} of its {header.Runs} runs (cut short?)"));
            yield return ParseRun(path, k + 2, line, header.FirstSeed + (ulong)k);
        }

        string? end = reader.ReadLine();
        if (end is null || ParseEnd(path, end) != header.Runs)
        {
            throw new MergeException(Invariant($"{path}: no end line {{\"end\":{header.Runs}}} after its runs (cut short?)"));
        }

        if (reader.ReadLine() is { } extra && extra.Length > 0)
        {
            throw new MergeException($"{path}: text after the end line");
        }
    }

    private static ReplayedRun ParseRun(string path, long lineNumber, string line, ulong seed)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            ulong actual = root.GetProperty("seed").GetUInt64();
            if (actual != seed)
            {
                throw new MergeException(Invariant($"{path}:{lineNumber}: the run of seed {actual}, expected seed {seed}"));
            }

            RunFacts facts = root.GetProperty("run").Deserialize<RunFacts>(ShardFile.Json)
                ?? throw new MergeException(Invariant($"{path}:{lineNumber}: no run facts"));
            return new ReplayedRun(seed, facts, root.GetProperty("record").Clone());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MergeException(Invariant($"{path}:{lineNumber}: not a run line ({ex.Message})"));
        }
    }

    private static long ParseEnd(string path, string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("end", out JsonElement end) ? end.GetInt64() : -1;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new MergeException(string.Create(CultureInfo.InvariantCulture, $"{path}: the line after the runs is not an end line ({ex.Message})"));
        }
    }
}
