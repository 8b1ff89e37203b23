using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DistSim.Package.Tests;

/// <summary>What is inside the packed packages: metadata, the README, dependency floors, symbols with the sources.</summary>
public partial class PackageContentsTests(PackedFeed feed)
{
    /// <summary>The GUID of a portable PDB's embedded-source custom debug information.</summary>
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Theory]
    [InlineData("DistSim")]
    [InlineData("DistSim.Testing")]
    [InlineData("DistSim.Templates")]
    public void Nuspec_NamesTheProject_ItsRepository_ItsLicence_AndItsReadme(string id)
    {
        XElement metadata = Nuspec(id);

        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        string url = Value(metadata, "projectUrl");
        Assert.StartsWith("https://", url, StringComparison.Ordinal);
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(url, repository.Attribute("url")?.Value);
        Assert.False(string.IsNullOrEmpty(Value(metadata, "description")));
    }

    [Fact]
    public void DistSim_DependsOnTheLowestVersionsThatWork_NotTheNewest()
    {
        XElement metadata = Nuspec("DistSim");
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);

        Assert.Equal("8.0.0", dependencies["Microsoft.Extensions.Logging.Abstractions"]);
        Assert.Equal("8.0.0", dependencies["System.IO.Hashing"]);
        Assert.Equal("5.0.0", dependencies["MathNet.Numerics"]);
        Assert.Equal(3, dependencies.Count);
    }

    [Fact]
    public void DistSimTesting_DependsOnThisDistSim()
    {
        var dependencies = Nuspec("DistSim.Testing").Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);

        Assert.Equal(feed.Version, dependencies["DistSim"]);
    }

    /// <summary>A package page shows the README outside the repository: every link must be absolute and lead to a file of this repository.</summary>
    [Theory]
    [InlineData("DistSim")]
    [InlineData("DistSim.Testing")]
    [InlineData("DistSim.Templates")]
    public void Readme_LinksAreAbsolute_AndNameFilesThatExist(string id)
    {
        string readme = Entry(feed.PackageFile(id), "README.md");
        string url = Value(Nuspec(id), "projectUrl");
        MatchCollection links = Link().Matches(readme);

        Assert.NotEmpty(links);
        foreach (Match link in links)
        {
            string target = link.Groups[1].Value;
            Assert.True(target.StartsWith(url + "/blob/main/", StringComparison.Ordinal), $"{id}: '{target}' is not an absolute link into {url}");
            string file = target[(url.Length + "/blob/main/".Length)..].Split('#')[0];
            Assert.True(File.Exists(Path.Combine(feed.Repository, file)), $"{id}: '{target}' names {file}, which is not in the repository");
        }
    }

    /// <summary>
    /// The symbols package has DistSim's portable PDB, matching the dll in the package, with every source file embedded:
    /// a debugger steps into DistSim with no checkout and no network.
    /// </summary>
    [Theory]
    [InlineData("DistSim", "Simulation/Simulation.cs")]
    [InlineData("DistSim.Testing", "SeedProperty.cs")]
    public void SymbolsPackage_HasThePdbOfThePackedDll_WithTheSourcesEmbedded(string id, string knownSource)
    {
        using ZipArchive symbols = ZipFile.OpenRead(feed.PackageFile(id, ".snupkg"));
        using ZipArchive package = ZipFile.OpenRead(feed.PackageFile(id));
        using var pdbStream = new MemoryStream();
        symbols.GetEntry($"lib/net10.0/{id}.pdb")!.Open().CopyTo(pdbStream);
        using var dllStream = new MemoryStream();
        package.GetEntry($"lib/net10.0/{id}.dll")!.Open().CopyTo(dllStream);
        pdbStream.Position = 0;
        dllStream.Position = 0;

        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        MetadataReader pdb = pdbProvider.GetMetadataReader();
        using var pe = new PEReader(dllStream);
        CodeViewDebugDirectoryData codeView = pe.ReadCodeViewDebugDirectoryData(pe.ReadDebugDirectory().First(d => d.Type == DebugDirectoryEntryType.CodeView));
        Assert.Equal(codeView.Guid, new BlobContentId(pdb.DebugMetadataHeader!.Id).Guid); // the PDB belongs to this dll

        var documents = pdb.Documents.Select(h => (Handle: h, Name: pdb.GetString(pdb.GetDocument(h).Name))).ToList();
        Assert.Contains(documents, d => d.Name.Replace('\\', '/').EndsWith("/" + knownSource, StringComparison.Ordinal));
        var embedded = pdb.CustomDebugInformation.Select(pdb.GetCustomDebugInformation)
            .Where(c => pdb.GetGuid(c.Kind) == EmbeddedSource).Select(c => c.Parent).ToHashSet();
        Assert.All(documents.Where(d => d.Name.EndsWith(".cs", StringComparison.Ordinal)), d => Assert.Contains((EntityHandle)d.Handle, embedded));
    }

    [Fact]
    public void Template_PackageIsATemplate_WithTheProjectAndThisVersionBakedIn()
    {
        XElement metadata = Nuspec("DistSim.Templates");
        Assert.Contains(metadata.Descendants(), e => e.Name.LocalName == "packageType" && e.Attribute("name")?.Value == "Template");

        string template = Entry(feed.PackageFile("DistSim.Templates"), "content/distsim-test/.template.config/template.json");
        using (var parsed = System.Text.Json.JsonDocument.Parse(template)) // baked whole: a ';' or '%' in it survives
        {
            Assert.Contains("protocol under DistSim; an example protocol", parsed.RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Contains("100% deterministic", parsed.RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        Assert.Contains($"\"defaultValue\": \"{feed.Version}\"", template, StringComparison.Ordinal);
        Assert.Contains("\"shortName\": \"distsim-test\"", template, StringComparison.Ordinal);
        Assert.NotNull(Entry(feed.PackageFile("DistSim.Templates"), "content/distsim-test/ProtocolTests.cs"));
    }

    private XElement Nuspec(string id) =>
        XDocument.Parse(Entry(feed.PackageFile(id), id + ".nuspec")).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Value(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    private static string Entry(string package, string path)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry(path)?.Open() ?? throw new InvalidOperationException($"{path} is not in {package}"));
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
