using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DistSim.Tests.Docs;

/// <summary>One fenced C# block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository.</param>
/// <param name="Line">The line of its opening fence.</param>
/// <param name="Code">The code.</param>
/// <param name="ExcerptOf">Set by a <c>&lt;!-- excerpt: path --&gt;</c> comment just above the fence: the block is an excerpt of that
/// repository file (checked line by line, in order) rather than a program of its own.</param>
public sealed record DocSnippet(string File, int Line, string Code, string? ExcerptOf = null)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Finds the C# snippets of README.md and docs/, and compiles them as a user's project would.</summary>
public static partial class DocSnippets
{
    /// <summary>What an SDK project with ImplicitUsings (the template default) has in scope; DistSim's namespaces are not among them.</summary>
    private const string ImplicitUsings =
        "global using global::System;\nglobal using global::System.Collections.Generic;\nglobal using global::System.IO;\nglobal using global::System.Linq;\n" +
        "global using global::System.Net.Http;\nglobal using global::System.Threading;\nglobal using global::System.Threading.Tasks;\n";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "DistSim.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("DistSim.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every Markdown file users read: the README and docs/.</summary>
    public static IEnumerable<string> MarkdownFiles()
    {
        string root = RepositoryRoot();
        yield return Path.Combine(root, "README.md");
        foreach (string f in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return f;
        }
    }

    public static IReadOnlyList<DocSnippet> All()
    {
        string root = RepositoryRoot();
        var snippets = new List<DocSnippet>();
        foreach (string file in MarkdownFiles())
        {
            snippets.AddRange(Parse(Path.GetRelativePath(root, file).Replace('\\', '/'), File.ReadAllLines(file)));
        }

        return snippets;
    }

    /// <summary>
    /// The C# blocks of one Markdown text, as CommonMark reads fences: three or more backticks or tildes, an info string
    /// whose first word is the language (any case: csharp, cs, c#), closed by a fence of the same character at least as
    /// long with nothing after it.
    /// </summary>
    public static IReadOnlyList<DocSnippet> Parse(string file, string[] lines)
    {
        var snippets = new List<DocSnippet>();
        {
            for (int i = 0; i < lines.Length; i++)
            {
                Match open = Fence().Match(lines[i]);
                if (!open.Success)
                {
                    continue;
                }

                string fence = open.Groups["fence"].Value;
                int start = i;
                var code = new List<string>();
                for (i++; i < lines.Length && !IsClosing(lines[i], fence); i++)
                {
                    code.Add(lines[i]);
                }

                if (open.Groups["lang"].Value.ToLowerInvariant() is "csharp" or "cs" or "c#")
                {
                    string? excerpt = null;
                    int above = start - 1;
                    while (above >= 0 && lines[above].Trim().Length == 0)
                    {
                        above--;
                    }

                    if (above >= 0 && Excerpt().Match(lines[above]) is { Success: true } m)
                    {
                        excerpt = m.Groups["path"].Value;
                    }

                    snippets.Add(new DocSnippet(file, start + 1, string.Join('\n', code), excerpt));
                }
            }
        }

        return snippets;

        static bool IsClosing(string line, string fence)
        {
            string t = line.Trim();
            return t.Length >= fence.Length && t.All(c => c == fence[0]);
        }
    }

    /// <summary>Compiles a snippet alone (top-level statements make it a program); returns the assembly or the errors.</summary>
    public static (byte[]? Assembly, IReadOnlyList<string> Errors) Compile(DocSnippet snippet)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(snippet.Code, parse, path: snippet.ToString());
        SyntaxTree usings = CSharpSyntaxTree.ParseText(ImplicitUsings, parse, path: "ImplicitUsings.cs");
        bool program = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet_" + Regex.Replace(snippet.ToString(), "[^A-Za-z0-9]", "_"),
            [usings, tree],
            References.Value,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        string[] errors = [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
        return (result.Success ? stream.ToArray() : null, errors);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string p in ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator))
        {
            paths.Add(p);
        }

        foreach (string p in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            string name = Path.GetFileName(p);
            if (!paths.Any(q => Path.GetFileName(q).Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                paths.Add(p);
            }
        }

        return [.. paths.Where(IsManaged).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether every line of an excerpt appears in its file, in order (indentation and "…" elision lines aside); returns the
    /// first line that does not.
    /// </summary>
    public static string? FirstLineNotInSource(DocSnippet snippet)
    {
        string path = Path.Combine(RepositoryRoot(), snippet.ExcerptOf!);
        if (!File.Exists(path))
        {
            return $"(the file {snippet.ExcerptOf} does not exist)";
        }

        string[] source = [.. File.ReadAllLines(path).Select(l => l.Trim())];
        foreach (string line in snippet.Code.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("using ", StringComparison.Ordinal)))
        {
            // The file may get a namespace from its own (a test in DistSim.Tests.X sees DistSim without a using), but the
            // reader's using lines must at least name namespaces that exist.
            if (Compile(snippet with { Code = line, ExcerptOf = null }).Assembly is null)
            {
                return line;
            }
        }

        int at = 0;
        // Using lines are checked above (present anywhere: the file may order them otherwise); the code, in order.
        foreach (string line in snippet.Code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l is not ("…" or "// …") && !l.StartsWith("using ", StringComparison.Ordinal)))
        {
            while (at < source.Length && source[at] != line)
            {
                at++;
            }

            if (at == source.Length)
            {
                return line;
            }

            at++;
        }

        return null;
    }

    [GeneratedRegex(@"^\s*<!--\s*excerpt:\s*(?<path>\S+)\s*-->\s*$")]
    private static partial Regex Excerpt();

    [GeneratedRegex(@"^\s{0,3}(?<fence>`{3,}|~{3,})\s*(?<lang>[^\s`]*)[^`]*$")]
    private static partial Regex Fence();
}
