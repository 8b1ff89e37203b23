using System.Diagnostics;
using System.Text;

namespace DistSim.Package.Tests;

/// <summary>Runs the <c>dotnet</c> CLI for the package tests, and finds the repository and the package cache.</summary>
internal static class Dotnet
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>dotnet</c> with no standard input and the MSBuild/test-host variables of this process removed.</summary>
    public static async Task<(int Exit, string Output)> Run(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
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
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DISTSIM_", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

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

    /// <summary>Runs <c>dotnet</c> and fails the test with its output unless it exits 0.</summary>
    public static async Task<string> Succeed(string directory, params string[] arguments) => await Succeed(directory, null, arguments);

    /// <summary>Runs <c>dotnet</c> with extra environment variables and fails the test with its output unless it exits 0.</summary>
    public static async Task<string> Succeed(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        (int exit, string output) = await Run(directory, environment, arguments);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', arguments)} exited {exit}:\n{output}");
        return output;
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

    /// <summary>The repository's root (where DistSim.sln is).</summary>
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

    /// <summary>NuGet's global packages folder.</summary>
    public static string GlobalPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Deletes a folder if it is there; a leftover temporary folder is harmless.</summary>
    public static void TryDelete(string directory)
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
            // Harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Harmless.
        }
    }

    /// <summary>Copies a folder's files (not its bin and obj) to another.</summary>
    public static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>A NuGet.config that adds <paramref name="feed"/> to the machine's sources (no clear: dependencies come from there).</summary>
    public static void WriteNuGetConfig(string directory, string feed) =>
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="distsim-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
}
