using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistSim.Samples.Cli;

/// <summary>
/// The file of one shard (<c>--shard i/n</c>), as JSON Lines: a header line (format, scenario, the options that shape
/// the runs, which slice, its first seed and its number of runs), then one line per run in seed order with the
/// run's common facts (<see cref="RunFacts"/>) and the scenario's own per-run record, then an end line with the
/// number of runs, so a truncated file is refused. <c>merge</c> reads the slices in order and folds their runs
/// exactly as the unsharded sweep folds them, so its report is byte for byte the unsharded report.
/// </summary>
/// <remarks>See <c>docs/guides/distributed-sweeps.md</c>.</remarks>
public static class ShardFile
{
    /// <summary>The <c>format</c> of the header line.</summary>
    public const string Format = "distsim-sweep-shard";

    /// <summary>The <c>version</c> of the header line; merge refuses others.</summary>
    public const int Version = 1;

    /// <summary>How runs and records are written and read: exact numbers (doubles round-trip), enums by name.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes the header line.</summary>
    public static void WriteHeader(TextWriter output, ShardHeader header) => output.WriteLine(JsonSerializer.Serialize(header, Json));

    /// <summary>Writes one run's line.</summary>
    public static void WriteRun<TRecord>(TextWriter output, ulong seed, RunFacts run, TRecord record) =>
        output.WriteLine(Invariant($"{{\"seed\":{seed},\"run\":{JsonSerializer.Serialize(run, Json)},\"record\":{JsonSerializer.Serialize(record, Json)}}}"));

    /// <summary>Writes the end line.</summary>
    public static void WriteEnd(TextWriter output, long runs) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"end\":{runs}}}"));
}

/// <summary>The header line of a shard file.</summary>
/// <param name="Format">Always <see cref="ShardFile.Format"/>.</param>
/// <param name="Version">Always <see cref="ShardFile.Version"/>.</param>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Options">
/// The options that shape the runs and the report, by name (a flag's value is null), sorted: every option given except
/// <c>--shard</c>, <c>--shard-out</c>, <c>--parallel</c> and <c>--json</c>, which do not change any run.
/// </param>
/// <param name="Shard">The slice, from 0.</param>
/// <param name="Shards">How many slices.</param>
/// <param name="FirstSeed">The seed of the slice's first run.</param>
/// <param name="Runs">How many runs the slice has.</param>
public sealed record ShardHeader(string Format, int Version, string Scenario, IReadOnlyDictionary<string, string?> Options, int Shard, int Shards, ulong FirstSeed, long Runs);

/// <summary>One run read back from a shard file: its seed, its common facts and the scenario's record, still as JSON.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Facts">The common facts.</param>
/// <param name="Record">The scenario's per-run record.</param>
public sealed record ReplayedRun(ulong Seed, RunFacts Facts, JsonElement Record);
