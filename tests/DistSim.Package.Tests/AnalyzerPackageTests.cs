using System.IO.Compression;

namespace DistSim.Package.Tests;

/// <summary>
/// The analyzer as a user gets it: a consumer project outside the repository (so the repository's Directory.Build.props
/// and locked restore do not apply) that references only the packed DistSim package. Its build must show the rules'
/// warnings.
/// </summary>
public class AnalyzerPackageTests(PackedFeed feed)
{
    [Fact(DisplayName = "A project referencing only the packed DistSim package gets the DSIM warnings")]
    public async Task PackedPackage_ConsumerBuild_ShowsTheWarnings()
    {
        string package = feed.PackageFile("DistSim");
        using (ZipArchive zip = ZipFile.OpenRead(package))
        {
            string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("analyzers/dotnet/cs/DistSim.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/DistSim.CodeFixes.dll", entries);
            Assert.Contains("lib/net10.0/DistSim.dll", entries);
            using var nuspec = new StreamReader(zip.GetEntry("DistSim.nuspec")!.Open());
            Assert.DoesNotContain("DistSim.Analyzers", await nuspec.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        string consumer = feed.NewFolder("analyzer-consumer");
        WriteConsumer(consumer, feed.Feed, feed.Version);
        (int buildExit, string buildOutput) = await Dotnet.Run(consumer, null, "build", "-nodeReuse:false", "-p:UseSharedCompilation=false");
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
        Dotnet.WriteNuGetConfig(consumer, feed);
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
}
