using System.Reflection;

[assembly: AssemblyFixture(typeof(DistSim.Package.Tests.PackedFeed))]

// The tests run dotnet builds of their own; one at a time keeps the two cores for them.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace DistSim.Package.Tests;

/// <summary>
/// DistSim, DistSim.Testing and DistSim.Templates packed once per test run, from this configuration's outputs, into a
/// local feed under a version of their own (so that no earlier build in the package cache stands in for this one's);
/// the versions are removed from the package cache at the end.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>The packages packed, by id.</summary>
    public static readonly string[] Packages = ["DistSim", "DistSim.Testing", "DistSim.Templates"];

    private static readonly string[] Projects = ["src/DistSim/DistSim.csproj", "src/DistSim.Testing/DistSim.Testing.csproj", "templates/DistSim.Templates/DistSim.Templates.csproj"];

    /// <summary>The repository's root.</summary>
    public string Repository { get; } = Dotnet.RepositoryRoot();

    /// <summary>The version the packages were packed with.</summary>
    public string Version { get; } = $"0.1.0-test.{Environment.ProcessId}.{DateTime.UtcNow:yyyyMMddHHmmssfff}"; // determinism-ok: a unique package version per test run

    /// <summary>A temporary folder for this run: the feed and the projects that consume it.</summary>
    public string Work { get; private set; } = string.Empty;

    /// <summary>The local feed.</summary>
    public string Feed => Path.Combine(Work, "feed");

    /// <summary>The path of a packed file in the feed, e.g. <c>DistSim</c> + <c>.snupkg</c>.</summary>
    public string PackageFile(string id, string extension = ".nupkg") => Path.Combine(Feed, $"{id}.{Version}{extension}");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Work = Path.Combine(Path.GetTempPath(), "distsim-package-" + Version);
        Directory.CreateDirectory(Feed);
        string configuration = typeof(PackedFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        foreach (string project in Projects)
        {
            await Dotnet.Succeed(Repository, "pack", Path.Combine(Repository, project), "--no-build", "-c", configuration, "-o", Feed, $"-p:Version={Version}", "-nodeReuse:false");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dotnet.TryDelete(Work);
        foreach (string id in Packages)
        {
            string cached = Path.Combine(Dotnet.GlobalPackages(), id.ToLowerInvariant());
            Dotnet.TryDelete(Path.Combine(cached, Version));
            if (Directory.Exists(cached) && !Directory.EnumerateFileSystemEntries(cached).Any())
            {
                Dotnet.TryDelete(cached);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh folder under <see cref="Work"/>.</summary>
    public string NewFolder(string name)
    {
        string folder = Path.Combine(Work, name);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
