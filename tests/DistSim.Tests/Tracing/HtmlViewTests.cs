using System.Diagnostics;
using System.Text.RegularExpressions;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Tracing;

namespace DistSim.Tests.Tracing;

/// <summary>
/// The HTML space-time view, loaded in a real headless Chromium (Debian's <c>chromium</c>; <c>.ci/run</c> installs it
/// when missing): the test reads the DOM the page's script built and takes a screenshot.
/// </summary>
public sealed partial class HtmlViewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distsim-html-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Page_IsSelfContained()
    {
        string html = ExportRuns.Run(2, 0).Trace.ToHtml();

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", html); // nothing fetched
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(html, "</script>\\s*<script>")); // the data block cannot close early
    }

    [Fact]
    public void APayloadWithMarkup_CannotBreakOutOfThePage()
    {
        Simulation sim = Sims.Create(1);
        sim.AddNode("A", () => new Shouter("</script><script>alert(1)</script>"));
        sim.AddNode("B", () => new Receiver());
        sim.Run();

        string html = sim.Trace.ToHtml("<b>title</b>");

        Assert.DoesNotContain("alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;title&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    /// <summary>The data block is streamed into the page in chunks: every event arrives whole, non-ASCII text included.</summary>
    [Fact]
    public void DataBlock_HoldsEveryEvent_OfALongRun_WithItsText()
    {
        Simulation sim = Sims.Create(4);
        sim.AddNode("Ωmega", () => new Shouter("héllo wörld ✓ ünïcode"));
        sim.AddNode("B", () => new Receiver());
        sim.AddNode("C", () => new Chatter(3, 3000));
        sim.Run();
        Assert.True(sim.Trace.Events.Count > 3 * 4096, $"{sim.Trace.Events.Count} events: too few to span several chunks");

        string html = sim.Trace.ToHtml();
        Match data = Regex.Match(html, "<script id=\"distsim-data\" type=\"application/json\">(.*?)</script>", RegexOptions.Singleline);
        using var doc = System.Text.Json.JsonDocument.Parse(data.Groups[1].Value);

        System.Text.Json.JsonElement rows = doc.RootElement.GetProperty("ev");
        Assert.Equal(sim.Trace.Events.Count, rows.GetArrayLength());
        Assert.Equal(sim.Trace.Events[^1].Index, rows[rows.GetArrayLength() - 1][0].GetInt64());
        Assert.Contains(rows.EnumerateArray(), r => r[9].GetString() == "héllo wörld ✓ ünïcode");
        Assert.Contains(doc.RootElement.GetProperty("nodes").EnumerateArray(), n => n[1].GetString() == "Ωmega");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Browser_DrawsLanesArrowsDropsAndMarks(int shape)
    {
        Simulation sim = ExportRuns.Run(11, shape);
        IReadOnlyList<TraceEvent> events = sim.Trace.Events;
        string dom = Dom(sim, string.Empty);

        Assert.Equal(3, Regex.Count(dom, "<g class=\"lane\" data-node=\"node [ABC]\""));
        int arrivals = events.Count(e => e.Kind is TraceEventKind.Deliver or TraceEventKind.DuplicateSuppressed or TraceEventKind.Rejected or TraceEventKind.Stale);
        Assert.Equal(arrivals, Regex.Count(dom, "<line class=\"arrow"));
        Assert.Equal(events.Count(e => e.Kind == TraceEventKind.Deliver), Regex.Count(dom, "<line class=\"arrow[ \"](?!duplicate-suppressed|stale|rejected)"));
        Assert.Equal(events.Count(e => e.Kind == TraceEventKind.Drop), Regex.Count(dom, "<g class=\"drop-mark\""));
        foreach (string kind in new[] { "crash", "restart", "partition", "heal", "duplicate", "byzantine", "forged", "replayed" })
        {
            int expected = events.Count(e => JsonKind(e.Kind) == kind);
            Assert.Equal(expected, Regex.Count(dom, $"<g class=\"mark {kind}\""));
        }

        Assert.Equal(shape == 2, dom.Contains("<rect class=\"down\"", StringComparison.Ordinal)); // the crashed node's down time is shaded
        Assert.Equal(shape == 3, dom.Contains("<rect class=\"cut\"", StringComparison.Ordinal)); // and the partition's span
        Assert.Equal(shape == 4, dom.Contains("<g class=\"mark byzantine\"", StringComparison.Ordinal)); // the liar's deviations
        Assert.Matches($"data-arrows=\"{arrivals}\"", dom);
    }

    [Fact]
    public void Browser_FiltersByNodeAndType_AndShowsAClickedEvent()
    {
        Simulation sim = ExportRuns.Run(5, 0);
        IReadOnlyList<TraceEvent> events = sim.Trace.Events;
        TraceEvent delivery = events.First(e => e.Kind == TraceEventKind.Deliver && e.Payload is Pong);

        string hidden = Dom(sim, "#hide=node%20B&hidetypes=Pong");
        Assert.Equal(2, Regex.Count(hidden, "<g class=\"lane\""));
        Assert.DoesNotContain("data-node=\"node B\"", hidden, StringComparison.Ordinal);
        int expected = events.Count(e => e.Kind == TraceEventKind.Deliver && e.Payload is Ping && e.Node.Value != 1 && e.Peer!.Value.Value != 1);
        Assert.Equal(expected, Regex.Count(hidden, "<line class=\"arrow"));
        Assert.Contains("<input type=\"checkbox\" value=\"node B\">", hidden, StringComparison.Ordinal); // unchecked

        string selected = Dom(sim, $"#select={delivery.Index}");
        Match details = Regex.Match(selected, "<pre id=\"details\" data-event=\"(\\d+)\">([^<]*)");
        Assert.True(details.Success, "the details panel names the selected event");
        Assert.Equal(delivery.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), details.Groups[1].Value);
        string text = System.Net.WebUtility.HtmlDecode(details.Groups[2].Value);
        Assert.Contains($"#{delivery.Index} ", text, StringComparison.Ordinal);
        Assert.Contains($"deliver  {sim.Trace.NodeName(delivery.Node)} <- {sim.Trace.NodeName(delivery.Peer!.Value)}", text, StringComparison.Ordinal);
        Assert.Contains("send  " + sim.Trace.NodeName(delivery.Peer!.Value), text, StringComparison.Ordinal); // the arrow's other end
        Assert.Contains("class=\"arrow selected\"", selected, StringComparison.Ordinal);

        // A window narrower than floating point can step through is widened to 1 us, not an endless axis loop.
        string tiny = Dom(sim, "#window=100,100.00000000000001");
        Match window = Regex.Match(tiny, "data-from=\"([^\"]+)\" data-to=\"([^\"]+)\"");
        Assert.True(window.Success, "the status names the window it shows");
        double span = double.Parse(window.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) - double.Parse(window.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(span, 0.9e-6, 1.1e-6);

        string zoomed = Dom(sim, "#window=0.02,0.03");
        Assert.Contains("showing 0.020000 s to 0.030000 s", zoomed, StringComparison.Ordinal);
        Assert.True(Regex.Count(zoomed, "<line class=\"arrow") < Regex.Count(Dom(sim, string.Empty), "<line class=\"arrow"));
    }

    [Fact]
    public void Browser_TakesAScreenshot()
    {
        string page = Write(ExportRuns.Run(3, 2));
        string png = Path.Combine(_dir, "view.png");

        Chromium($"--screenshot={png} --window-size=1200,600 \"file://{page}\"");

        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 5_000, $"screenshot of {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    private static string JsonKind(TraceEventKind kind) => kind switch
    {
        TraceEventKind.Crash => "crash",
        TraceEventKind.Restart => "restart",
        TraceEventKind.Partition => "partition",
        TraceEventKind.Heal => "heal",
        TraceEventKind.Duplicate => "duplicate",
        TraceEventKind.Byzantine => "byzantine",
        TraceEventKind.Forged => "forged",
        TraceEventKind.Replayed => "replayed",
        _ => "other",
    };

    private string Write(Simulation sim)
    {
        string page = Path.Combine(_dir, $"t{sim.Options.Seed}-{Guid.NewGuid():N}.html"); // determinism-ok: a temp file name
        File.WriteAllText(page, sim.Trace.ToHtml());
        return page;
    }

    private string Dom(Simulation sim, string fragment)
    {
        string dom = Chromium($"--dump-dom \"file://{Write(sim)}{fragment}\"");
        Assert.Contains("data-ready=\"true\"", dom, StringComparison.Ordinal); // the script ran to its end
        return dom;
    }

    /// <summary>Runs headless Chromium with <paramref name="arguments"/>; skips the test when the browser is not installed.</summary>
    private static string Chromium(string arguments)
    {
        string? exe = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        if (exe is null)
        {
            Assert.Skip("headless Chromium is not installed (apt-get install chromium; .ci/run installs it)");
        }

        var info = new ProcessStartInfo(exe, "--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=3000 " + arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90))) // determinism-ok: a guard on an external browser, not the simulation
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish in 90 s: " + error.Result);
        }

        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }

    private sealed class Shouter(string text) : Node
    {
        public override void OnStart() => Send(new NodeId(1), text);
    }
}
