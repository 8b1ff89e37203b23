using System.Diagnostics;
using System.Text.Json;
using static DistSim.Tests.Support.RunnerCli;

namespace DistSim.Tests.Samples;

/// <summary>
/// <c>--trace</c> and <c>--mermaid</c> against what is not a plain new file: a device, a pipe, a link to the other
/// option's file, and the standard output itself (in a real process, redirected).
/// </summary>
public sealed class OutputTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-target-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool Tool(string name, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(name) { RedirectStandardError = true, RedirectStandardOutput = true };
            args.ToList().ForEach(start.ArgumentList.Add);
            using Process process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [Theory(DisplayName = "A character device is written to (it was 'Invalid argument' after the whole run, exit 1)")]
    [InlineData("two-generals", "--trace", "/dev/null")]
    [InlineData("two-generals", "--mermaid", "/dev/null")]
    [InlineData("two-generals", "--trace", "/dev/null", "--mermaid", "/dev/null")]
    [InlineData("wal-kv", "--writes", "50", "--trace", "/dev/null")]
    public void ADevice_IsWrittenTo_AndTheReportIsOneJsonObject(params string[] args)
    {
        Assert.SkipUnless(File.Exists("/dev/null"), "needs /dev/null");

        (int code, string output, string error) = Run([.. args, "--json"]);

        Assert.True(code == 0, error);
        Assert.Empty(error);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(output).RootElement.ValueKind);
    }

    [Fact(DisplayName = "A named pipe gets the same bytes as a file: the header first, then every event")]
    public async Task APipe_GetsTheSameBytesAsAFile()
    {
        string fifo = Path.Combine(_dir, "pipe");
        Assert.SkipUnless(!OperatingSystem.IsWindows() && Tool("mkfifo", fifo), "needs mkfifo");
        string file = Path.Combine(_dir, "t.jsonl");
        Assert.Equal(0, Run("two-generals", "--strategy", "acks", "--seed", "4", "--trace", file).Code);

        Task<byte[]> reader = Task.Run(() => File.ReadAllBytes(fifo), TestContext.Current.CancellationToken);
        (int code, _, string error) = Run("two-generals", "--strategy", "acks", "--seed", "4", "--trace", fifo);
        if (await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)) != reader)
        {
            new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose(); // unblocks the reader: the runner never opened the pipe

            Assert.Fail("the runner did not write the pipe: " + error);
        }

        Assert.True(code == 0, error);
        Assert.Equal(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken), await reader);
    }

    [Theory(DisplayName = "--mermaid naming the --trace file by another name is refused, and the file is left as it was")]
    [InlineData("symbolic")]
    [InlineData("hard")]
    public void AnotherNameForTheTraceFile_IsRefused_BeforeItIsTouched(string kind)
    {
        string trace = Path.Combine(_dir, "a.jsonl");
        string mermaid = Path.Combine(_dir, "b.md");
        File.WriteAllText(trace, "keep");
        if (kind == "symbolic")
        {
            File.CreateSymbolicLink(mermaid, trace);
        }
        else
        {
            // Told apart from two files only by the inode: the system must say which file a path is (Linux).
            Assert.SkipUnless(OperatingSystem.IsLinux() && Tool("ln", trace, mermaid), "needs ln and Linux");
        }

        (int code, string output, string error) = Run("two-generals", "--trace", trace, "--mermaid", mermaid);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: --mermaid: ", error, StringComparison.Ordinal);
        Assert.Contains(kind == "hard" ? "a hard link" : "both resolve to", error.Split('\n')[0], StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(trace));
    }

    [Theory(DisplayName = "In a real process: --json leaves exactly one JSON object on stdout, or the trace path is refused")]
    [InlineData(2, "exec \"$0\" two-generals --json --trace \"$1\" > \"$1\"")] // stdout redirected to the trace file (it was overwritten)
    [InlineData(2, "exec \"$0\" two-generals --json --trace /dev/stdout")]
    [InlineData(2, "exec \"$0\" two-generals --json --trace /dev/stdout > \"$1\"")]
    [InlineData(2, "exec \"$0\" two-generals --json --mermaid /dev/stderr 2> \"$1\"")]
    [InlineData(2, "exec \"$0\" two-generals --json --trace /dev/stdout > /dev/null")] // refused by its name, wherever stdout goes
    [InlineData(0, "exec \"$0\" two-generals --json --trace /dev/null")]
    [InlineData(0, "exec \"$0\" two-generals --json --trace /dev/null > /dev/null")] // stdout is the null device too: harmless
    [InlineData(0, "exec \"$0\" two-generals --json --trace \"$1\"")]
    public async Task InARealProcess_StdoutHoldsOneJsonObject_OrTheTraceIsRefused(int expected, string script)
    {
        string runner = Path.Combine(AppContext.BaseDirectory, "DistSim.Samples");
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists(runner) && File.Exists("/bin/sh"), "needs Linux, /bin/sh and the samples runner's executable");
        string path = Path.Combine(_dir, "out.jsonl");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-c", script, runner, path })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> reading = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stdout = await reading;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == expected, stderr);
        if (expected == 2)
        {
            Assert.Matches("^error: --(trace|mermaid): .* is (the standard|where the standard)", stderr.Length > 0 ? stderr : File.ReadAllText(path));
            Assert.Empty(stdout);
            return;
        }

        string json = script.Contains("> /dev/null", StringComparison.Ordinal) ? "{}" : stdout;
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.ValueKind);
        if (script.EndsWith("\"$1\"", StringComparison.Ordinal))
        {
            Assert.StartsWith("{\"kind\":\"run\"", File.ReadAllText(path), StringComparison.Ordinal);
        }
    }
}
