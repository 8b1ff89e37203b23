using System.Reflection;
using System.Text.RegularExpressions;
using DistSim.Nodes;
using DistSim.Storage;
using DistSim.Tracing;

namespace DistSim.Tests.Docs;

/// <summary>What the docs say about the API in prose — `Type.Member` in inline code, lists of kinds — matches the API.</summary>
public partial class DocReferenceTests
{
    /// <summary>Names the docs use for an object rather than its type.</summary>
    private static readonly Dictionary<string, Type> Aliases = new(StringComparer.Ordinal)
    {
        ["Context"] = typeof(INodeContext),
        ["ctx"] = typeof(INodeContext),
        ["Storage"] = typeof(DurableStorage),
        ["sim"] = typeof(Simulation),
        ["simulation"] = typeof(Simulation),
    };

    private static readonly Lazy<Dictionary<string, Type[]>> PublicTypes = new(() =>
        new[] { typeof(Simulation).Assembly, typeof(DistSim.Testing.SeedProperty).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .GroupBy(t => Regex.Replace(t.Name, "`.*", string.Empty), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal));

    /// <summary>Every `Type.Member` (or `Type.Member(…)`) in inline code, where Type is a public DistSim type or a known alias, names a member that exists.</summary>
    [Fact]
    public void EveryTypeDotMemberInTheDocs_Exists()
    {
        var wrong = new List<string>();
        int checkedCount = 0;
        foreach (string file in DocSnippets.MarkdownFiles())
        {
            string text = FencedBlock().Replace(File.ReadAllText(file), string.Empty);
            foreach (Match code in InlineCode().Matches(text))
            {
                if (code.Groups[1].Value.EndsWith(".cs", StringComparison.Ordinal) || code.Groups[1].Value.Contains('/', StringComparison.Ordinal) && !code.Groups[1].Value.Contains('.', StringComparison.Ordinal))
                {
                    continue; // a file name or a path
                }

                foreach (Match reference in MemberReference().Matches(code.Groups[1].Value))
                {
                    string type = reference.Groups["type"].Value;
                    Type[]? candidates = Aliases.TryGetValue(type, out Type? alias) ? [alias] : PublicTypes.Value.GetValueOrDefault(type);
                    if (candidates is null)
                    {
                        continue;
                    }

                    // `Storage.Put/TryGet/Delete` names three members.
                    foreach (string member in reference.Groups["member"].Captures.Select(c => c.Value))
                    {
                        checkedCount++;
                        if (!candidates.Any(t => HasMember(t, member)))
                        {
                            wrong.Add($"{Path.GetRelativePath(DocSnippets.RepositoryRoot(), file)}: `{code.Groups[1].Value}` — {type} has no member {member}");
                        }
                    }
                }
            }
        }

        Assert.True(checkedCount > 50, $"only {checkedCount} references checked: is the scan broken?");
        Assert.True(wrong.Count == 0, "the docs name members that do not exist:\n" + string.Join('\n', wrong.Distinct()));
    }

    /// <summary>The trace page lists every kind of trace event, by its exported name.</summary>
    [Fact]
    public void TheTracePage_ListsEveryEventKind()
    {
        string page = File.ReadAllText(Path.Combine(DocSnippets.RepositoryRoot(), "docs", "concepts", "trace.md"));
        string[] missing = [.. Enum.GetNames<TraceEventKind>().Where(name => !page.Contains($"`{name}`", StringComparison.Ordinal))];

        Assert.True(missing.Length == 0, "docs/concepts/trace.md does not list: " + string.Join(", ", missing));
    }

    /// <summary>
    /// The nodes page's table of what a node can use: every member is on <see cref="INodeContext"/>, the ones marked as
    /// shortcuts are on <see cref="Node"/> too (and the others are not), and no context member is left out.
    /// </summary>
    [Fact]
    public void TheNodesPage_TableOfContextMembers_MatchesTheApi()
    {
        string[] lines = File.ReadAllLines(Path.Combine(DocSnippets.RepositoryRoot(), "docs", "concepts", "nodes.md"));
        int header = Array.FindIndex(lines, l => l.StartsWith("| `Context` member |", StringComparison.Ordinal));
        Assert.True(header >= 0, "nodes.md has no table headed '| `Context` member |'");
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (string row in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            string[] cells = row.Split('|', StringSplitOptions.TrimEntries);
            bool shortcut = cells[2].StartsWith("yes", StringComparison.Ordinal);
            foreach (Match m in Regex.Matches(cells[1], @"`(\w+)"))
            {
                string member = m.Groups[1].Value;
                listed.Add(member);
                if (!HasMember(typeof(INodeContext), member))
                {
                    wrong.Add($"{member} is not on INodeContext");
                }

                if (shortcut != HasMember(typeof(Node), member))
                {
                    wrong.Add($"{member} is {(shortcut ? "said to be" : "not said to be")} a shortcut on Node, but it {(shortcut ? "is not" : "is")}");
                }
            }
        }

        wrong.AddRange(typeof(INodeContext).GetMembers().Where(m => m is not MethodInfo { IsSpecialName: true }).Select(m => m.Name).Distinct()
            .Where(name => !listed.Contains(name)).Select(name => $"INodeContext.{name} is not in the table"));
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>Every relative link of README.md and docs/ points at a file of the repository.</summary>
    [Fact]
    public void EveryRelativeLink_PointsAtAFile()
    {
        var dead = new List<string>();
        foreach (string file in DocSnippets.MarkdownFiles())
        {
            string text = FencedBlock().Replace(File.ReadAllText(file), string.Empty);
            foreach (Match link in MarkdownLink().Matches(text))
            {
                string target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    dead.Add($"{Path.GetRelativePath(DocSnippets.RepositoryRoot(), file)}: {link.Value}");
                }
            }
        }

        Assert.True(dead.Count == 0, "dead links:\n" + string.Join('\n', dead));
    }

    [Fact]
    public void TheScan_CatchesAWrongMember()
    {
        Assert.False(HasMember(typeof(DurableStorage), "Get"));
        Assert.True(HasMember(typeof(DurableStorage), "GetString"));
        Assert.False(HasMember(typeof(Node), "Nodes"));
        Assert.True(HasMember(typeof(INodeContext), "Nodes"));
    }

    private static bool HasMember(Type type, string name)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        for (Type? t = type; t is not null; t = t.BaseType)
        {
            if (t.GetMember(name, flags).Any(m => IsVisible(m)) || t.GetNestedType(name, BindingFlags.Public) is not null)
            {
                return true;
            }
        }

        return type.IsInterface && type.GetInterfaces().Any(i => HasMember(i, name));
    }

    private static bool IsVisible(MemberInfo m) => m switch
    {
        MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly,
        PropertyInfo property => property.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        FieldInfo field => field.IsPublic || field.IsFamily,
        EventInfo => true,
        Type nested => nested.IsNestedPublic,
        _ => false,
    };

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?<![\w.])(?<type>[A-Za-z_]\w*)\.(?<member>[A-Z]\w*)(?:/(?<member>[A-Z]\w*))*")]
    private static partial Regex MemberReference();
}
