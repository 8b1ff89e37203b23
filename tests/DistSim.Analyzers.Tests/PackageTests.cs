using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace DistSim.Analyzers.Tests;

/// <summary>
/// The analyzer as a user gets it: src/DistSim packed into a local folder, and a consumer project outside the repository
/// (so the repository's Directory.Build.props and locked restore do not apply) that references only the DistSim
/// package. Its build must show the rules' warnings.
/// </summary>
public class PackageTests
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(3);

    [Fact(DisplayName = "A project referencing only the packed DistSim package gets the DSIM warnings")]
    public async Task PackedPackage_ConsumerBuild_ShowsTheWarnings()
    {
        string repo = RepositoryRoot();
        string configuration = typeof(PackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        // A version of its own, so that no earlier DistSim in the package cache stands in for this build's.
        string version = $"0.0.0-analyzertest.{Environment.ProcessId}.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        string work = Path.Combine(Path.GetTempPath(), "distsim-analyzer-" + version);
        string feed = Path.Combine(work, "feed");
        string consumer = Path.Combine(work, "consumer");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(consumer);
        try
        {
            // The test project references DistSim, so its outputs (and the analyzer's, built as DistSim's references) exist.
            (int packExit, string packOutput) = await Dotnet(repo,
                "pack", Path.Combine(repo, "src", "DistSim", "DistSim.csproj"), "--no-build", "-c", configuration,
                "-o", feed, $"-p:Version={version}", "-nodeReuse:false");
            Assert.True(packExit == 0, "dotnet pack failed:\n" + packOutput);

            string package = Path.Combine(feed, $"DistSim.{version}.nupkg");
            using (ZipArchive zip = ZipFile.OpenRead(package))
            {
                string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
                Assert.Contains("analyzers/dotnet/cs/DistSim.Analyzers.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/DistSim.CodeFixes.dll", entries);
                Assert.Contains("lib/net10.0/DistSim.dll", entries);
                using var nuspec = new StreamReader(zip.GetEntry("DistSim.nuspec")!.Open());
                Assert.DoesNotContain("DistSim.Analyzers", await nuspec.ReadToEndAsync(TestContext.Current.CancellationToken));
            }

            WriteConsumer(consumer, feed, version);
            (int buildExit, string buildOutput) = await Dotnet(consumer, "build", "-nodeReuse:false", "-p:UseSharedCompilation=false");
            Assert.True(buildExit == 0, "the consumer's build failed:\n" + buildOutput);
            string[] expected =
            [
                "Pinger.cs(7,48): warning DSIM001: 'DateTime.UtcNow' reads the machine's wall clock",
                "Jitter.cs(3,58): warning DSIM004: 'new Random()' is not derived from the simulation's seed",
                "(in code reached from node code: Pinger.OnStart → Jitter.Roll)",
            ];
            foreach (string text in expected)
            {
                Assert.True(buildOutput.Contains(text, StringComparison.Ordinal), $"not in the consumer's build output: {text}\n{buildOutput}");
            }

            // DateTime.Now and new Random() outside node code: no warning.
            Assert.False(buildOutput.Contains("Program.cs", StringComparison.Ordinal), buildOutput);
        }
        finally
        {
            TryDelete(work);
            string cached = Path.Combine(GlobalPackages(), "distsim");
            TryDelete(Path.Combine(cached, version));
            if (Directory.Exists(cached) && !Directory.EnumerateFileSystemEntries(cached).Any())
            {
                TryDelete(cached);
            }
        }
    }

    private static void WriteConsumer(string consumer, string feed, string version)
    {
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <RestoreLockedMode>false</RestoreLockedMode>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DistSim" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """);
        // The local folder is added to the machine's sources (no <clear/>): DistSim's own dependencies come from there.
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="distsim-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Pinger.cs"), """
            using DistSim.Nodes;

            namespace Consumer;

            public sealed class Pinger : Node
            {
                public override void OnStart() => Send(Id, DateTime.UtcNow.Ticks + Jitter.Roll());
            }
            """);
        File.WriteAllText(Path.Combine(consumer, "Jitter.cs"), """
            namespace Consumer;

            public static class Jitter { public static int Roll() => new Random().Next(100); }
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            namespace Consumer;

            public static class Program
            {
                public static void Main() => Console.WriteLine($"{DateTime.Now} {new Random().Next()}");
            }
            """);
    }

    /// <summary>Runs <c>dotnet</c> with no standard input and the MSBuild/test-host variables of this process removed.</summary>
    private static async Task<(int Exit, string Output)> Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        var output = new StringBuilder();
        Task stdout = Pump(process.StandardOutput, output);
        Task stderr = Pump(process.StandardError, output);
        using var limit = new CancellationTokenSource(StepLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} took more than {StepLimit}:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        return (process.ExitCode, output.ToString());
    }

    private static async Task Pump(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }

    private static string RepositoryRoot()
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

    private static string GlobalPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
