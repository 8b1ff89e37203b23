using System.Text.Json.Nodes;
using DistSim.Samples.Cli;
using DistSim.Tests.Docs;
using DistSim.Tests.Support;
using Json.Schema;

namespace DistSim.Tests.Samples;

/// <summary>
/// The samples runner's <c>--json</c> reports match their documented JSON Schemas (docs/schemas/, docs/concepts/json-output.md):
/// every scenario has a schema, every schema is a valid 2020-12 schema that documents each field, and the output of
/// command lines covering each scenario's modes validates against it; the schemas are closed, so an undocumented new
/// field or a changed type fails here.
/// </summary>
public class JsonSchemaTests
{
    /// <summary>
    /// Command lines per scenario (without <c>--json</c>): a single run, a small sweep and each mode, every one small (about a
    /// second at most). A scenario of <see cref="Runner.Scenarios"/> missing here fails <see cref="EveryScenario_HasCommandLinesToValidate"/>.
    /// </summary>
    private static readonly Dictionary<string, string[]> CommandLines = new(StringComparer.Ordinal)
    {
        ["two-generals"] =
        [
            "two-generals", "two-generals --sweep 3", "two-generals --strategy acks", "two-generals --strategy acks --sweep 3",
            "two-generals --strategy redundant --sweep 3", "two-generals --strategy timeout-fallback", "two-generals --strategy timeout-fallback --sweep 3",
            "two-generals --schedule random", "two-generals --event-limit 3",
        ],
        ["byzantine-generals"] =
        [
            "byzantine-generals", "byzantine-generals --sweep 3", "byzantine-generals --signed --commander-value random",
            "byzantine-generals --exhaustive", "byzantine-generals --signed --exhaustive", "byzantine-generals --exhaustive --event-limit 12",
            "byzantine-generals --n 3 --m 1 --sweep 3",
        ],
        ["reliable"] =
        [
            "reliable --messages 200", "reliable --link fair-loss --messages 200",
            "reliable --link authenticated --messages 200 --adversary tamper=0.1,forge=0.1,replay=0.1",
        ],
        ["tcp"] = ["tcp --messages 100", "tcp --messages 100 --no-timestamps", "tcp --delay const:31d --messages 3"],
        ["wal-kv"] = ["wal-kv --writes 50", "wal-kv --writes 50 --sweep 3", "wal-kv --writes 50 --no-flush --sweep 3"],
        ["async-kv"] = ["async-kv --ops 10", "async-kv --ops 10 --sweep 3", "async-kv --ops 10 --ack-before-flush --sweep 3"],
        ["abd"] = ["abd --ops 5", "abd --ops 5 --sweep 3", "abd --ops 5 --no-write-back --sweep 3", "abd --ops 5 --no-faults"],
        ["paxos"] = ["paxos --ops 5", "paxos --ops 5 --sweep 3", "paxos --ops 5 --no-flush --sweep 3"],
        ["raft"] =
        [
            "raft --ops 5", "raft --ops 5 --sweep 3", "raft --ops 5 --prevote --check-quorum --no-partitions",
            "raft --ops 5 --no-persist --sweep 3", "raft --ops 5 --unsafe-commit", "raft --figure8", "raft --figure8 --unsafe-commit",
        ],
        ["split-brain"] = ["split-brain", "split-brain --sweep 3", "split-brain --leases"],
        ["long-delays"] = ["long-delays", "long-delays --sweep 3", "long-delays --fencing"],
        ["bitcoin"] =
        [
            "bitcoin --blocks 300", "bitcoin --blocks 300 --sweep 3", "bitcoin --double-spend --blocks 300",
            "bitcoin --double-spend --blocks 300 --sweep 3", "bitcoin --selfish --blocks 300", "bitcoin --selfish --blocks 300 --sweep 3",
        ],
        ["byzantine"] =
        [
            "byzantine --ops 5", "byzantine --ops 5 --sweep 3", "byzantine --ops 5 --protocol raft", "byzantine --ops 5 --protocol pbft --faulty-primary",
            "byzantine --ops 5 --honest",
        ],
        ["primary-backup"] = ["primary-backup --writes 50", "primary-backup --writes 50 --sweep 3", "primary-backup --writes 50 --async"],
        ["raft-election"] =
        [
            "raft-election", "raft-election --sweep 3", "raft-election --timing partial", "raft-election --timing async --hold 0.1",
            "raft-election --timing sync --sweep 3",
        ],
        ["ordering-bugs"] =
        [
            "ordering-bugs", "ordering-bugs --sweep 3", "ordering-bugs --bug torn-update --schedule pct:3 --sweep 3",
            "ordering-bugs --bug interleaved --schedule random",
        ],
        ["partial-connectivity"] =
        [
            "partial-connectivity --partition-seconds 2 --election-timeout 100",
            "partial-connectivity --situation constrained-election --partition-seconds 2 --election-timeout 100 --sweep 2",
            "partial-connectivity --situation chained --prevote --check-quorum --partition-seconds 2 --election-timeout 100",
            "partial-connectivity --situation incident --partition-seconds 2 --election-timeout 100 --sweep 2",
            "partial-connectivity --matrix --partition-seconds 1", "partial-connectivity --event-limit 100",
        ],
        ["kubernetes"] =
        [
            "kubernetes --duration 400", "kubernetes --workload deployment --duration 400 --sweep 2",
            "kubernetes --workload statefulset --failure partition --force-delete --duration 500",
            "kubernetes --failure partition --heal-after never --duration 300", "kubernetes --failure none --duration 200",
        ],
        ["bench"] =
        [
            "bench --nodes 10 --events 1000 --rounds 5", "bench --workload ring --nodes 10 --deliveries 1000 --rounds 5",
            "bench --workload all-to-all --link reliable --nodes 4 --deliveries 1000 --rounds 5", "bench --workload idle --nodes 10 --rounds 5",
        ],
    };

    private static readonly Lazy<JsonSchema> Common = new(() => JsonSchema.FromFile(SchemaPath("common")));

    public static TheoryData<string> Scenarios() => [.. Runner.Scenarios.Select(s => s.Name)];

    public static TheoryData<string> ScenarioCommandLines() =>
        [.. Runner.Scenarios.SelectMany(s => CommandLines.GetValueOrDefault(s.Name) ?? []).Where(c => File.Exists(SchemaPath(c.Split(' ')[0])))];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryScenario_HasAValid202012SchemaThatDocumentsEachField(string scenario)
    {
        string path = SchemaPath(scenario);
        Assert.True(File.Exists(path), MissingSchema(scenario));
        JsonNode schema = JsonNode.Parse(File.ReadAllText(path))!;
        EvaluationResults meta = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(meta.IsValid, $"docs/schemas/{scenario}.schema.json is not a valid JSON Schema 2020-12:\n{Errors(meta)}");
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        Assert.Equal($"{scenario}.schema.json", (string?)schema["$id"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)schema["title"]), "the schema needs a title");
        Assert.False(string.IsNullOrWhiteSpace((string?)schema["description"]), "the schema needs a description of the report");
        // The common fields come first: for every report, or (partial-connectivity) for every report but --matrix's table.
        string common = (string?)schema["allOf"]?[0]?["$ref"] ?? (string?)schema["else"]?["allOf"]?[0]?["$ref"] ?? "(none)";
        Assert.Equal("common.schema.json#/$defs/report", common);
        Assert.False((bool)schema["unevaluatedProperties"]!, "the schema must be closed (unevaluatedProperties: false)");
        Assert.Empty(Undocumented(schema, "#"));
    }

    [Fact]
    public void CommonSchema_IsAValid202012SchemaThatDocumentsEachField()
    {
        JsonNode schema = JsonNode.Parse(File.ReadAllText(SchemaPath("common")))!;
        EvaluationResults meta = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(meta.IsValid, Errors(meta));
        Assert.Equal(["report", "metric", "statistics", "coverage", "explore", "shrink", "faults", "fault"], schema["$defs"]!.AsObject().Select(p => p.Key));
        Assert.Empty(Undocumented(schema, "#"));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryScenario_HasCommandLinesToValidate(string scenario)
    {
        Assert.True(
            CommandLines.TryGetValue(scenario, out string[]? lines) && lines.Length > 0,
            $"scenario '{scenario}': add command lines covering its modes to JsonSchemaTests.CommandLines (and write docs/schemas/{scenario}.schema.json)");
        Assert.All(lines, l => Assert.Equal(scenario, l.Split(' ')[0]));
    }

    /// <summary>The <c>plot</c> field of a sweep drawn with <c>--plot FILE</c> is documented too.</summary>
    [Theory]
    [InlineData("raft-election --sweep 3 --plot-ranges 150-150,150-300")]
    [InlineData("two-generals --strategy redundant --sweep 3 --plot-messengers 2")]
    [InlineData("bitcoin --blocks 300 --sweep 2 --plot-delays 1,10")]
    public void PlotSweeps_MatchTheirSchema(string commandLine)
    {
        string svg = Path.Combine(Path.GetTempPath(), $"distsim-schema-{Guid.NewGuid():N}.svg"); // determinism-ok: a temporary file name
        try
        {
            string[] args = [.. commandLine.Split(' '), "--plot", svg, "--json"];
            (int code, string output, string error) = RunnerCli.Run(args);
            Assert.True(code == Runner.Success, $"exit code {code}: {error}");
            JsonNode report = JsonNode.Parse(output)!;
            Assert.Equal(svg, (string?)report["plot"]);
            AssertValid(args[0], report, commandLine);
        }
        finally
        {
            File.Delete(svg);
        }
    }

    [Theory]
    [MemberData(nameof(ScenarioCommandLines))]
    public void JsonOutput_IsOneLine_AndMatchesTheScenarioSchema(string commandLine)
    {
        string[] args = [.. commandLine.Split(' '), "--json"];
        (int code, string output, string error) = RunnerCli.Run(args);
        Assert.True(code is Runner.Success or Runner.Failure or Runner.LimitHit, $"exit code {code}: {error}");
        Assert.EndsWith("\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', output.TrimEnd('\n'));
        Assert.DoesNotContain('\r', output.TrimEnd('\n', '\r'));
        JsonNode report = JsonNode.Parse(output)!;
        Assert.Equal(args[0], (string?)report["scenario"]);
        AssertValid(args[0], report, commandLine);
    }

    [Fact]
    public void JsonPretty_IsTheSameObjectIndented_AndMatchesTheSchema()
    {
        (_, string oneLine, _) = RunnerCli.Run("abd", "--ops", "5", "--sweep", "3", "--json");
        (_, string pretty, _) = RunnerCli.Run("abd", "--ops", "5", "--sweep", "3", "--json-pretty");
        Assert.True(pretty.Split('\n').Length > 10, pretty);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(oneLine), JsonNode.Parse(pretty)));
        AssertValid("abd", JsonNode.Parse(pretty)!, "abd --json-pretty");
    }

    [Theory]
    [InlineData("split-brain --explore 100", false)]
    [InlineData("split-brain --explore 300", true)]
    [InlineData("byzantine-generals --n 3 --m 1 --explore 100", true)]
    [InlineData("ordering-bugs --bug torn-update --explore 10", true)]
    public void ExploreOutput_MatchesTheExploreSchema(string commandLine, bool expectViolation)
    {
        (int code, string output, string error) = RunnerCli.Run([.. commandLine.Split(' '), "--json"]);
        Assert.True(code is Runner.Success or Runner.Failure, $"exit code {code}: {error}");
        Assert.DoesNotContain('\n', output.TrimEnd('\n'));
        JsonNode report = JsonNode.Parse(output)!;
        Assert.Equal(expectViolation, (bool)report["violationFound"]!);
        AssertValidAgainst(Defs("explore"), report, commandLine);
    }

    [Fact]
    public void ExplorePathReplayOutput_MatchesTheExploreSchema_WithoutTheSearchCounters()
    {
        (_, string found, _) = RunnerCli.Run("split-brain", "--explore", "300", "--json");
        string path = (string)JsonNode.Parse(found)!["path"]!;
        (int code, string output, string error) = RunnerCli.Run("split-brain", "--explore", "300", "--explore-path", path, "--json");
        Assert.True(code == Runner.Failure, $"exit code {code}: {error}");
        JsonNode report = JsonNode.Parse(output)!;
        Assert.Null(report["paths"]);
        Assert.True((bool)report["violationFound"]!);
        AssertValidAgainst(Defs("explore"), report, "split-brain --explore 300 --explore-path " + path);
    }

    [Theory]
    [InlineData("wal-kv --writes 50 --no-flush --sweep 20 --shrink", true)]
    [InlineData("wal-kv --writes 20 --sweep 2 --shrink", false)]
    public void ShrinkOutput_MatchesTheShrinkSchema(string commandLine, bool expectViolation)
    {
        (int code, string output, string error) = RunnerCli.Run([.. commandLine.Split(' '), "--json"]);
        Assert.True(code is Runner.Success or Runner.Failure, $"exit code {code}: {error}");
        Assert.DoesNotContain('\n', output.TrimEnd('\n'));
        JsonNode report = JsonNode.Parse(output)!;
        Assert.Equal(expectViolation, (bool)report["violationFound"]!);
        AssertValidAgainst(Defs("shrink"), report, commandLine);
    }

    [Fact]
    public void Schemas_AreStrict_AnUndocumentedFieldAWrongTypeOrAMissingFieldFails()
    {
        (_, string output, _) = RunnerCli.Run("paxos", "--ops", "5", "--json");
        JsonSchema schema = Load("paxos");
        Assert.True(Evaluate(schema, JsonNode.Parse(output)!).IsValid);

        JsonObject extra = JsonNode.Parse(output)!.AsObject();
        extra["undocumentedField"] = 1;
        Assert.False(Evaluate(schema, extra).IsValid, "an undocumented top-level field must fail");

        JsonObject nested = JsonNode.Parse(output)!.AsObject();
        nested["messages"]!["resent"] = 1;
        Assert.False(Evaluate(schema, nested).IsValid, "an undocumented field inside messages must fail");

        JsonObject wrongCommon = JsonNode.Parse(output)!.AsObject();
        wrongCommon["events"] = "many";
        Assert.False(Evaluate(schema, wrongCommon).IsValid, "a common field of the wrong type must fail");

        JsonObject wrongOwn = JsonNode.Parse(output)!.AsObject();
        string own = wrongOwn.Select(p => p.Key).First(k => k is not ("scenario" or "seed" or "outcome" or "limitHit" or "incompleteRuns" or "fingerprint" or "virtualTime" or "events" or "messages"));
        wrongOwn[own] = new JsonArray();
        Assert.False(Evaluate(schema, wrongOwn).IsValid, $"the scenario's own field '{own}' as an array must fail");

        JsonObject missing = JsonNode.Parse(output)!.AsObject();
        missing.Remove("fingerprint");
        Assert.False(Evaluate(schema, missing).IsValid, "a report without a required field must fail");

        JsonObject badOutcome = JsonNode.Parse(output)!.AsObject();
        badOutcome["outcome"] = "finished";
        Assert.False(Evaluate(schema, badOutcome).IsValid, "an outcome that is not one of the documented names must fail");
    }

    [Fact]
    public void ExploreAndShrinkSchemas_AreStrict()
    {
        (_, string output, _) = RunnerCli.Run("split-brain", "--explore", "100", "--json");
        JsonObject report = JsonNode.Parse(output)!.AsObject();
        Assert.True(Evaluate(Defs("explore"), report).IsValid);
        report["extra"] = true;
        Assert.False(Evaluate(Defs("explore"), report).IsValid);

        JsonObject shrink = JsonNode.Parse("""{"scenario":"wal-kv","seed":1,"property":"p","runsSearched":3,"violationFound":true,"interrupted":false}""")!.AsObject();
        Assert.False(Evaluate(Defs("shrink"), shrink).IsValid, "a shrink report that found a violation must carry the shrunk schedule");
        shrink["violationFound"] = false;
        Assert.True(Evaluate(Defs("shrink"), shrink).IsValid);
        shrink.Remove("interrupted");
        Assert.True(Evaluate(Defs("shrink"), shrink).IsValid, "a report from before 'interrupted' existed is still valid (read as false)");

        report.Remove("extra");
        report["interrupted"] = true; // stopped by Ctrl+C, yet complete: a contradiction the schema refuses
        report["complete"] = true;
        Assert.False(Evaluate(Defs("explore"), report).IsValid);
        report["complete"] = false;
        Assert.True(Evaluate(Defs("explore"), report).IsValid);
    }

    [Fact]
    public void AMissingSchema_FailsWithAMessageNamingTheScenarioAndTheFile()
    {
        string message = MissingSchema("partial-connectivity");
        Assert.Contains("'partial-connectivity'", message, StringComparison.Ordinal);
        Assert.Contains("docs/schemas/partial-connectivity.schema.json", message, StringComparison.Ordinal);
        Assert.False(File.Exists(SchemaPath("no-such-scenario")));
    }

    private static string MissingSchema(string scenario) =>
        $"scenario '{scenario}' (in Runner.Scenarios) has no JSON Schema: write docs/schemas/{scenario}.schema.json " +
        "(see docs/concepts/json-output.md) and add its command lines to JsonSchemaTests.CommandLines";

    private static string SchemaPath(string name) => Path.Combine(DocSnippets.RepositoryRoot(), "docs", "schemas", name + ".schema.json");

    private static JsonSchema Load(string scenario)
    {
        Assert.True(File.Exists(SchemaPath(scenario)), MissingSchema(scenario));
        return JsonSchema.FromFile(SchemaPath(scenario));
    }

    /// <summary>A schema that is one $defs entry of the common schema.</summary>
    private static JsonSchema Defs(string name) =>
        JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{new Uri(SchemaPath("common")).AbsoluteUri}}#/$defs/{{name}}"}""");

    private static EvaluationResults Evaluate(JsonSchema schema, JsonNode instance)
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List };
        options.SchemaRegistry.Register(Common.Value);
        return schema.Evaluate(instance, options);
    }

    private static void AssertValid(string scenario, JsonNode report, string commandLine) => AssertValidAgainst(Load(scenario), report, commandLine);

    private static void AssertValidAgainst(JsonSchema schema, JsonNode report, string commandLine)
    {
        EvaluationResults results = Evaluate(schema, report);
        Assert.True(results.IsValid, $"'{commandLine} --json' does not match its schema:\n{Errors(results)}\n{report.ToJsonString()}");
    }

    private static string Errors(EvaluationResults results) =>
        string.Join('\n', results.Details.Append(results)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"  {d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")));

    /// <summary>
    /// Every named property of every object schema, nested ones included, has a description (the schema is documentation);
    /// the subschemas of conditions, which only constrain fields described elsewhere, are not walked.
    /// </summary>
    private static List<string> Undocumented(JsonNode? node, string where)
    {
        var missing = new List<string>();
        if (node is JsonObject o)
        {
            if (o["properties"] is JsonObject properties)
            {
                foreach ((string name, JsonNode? property) in properties)
                {
                    if (property is JsonObject p && !p.ContainsKey("description") && !p.ContainsKey("$ref"))
                    {
                        missing.Add($"{where}/properties/{name} has no description");
                    }
                }
            }

            // Conditions (if/then/else, not, anyOf, dependentSchemas, ...) constrain fields documented elsewhere.
            foreach ((string key, JsonNode? child) in o.Where(p => p.Key is not ("if" or "then" or "else" or "not" or "anyOf" or "oneOf" or "allOf" or "dependentSchemas")))
            {
                missing.AddRange(Undocumented(child, $"{where}/{key}"));
            }
        }
        else if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++)
            {
                missing.AddRange(Undocumented(a[i], $"{where}/{i}"));
            }
        }

        return missing;
    }
}
