using System.Reflection;

namespace DistSim.Tests.Docs;

public class DocSnippetTests
{
    public static TheoryData<string> Snippets() => [.. DocSnippets.All().Select(s => s.ToString())];

    private static DocSnippet Find(string where) => DocSnippets.All().Single(s => s.ToString() == where);

    /// <summary>The extraction finds the snippets (each is compiled alone: one without its using lines fails with CS0246).</summary>
    [Fact]
    public void TheDocsHaveSnippets()
    {
        IReadOnlyList<DocSnippet> all = DocSnippets.All();

        Assert.True(all.Count >= 16, $"only {all.Count} C# snippets found: is the extraction broken?");
        Assert.Contains(all, s => s.File == "README.md" && s.Code.Contains("[Fact]", StringComparison.Ordinal));
    }

    /// <summary>Every C# snippet of README.md and docs/ compiles on its own against the library, as a user would paste it.</summary>
    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_Compiles(string where)
    {
        DocSnippet snippet = Find(where);
        if (snippet.ExcerptOf is { } source)
        {
            // An excerpt of compiled, tested code: it must match that code, line by line.
            string? missing = DocSnippets.FirstLineNotInSource(snippet);
            Assert.True(missing is null, $"{where} is marked as an excerpt of {source}, but this line is not there (in order): {missing}");
            return;
        }

        (byte[]? assembly, IReadOnlyList<string> errors) = DocSnippets.Compile(snippet);

        Assert.True(assembly is not null, $"{where} does not compile:\n{string.Join('\n', errors)}\n---\n{snippet.Code}");
    }

    /// <summary>A snippet that is a test ([Fact]) is run, and must pass.</summary>
    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task Snippet_ThatIsATest_Passes(string where)
    {
        DocSnippet snippet = Find(where);
        if (snippet.ExcerptOf is not null || !snippet.Code.Contains("[Fact", StringComparison.Ordinal))
        {
            return;
        }

        (byte[]? bytes, IReadOnlyList<string> errors) = DocSnippets.Compile(snippet);
        Assert.True(bytes is not null, string.Join('\n', errors));
        Assembly assembly = Assembly.Load(bytes);
        MethodInfo[] facts = [.. assembly.GetTypes().SelectMany(t => t.GetMethods()).Where(m => m.GetCustomAttributes().Any(a => a.GetType().Name == "FactAttribute"))];
        Assert.NotEmpty(facts);
        foreach (MethodInfo fact in facts)
        {
            object? instance = fact.IsStatic ? null : Activator.CreateInstance(fact.DeclaringType!);
            try
            {
                if (fact.Invoke(instance, null) is Task task)
                {
                    await task;
                }
            }
            finally
            {
                (instance as IDisposable)?.Dispose();
            }
        }
    }

    [Fact]
    public void AnExcerptThatDriftedFromItsSource_IsCaught()
    {
        var good = new DocSnippet("test.md", 1, "public sealed class AbdReplica : Node\n{\n    …\n    public Tag Tag { get; private set; }", "samples/DistSim.Samples/Abd/AbdNodes.cs");
        var drifted = good with { Code = good.Code.Replace("private set", "set", StringComparison.Ordinal) };

        Assert.Null(DocSnippets.FirstLineNotInSource(good));
        Assert.Equal("public Tag Tag { get; set; }", DocSnippets.FirstLineNotInSource(drifted));
    }

    [Fact]
    public void Fences_AreReadAsCommonMarkReadsThem()
    {
        string[] page =
        [
            "```CSharp title=\"Example.cs\"", "class A;", "```",
            "````csharp", "// a fence inside: ```", "class B;", "````",
            "~~~cs", "class C;", "~~~",
            "```text", "not code", "```",
            "```c#", "class D;", "```",
        ];

        IReadOnlyList<DocSnippet> found = DocSnippets.Parse("page.md", page);

        Assert.Equal(["class A;", "// a fence inside: ```\nclass B;", "class C;", "class D;"], found.Select(s => s.Code));
        Assert.Equal([1, 4, 8, 14], found.Select(s => s.Line));
    }

    [Fact]
    public void AnExcerptNamingAWrongNamespace_IsCaught()
    {
        var wrong = new DocSnippet("test.md", 1, "using DistSim.Nowhere;\npublic sealed class AbdReplica : Node", "samples/DistSim.Samples/Abd/AbdNodes.cs");

        Assert.Equal("using DistSim.Nowhere;", DocSnippets.FirstLineNotInSource(wrong));
    }

    [Fact]
    public void ABrokenSnippet_IsCaught()
    {
        var broken = new DocSnippet("test.md", 1, "using DistSim;\nvar sim = new Simulation(new SimulationOptions { Seed = 1 });\nsim.NoSuchMethod();");
        var missingUsing = new DocSnippet("test.md", 2, "var sim = new Simulation(new SimulationOptions { Seed = 1 });");

        Assert.Contains(DocSnippets.Compile(broken).Errors, e => e.Contains("NoSuchMethod", StringComparison.Ordinal));
        Assert.Contains(DocSnippets.Compile(missingUsing).Errors, e => e.Contains("CS0246", StringComparison.Ordinal));
        Assert.NotNull(DocSnippets.Compile(new DocSnippet("test.md", 3, "using DistSim;\nvar sim = new Simulation(new SimulationOptions { Seed = 1 });\nsim.Run();")).Assembly);
    }
}
