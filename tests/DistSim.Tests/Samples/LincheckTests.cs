using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

/// <summary><c>lincheck</c>: verdicts and exit codes on published and hand-written histories in both formats, and its refusals.</summary>
public sealed class LincheckTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("lincheck-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Data(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Checking", "Data", .. parts]);

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Theory]
    [InlineData("good/memstress3-12.edn", 0)]
    [InlineData("good/cas-register-bug.edn", 0)]
    [InlineData("bad/cas-failure.edn", 1)]
    [InlineData("bad/rethink-fail-smaller.edn", 1)]
    public void KnossosFiles_ExitWithTheirVerdicts(string file, int code)
    {
        (int exit, string output, string error) = Run("lincheck", "--initial", "0", Data("knossos", "cas-register", file));
        Assert.Equal(code, exit);
        Assert.Equal(string.Empty, error);
        Assert.Contains("model cas-register, initial value 0", output, StringComparison.Ordinal); // EDN: cas-register by default
        Assert.Contains(code == 0 ? "verdict: linearizable" : "verdict: NOT linearizable", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AViolation_NamesTheFailingOperationWithItsLines_AndThePrefixLength()
    {
        (int exit, string output, _) = Run("lincheck", "--initial", "0", Data("knossos", "cas-register", "bad", "bad-analysis.edn"));
        Assert.Equal(1, exit);
        Assert.Contains("cannot linearize: process 21: read 2 (invoked on line 17, ok on line 18)", output, StringComparison.Ordinal);
        Assert.Matches(@"longest linearizable prefix: \d+ operations", output);
    }

    [Fact]
    public void PorcupineKeyValueFile_ReadAsEdn_SplitsByKey()
    {
        (int ok, string okOut, _) = Run("lincheck", "--model", "kv", "--format", "edn", Data("porcupine-kv", "c10-ok.txt"));
        (int bad, string badOut, _) = Run("lincheck", "--model", "kv", "--format", "edn", Data("porcupine-kv", "c10-bad.txt"));
        Assert.Equal((0, 1), (ok, bad));
        Assert.Matches(@"verdict: linearizable \(\d+ steps, 10 partitions\)", okOut);
        Assert.Matches(@"cannot linearize: process \d+: .* in partition '\d'", badOut);
    }

    [Fact]
    public void JsonLines_KeyValue_WithTimes_AndAnHtmlPage()
    {
        string history = Write("kv.jsonl",
            """{"process":0,"type":"invoke","f":"put","key":"x","value":"1","time":10}""",
            """{"process":0,"type":"ok","f":"put","key":"x","time":12}""",
            """{"process":1,"type":"invoke","f":"get","key":"x","time":15}""",
            """{"process":1,"type":"ok","f":"get","key":"x","value":"","time":16}""",
            """{"process":2,"type":"invoke","f":"append","key":"y","value":"a","time":16}""",
            """{"process":"nemesis","type":"info","f":"partition","time":17}""");
        string html = Path.Combine(_dir.FullName, "view.html");
        (int exit, string output, _) = Run("lincheck", "--html", html, history); // JSON Lines: kv by default
        Assert.Equal(1, exit);
        Assert.Contains("operations: 3 checked (1 pending), 0 failed and left out, 1 other events skipped; 3 processes", output, StringComparison.Ordinal);
        Assert.Contains("cannot linearize: process 1: get x → \"\" (invoked on line 3, ok on line 4) in partition 'x'", output, StringComparison.Ordinal);
        string page = File.ReadAllText(html);
        Assert.Contains("class=\"op ok failing\"", page, StringComparison.Ordinal);
        Assert.Contains("class=\"op pending\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"html: {html}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("register", 0, """{"process":0,"type":"invoke","f":"write","value":3}""", """{"process":0,"type":"ok","f":"write","value":3}""", """{"process":1,"type":"invoke","f":"read","value":null}""", """{"process":1,"type":"ok","f":"read","value":3}""")]
    [InlineData("register", 1, """{"process":1,"type":"invoke","f":"read"}""", """{"process":1,"type":"ok","f":"read","value":3}""")]
    [InlineData("register", 0, """{"process":1,"type":"invoke","f":"read"}""", """{"process":1,"type":"ok","f":"read","value":null}""")]
    [InlineData("cas-register", 0, """{"process":0,"type":"invoke","f":"cas","value":[null,"1"]}""", """{"process":0,"type":"ok","f":"cas","value":[null,"1"]}""", """{"process":1,"type":"invoke","f":"cas","value":["5","6"]}""", """{"process":1,"type":"ok","f":"cas","value":false}""", """{"process":2,"type":"invoke","f":"read"}""", """{"process":2,"type":"ok","f":"read","value":"1"}""")]
    [InlineData("cas-register", 1, """{"process":0,"type":"invoke","f":"cas","value":["5","6"]}""", """{"process":0,"type":"ok","f":"cas","value":["5","6"]}""")]
    [InlineData("cas-register", 0, """{"process":0,"type":"invoke","f":"cas","value":["5","6"]}""", """{"process":0,"type":"fail","f":"cas"}""", """{"process":0,"type":"invoke","f":"write","value":"7"}""", """{"process":0,"type":"info","f":"write"}""", """{"process":0,"type":"invoke","f":"read"}""", """{"process":0,"type":"ok","f":"read","value":"7"}""")]
    [InlineData("set", 0, """{"process":0,"type":"invoke","f":"add","value":"a"}""", """{"process":0,"type":"ok","f":"add","value":"a"}""", """{"process":1,"type":"invoke","f":"contains","value":"a"}""", """{"process":1,"type":"ok","f":"contains","value":true}""", """{"process":1,"type":"invoke","f":"read"}""", """{"process":1,"type":"ok","f":"read","value":["a"]}""")]
    [InlineData("set", 1, """{"process":0,"type":"invoke","f":"add","value":"a"}""", """{"process":0,"type":"ok","f":"add","value":"a"}""", """{"process":1,"type":"invoke","f":"read"}""", """{"process":1,"type":"ok","f":"read","value":[]}""")]
    [InlineData("queue", 0, """{"process":0,"type":"invoke","f":"dequeue"}""", """{"process":0,"type":"ok","f":"dequeue","value":null}""", """{"process":0,"type":"invoke","f":"enqueue","value":1}""", """{"process":0,"type":"ok","f":"enqueue","value":1}""", """{"process":0,"type":"invoke","f":"dequeue"}""", """{"process":0,"type":"ok","f":"dequeue","value":1}""")]
    [InlineData("queue", 1, """{"process":0,"type":"invoke","f":"enqueue","value":1}""", """{"process":0,"type":"ok","f":"enqueue","value":1}""", """{"process":0,"type":"invoke","f":"enqueue","value":2}""", """{"process":0,"type":"ok","f":"enqueue","value":2}""", """{"process":1,"type":"invoke","f":"dequeue"}""", """{"process":1,"type":"ok","f":"dequeue","value":2}""")]
    [InlineData("counter", 0, """{"process":0,"type":"invoke","f":"increment"}""", """{"process":1,"type":"invoke","f":"add","value":5}""", """{"process":0,"type":"ok","f":"increment"}""", """{"process":2,"type":"invoke","f":"read"}""", """{"process":2,"type":"ok","f":"read","value":6}""")]
    [InlineData("counter", 1, """{"process":0,"type":"invoke","f":"increment"}""", """{"process":0,"type":"ok","f":"increment"}""", """{"process":2,"type":"invoke","f":"read"}""", """{"process":2,"type":"ok","f":"read","value":0}""")]
    public void EveryModel_ReadsJsonLines_AndDecides(string model, int code, params string[] lines)
    {
        (int exit, string output, string error) = Run("lincheck", "--model", model, Write($"{model}.jsonl", lines));
        Assert.True(code == exit, output + error);
        Assert.Contains($"model {model}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AStepBudget_TooSmallForTheHistory_ExitsThreeAndSaysWhy()
    {
        var lines = Enumerable.Range(1, 18).Select(i => $$"""{"process":{{i}},"type":"invoke","f":"write","value":{{i}}}""").ToList();
        lines.Add("""{"process":0,"type":"invoke","f":"read"}""");
        lines.Add("""{"process":0,"type":"ok","f":"read","value":99}""");
        lines.AddRange(Enumerable.Range(1, 18).Select(i => $$"""{"process":{{i}},"type":"ok","f":"write","value":{{i}}}"""));
        string history = Write("hard.jsonl", [.. lines]);
        (int exit, string output, _) = Run("lincheck", "--model", "register", "--steps", "1000", history);
        Assert.Equal(3, exit);
        Assert.Contains("verdict: unknown: the step budget ran out (--steps 1000) after 1000 steps", output, StringComparison.Ordinal);
        (int timed, string timedOut, _) = Run("lincheck", "--model", "register", "--timeout", "0.0000001", history);
        Assert.Equal(3, timed);
        Assert.Contains("the time budget ran out (--timeout 0.0000001)", timedOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x.jsonl:2: not JSON", """{"process":0,"type":"invoke","f":"read"}""", """{"process":0,"type":"ok",""")]
    [InlineData("x.jsonl:1: missing \"type\"", """{"process":0,"f":"read"}""")]
    [InlineData("x.jsonl:1: \"process\" must be an integer", """{"process":"p1","type":"invoke","f":"read"}""")]
    [InlineData("x.jsonl:2: process 0 invokes while its operation invoked on line 1 is still open", """{"process":0,"type":"invoke","f":"read"}""", """{"process":0,"type":"invoke","f":"write","value":1}""")]
    [InlineData("x.jsonl:1: process 4 completes an operation it never invoked", """{"process":4,"type":"ok","f":"read","value":1}""")]
    [InlineData("x.jsonl:2: process 0 completes write but invoked read on line 1", """{"process":0,"type":"invoke","f":"read"}""", """{"process":0,"type":"ok","f":"write","value":1}""")]
    [InlineData("x.jsonl:2: \"time\" goes back (from 9 to 3)", """{"process":0,"type":"invoke","f":"read","time":9}""", """{"process":0,"type":"ok","f":"read","value":1,"time":3}""")]
    [InlineData("x.jsonl:2: \"time\" must be given on every line or on none", """{"process":0,"type":"invoke","f":"read","time":9}""", """{"process":0,"type":"ok","f":"read","value":1}""")]
    [InlineData("x.jsonl:1: 'incr' is not an operation of the register model (read, write): `incr 1`", """{"process":0,"type":"invoke","f":"incr","value":1}""")]
    [InlineData("x.jsonl:1: keys are for --model kv", """{"process":0,"type":"invoke","f":"write","key":"k","value":1}""")]
    public void MalformedJsonLines_ExitTwo_NamingFileLineAndText(string expected, params string[] lines)
    {
        string file = Write("x.jsonl", lines);
        (int exit, string output, string error) = Run("lincheck", "--model", "register", file);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(Path.Combine(_dir.FullName, expected), error, StringComparison.Ordinal);
        Assert.Contains("`", error, StringComparison.Ordinal); // the bad text, quoted
        Assert.Contains("usage: dotnet run --project samples/DistSim.Samples -- lincheck", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x.edn:2: unexpected ']'", "[{:process 0, :type :invoke, :f :read, :value nil}", " {:process 0, :type :ok, :f :read, :value 1]")]
    [InlineData("x.edn:1: no closing ']'", "[{:process 0, :type :invoke, :f :read, :value nil}")]
    [InlineData("x.edn:1: :type must be :invoke, :ok, :fail or :info", "{:process 0, :type :done, :f :read, :value nil}")]
    [InlineData("x.edn:3: expected an operation map", "; a comment", "{:process 0, :type :invoke, :f :read, :value nil}", "42")]
    [InlineData("x.edn:1: cas takes [expected new]", "{:process 0, :type :invoke, :f :cas, :value 3}")]
    public void MalformedEdn_ExitsTwo_NamingFileLineAndText(string expected, params string[] lines)
    {
        (int exit, _, string error) = Run("lincheck", Write("x.edn", lines));
        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(_dir.FullName, expected), error, StringComparison.Ordinal);
    }

    /// <summary>Histories whose values have the wrong shape for the model: a list where one value is expected, or the other way round.</summary>
    public static TheoryData<string, string, string[]> WrongShapes => new()
    {
        { "register", "x.jsonl:4: a read answers one value, not a list: `read → [7 8]`", [W(0, "write", "7"), O(0, "write", "7"), W(1, "read"), O(1, "read", "[7,8]")] },
        { "register", "x.jsonl:2: write answers nil or its value, not a list: `write 7 → [7 8]`", [W(0, "write", "7"), O(0, "write", "[7,8]")] },
        { "kv", "x.jsonl:2: a get answers one value, not a list: `get x → [a b]`", [W(1, "get", key: "x"), O(1, "get", "[\"a\",\"b\"]", key: "x")] },
        { "kv", "x.jsonl:2: put answers nil or its value, not a list: `put x 1 → [1 2]`", [W(1, "put", "\"1\"", key: "x"), O(1, "put", "[1,2]", key: "x")] },
        { "cas-register", "x.jsonl:2: a read answers one value, not a list: `read → [7 8]`", [W(1, "read"), O(1, "read", "[7,8]")] },
        { "cas-register", "x.jsonl:2: a cas answers false, true, nil or its [expected new] pair, not `[9 9]`: `cas [1 2] → [9 9]`", [W(0, "cas", "[1,2]"), O(0, "cas", "[9,9]")] },
        { "cas-register", "x.jsonl:2: a cas answers false, true, nil or its [expected new] pair, not `7`: `cas [1 2] → 7`", [W(0, "cas", "[1,2]"), O(0, "cas", "7")] },
        { "cas-register", "x.jsonl:1: cas takes [expected new]", [W(0, "cas", "[[1],2]"), O(0, "cas", "[[1],2]")] },
        { "set", "x.jsonl:2: add answers nil or its value, not a list: `add a → [a]`", [W(0, "add", "\"a\""), O(0, "add", "[\"a\"]")] },
        { "set", "x.jsonl:2: a completed contains answers true or false, not [true]", [W(0, "contains", "\"a\""), O(0, "contains", "[true]")] },
        { "set", "x.jsonl:2: set elements must be scalars", [W(0, "read"), O(0, "read", "[[\"a\"]]")] },
        { "set", "x.jsonl:2: a completed read answers a list of elements, not a", [W(0, "read"), O(0, "read", "\"a\"")] },
        { "queue", "x.jsonl:2: enqueue answers nil or its value, not a list: `enqueue 1 → [1]`", [W(0, "enqueue", "1"), O(0, "enqueue", "[1]")] },
        { "queue", "x.jsonl:2: a dequeue answers one element (or nil: empty)", [W(0, "dequeue"), O(0, "dequeue", "[1]")] },
        { "counter", "x.jsonl:2: add answers nil or its value, not a list: `add 5 → [5]`", [W(0, "add", "5"), O(0, "add", "[5]")] },
        { "counter", "x.jsonl:2: increment answers nil or its value, not a list: `increment → [1]`", [W(0, "increment"), O(0, "increment", "[1]")] },
        { "counter", "x.jsonl:2: a read's answer must be an integer, not [1]", [W(0, "read"), O(0, "read", "[1]")] },
    };

    private static string W(int process, string f, string? value = null, string? key = null) => Event(process, "invoke", f, value, key);

    private static string O(int process, string f, string? value = null, string? key = null) => Event(process, "ok", f, value, key);

    private static string Event(int process, string type, string f, string? value, string? key) =>
        $$"""{"process":{{process}},"type":"{{type}}","f":"{{f}}"{{(key is null ? "" : $",\"key\":\"{key}\"")}}{{(value is null ? "" : $",\"value\":{value}")}}}""";

    [Theory(DisplayName = "A value of the wrong shape (a list for one value, or one value for a list) exits 2, naming file, line and text")]
    [MemberData(nameof(WrongShapes))]
    public void AValueOfTheWrongShape_ExitsTwo_NamingFileLineAndText(string model, string expected, string[] lines)
    {
        (int exit, string output, string error) = Run("lincheck", "--model", model, Write("x.jsonl", lines));
        Assert.True(exit == 2, $"exit {exit}: {output}{error}");
        Assert.Equal(string.Empty, output);
        Assert.Contains(Path.Combine(_dir.FullName, expected), error, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "EDN: a read answering a list exits 2 rather than reading it as nil (unknown)")]
    public void Edn_AReadAnsweringAList_ExitsTwo()
    {
        string file = Write("x.edn", "[{:process 0, :type :invoke, :f :read, :value nil}", " {:process 0, :type :ok, :f :read, :value [7 8]}]");
        (int exit, _, string error) = Run("lincheck", "--initial", "0", file);
        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(_dir.FullName, "x.edn:2: a read answers one value, not a list: `read → [7 8]`"), error, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A cas answering its own [expected new] pair, true, false or nil is read as before")]
    public void ACasAnsweringItsPair_OrABoolean_OrNil_IsRead()
    {
        string ok = Write("cas.jsonl", W(0, "cas", "[null,\"1\"]"), O(0, "cas", "[null,\"1\"]"), W(0, "cas", "[\"1\",\"2\"]"), O(0, "cas", "true"), W(0, "cas", "[\"2\",\"3\"]"), O(0, "cas"), W(0, "cas", "[\"9\",\"4\"]"), O(0, "cas", "false"), W(1, "read"), O(1, "read", "3"));
        (int exit, string output, string error) = Run("lincheck", "--model", "cas-register", ok);
        Assert.True(exit == 0, output + error);
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    /// <summary>Files whose collections nest one level deeper than the reader's limit (64), on line 2; what each nests.</summary>
    public static TheoryData<string, string> JustTooDeep => new()
    {
        { "vectors", Repeat("[", 65) },
        { "maps", Repeat("{:a ", 65) },
        { "a value", "{:process 0, :type :invoke, :f :write, :value " + Repeat("[", 64) + Repeat("]", 64) + "}" },
        { "discards", Repeat("#_ ", 65) + "1 {:process 0, :type :invoke, :f :read, :value nil}" },
    };

    [Theory(DisplayName = "EDN nested deeper than 64 levels exits 2, naming the file and the line")]
    [MemberData(nameof(JustTooDeep))]
    public void EdnNestedTooDeep_ExitsTwo_NamingFileAndLine(string what, string text)
    {
        (int exit, string output, string error) = Run("lincheck", Write("deep.edn", "; " + what, text));
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(Path.Combine(_dir.FullName, "deep.edn:2: collections nest deeper than 64 levels"), error, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "EDN nested 64 levels deep is read: the limit is not tighter than it says")]
    public void EdnNestedToTheLimit_IsRead()
    {
        // The map is level 1, its value levels 2 to 64 (a scalar inside is no level): read, then refused by the model.
        string text = "{:process 0, :type :invoke, :f :write, :value " + Repeat("[", 63) + "1" + Repeat("]", 63) + "}";
        (int exit, _, string error) = Run("lincheck", "--model", "register", Write("limit.edn", text));
        Assert.Equal(2, exit);
        Assert.Contains("write takes one value, not a list", error, StringComparison.Ordinal);
    }

    /// <summary>About 20 KB of nesting each: before the depth limit, each overflowed the stack and killed the process (exit 134).</summary>
    public static TheoryData<string, string> Huge => new()
    {
        { "vectors", Repeat("[", 20_000) },
        { "maps", Repeat("{:a ", 5_000) },
        { "a value", "{:process 0, :type :invoke, :f :write, :value " + Repeat("[", 10_000) + Repeat("]", 10_000) + "}" },
        { "discards", Repeat("#_ ", 7_000) + "1" },
    };

    [Theory(DisplayName = "Huge EDN nesting exits 2 instead of overflowing the stack")]
    [MemberData(nameof(Huge))]
    public void HugeEdnNesting_ExitsTwo(string what, string text)
    {
        (int exit, _, string error) = Run("lincheck", Write("huge.edn", text));
        Assert.Equal(2, exit);
        Assert.Contains("huge.edn:1: collections nest deeper than 64 levels", error, StringComparison.Ordinal);
        _ = what;
    }

    [Fact(DisplayName = "A chain of 40,000 EDN tags is read without recursion")]
    public void ALongChainOfTags_IsRead()
    {
        (int exit, _, string error) = Run("lincheck", Write("tags.edn", Repeat("#inst ", 40_000) + "1"));
        Assert.Equal(2, exit);
        Assert.Contains("tags.edn:1: expected an operation map", error, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "JSON Lines values nested deeper than 64 levels exit 2 (JsonDocument's own limit)")]
    public void JsonNestedTooDeep_ExitsTwo()
    {
        string line = """{"process":0,"type":"invoke","f":"write","value":""" + Repeat("[", 10_000) + Repeat("]", 10_000) + "}";
        (int exit, _, string error) = Run("lincheck", "--model", "register", Write("deep.jsonl", line));
        Assert.Equal(2, exit);
        Assert.Contains("deep.jsonl:1: not JSON", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus", "1", "h.jsonl")]
    [InlineData("no history file given", "--model", "kv")]
    [InlineData("one history file at a time", "a.jsonl", "b.jsonl")]
    [InlineData("--model: unknown model 'stack'", "--model", "stack", "h.jsonl")]
    [InlineData("--steps: '0' is not a whole number > 0", "--steps", "0", "h.jsonl")]
    [InlineData("--steps: '-5' is not a whole number > 0", "--steps", "-5", "h.jsonl")]
    [InlineData("--timeout: 'NaN' is not a number of seconds", "--timeout", "NaN", "h.jsonl")]
    [InlineData("--timeout: '-1' is not a number of seconds", "--timeout", "-1", "h.jsonl")]
    [InlineData("--initial: the set model starts empty", "--model", "set", "--initial", "x", "h.jsonl")]
    [InlineData("--initial: the counter starts at an integer, not 'ten'", "--model", "counter", "--initial", "ten", "h.jsonl")]
    [InlineData("option '--model' is given twice", "--model", "kv", "--model", "set", "h.jsonl")]
    [InlineData("option '--html' needs a value", "h.jsonl", "--html")]
    [InlineData("--format: cannot tell the format", "h.txt")]
    public void BadCommandLines_ExitTwo_NamingTheOption(string expected, params string[] args)
    {
        Write("h.jsonl", """{"process":0,"type":"invoke","f":"get","key":"x"}""");
        Write("h.txt", "hello");
        string[] inDir = [.. args.Select(a => a.EndsWith(".jsonl", StringComparison.Ordinal) || a.EndsWith(".txt", StringComparison.Ordinal) ? Path.Combine(_dir.FullName, a) : a)];
        (int exit, _, string error) = Run(["lincheck", .. inDir]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableHistory_OrUnwritableHtml_ExitsTwo_AndLeavesNoPage()
    {
        (int missing, _, string missingError) = Run("lincheck", Path.Combine(_dir.FullName, "nope.jsonl"));
        Assert.Equal(2, missing);
        Assert.Contains("cannot read", missingError, StringComparison.Ordinal);

        string history = Write("h.jsonl", """{"process":0,"type":"invoke","f":"get","key":"x"}""");
        string html = Path.Combine(_dir.FullName, "no-such-dir", "view.html");
        (int unwritable, _, string htmlError) = Run("lincheck", "--html", html, history);
        Assert.Equal(2, unwritable);
        Assert.Contains("--html: cannot write", htmlError, StringComparison.Ordinal);

        // A history whose values do not fit the model is refused after the page was opened: the page is removed.
        string page = Path.Combine(_dir.FullName, "page.html");
        (int bad, _, _) = Run("lincheck", "--model", "counter", "--html", page, Write("c.jsonl", """{"process":0,"type":"invoke","f":"add","value":"lots"}"""));
        Assert.Equal(2, bad);
        Assert.False(File.Exists(page));
    }

    [Fact]
    public void Usage_ListsLincheck_AndItsHelpListsEveryModel()
    {
        (int code, _, string error) = Run();
        Assert.Equal(2, code);
        Assert.Contains("-- lincheck [--model M]", error, StringComparison.Ordinal);
        (int help, string output, _) = Run("lincheck", "--help");
        Assert.Equal(0, help);
        foreach (string model in new[] { "kv", "register", "cas-register", "set", "queue", "counter" })
        {
            Assert.Contains($"  {model} ", output, StringComparison.Ordinal);
        }

        Assert.Contains("exit codes: 0 linearizable; 1 not linearizable; 2 bad input; 3 unknown", output, StringComparison.Ordinal);
    }
}
