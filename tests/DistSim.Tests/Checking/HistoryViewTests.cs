using System.Xml.Linq;
using DistSim.Checking;

namespace DistSim.Tests.Checking;

public class HistoryViewTests
{
    private const string Nasty = "<script>alert(\"x\")</script> & 'q'";

    /// <summary>The page as XML (it is well-formed), without its doctype line.</summary>
    private static XElement Parse(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>\n", html, StringComparison.Ordinal);
        return XElement.Parse(html["<!DOCTYPE html>\n".Length..]);
    }

    private static List<XElement> Bars(XElement page) =>
        [.. page.Descendants().Where(e => e.Name.LocalName == "g" && ((string?)e.Attribute("class") ?? string.Empty).Split(' ').Contains("op"))];

    private static string[] Classes(XElement e) => ((string?)e.Attribute("class") ?? string.Empty).Split(' ');

    /// <summary>x=1; a concurrent write of 2; then a read of 3 that nothing explains; a pending write; a read of 1.</summary>
    private static List<Operation<RegisterInput<int>, int>> Violation() =>
    [
        new(0, 0, 2, RegisterInput<int>.Write(1), 0),
        new(1, 1, 6, RegisterInput<int>.Write(2), 0),
        new(2, 3, 5, RegisterInput<int>.Read, 1),
        new(0, 7, 9, RegisterInput<int>.Read, 3),
        new(3, 8, long.MaxValue, RegisterInput<int>.Write(4), 0),
    ];

    [Fact]
    public void NotLinearizable_OneBarPerOperation_FailingHighlighted_PrefixNumberedInOrder()
    {
        List<Operation<RegisterInput<int>, int>> ops = Violation();
        var result = Linearizability.Analyze(ops, new RegisterModel<int>(0), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        string html = HistoryView.ToHtml(ops, result, new HistoryViewOptions<RegisterInput<int>, int> { Title = "register" });
        XElement page = Parse(html);

        List<XElement> bars = Bars(page);
        Assert.Equal(ops.Count, bars.Count);
        Assert.Equal(Enumerable.Range(0, ops.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), bars.Select(b => (string?)b.Attribute("data-index")).Order());
        XElement failing = Assert.Single(bars, b => Classes(b).Contains("failing"));
        Assert.Equal(ops.IndexOf(result.FailingOperation!), (int)failing.Attribute("data-index")!);
        Assert.Contains("pending", Classes(bars.Single(b => (int)b.Attribute("data-index")! == 4)));
        Assert.Equal(["ok"], bars.Where(b => (int)b.Attribute("data-index")! != 4).SelectMany(Classes).Where(c => c is "ok" or "pending").Distinct());

        // The prefix's operations carry their position, 1..n, in linearization order.
        var numbered = bars.Where(b => Classes(b).Contains("prefix"))
            .Select(b => (Index: (int)b.Attribute("data-index")!, Order: int.Parse(b.Elements().Single(e => (string?)e.Attribute("class") == "order").Value, System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(x => x.Order).ToList();
        Assert.Equal(result.Prefix.Select(p => ops.IndexOf(p.Operation)), numbered.Select(n => n.Index));
        Assert.Equal(Enumerable.Range(1, result.Prefix.Count), numbered.Select(n => n.Order));
        Assert.NotEmpty(numbered);

        Assert.Contains("Not linearizable", page.Descendants().Single(e => ((string?)e.Attribute("class") ?? string.Empty).StartsWith("verdict", StringComparison.Ordinal)).Value, StringComparison.Ordinal);
        Assert.Contains("read → 3", failing.Value, StringComparison.Ordinal);
        Assert.Equal(html, HistoryView.ToHtml(ops, result, new HistoryViewOptions<RegisterInput<int>, int> { Title = "register" })); // deterministic
    }

    [Fact]
    public void ThePage_IsSelfContained_NoExternalReferenceAtAll()
    {
        List<Operation<RegisterInput<int>, int>> ops = Violation();
        string html = HistoryView.ToHtml(ops, Linearizability.Analyze(ops, new RegisterModel<int>(0), cancellationToken: TestContext.Current.CancellationToken));
        foreach (string banned in new[] { "http", "//", "<script", "src=", "href=", "url(", "@import" })
        {
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void UserStrings_AreEscaped_EverywhereTheyAppear()
    {
        var ops = new List<Operation<KvInput, string?>>
        {
            new(0, 0, 1, new(KvOperation.Put, Nasty, Nasty), null),
            new(1, 2, 3, new(KvOperation.Get, Nasty, ""), Nasty + "!"),
        };
        var result = Linearizability.Analyze(ops, KeyValueModel.Instance, cancellationToken: TestContext.Current.CancellationToken);
        string html = HistoryView.ToHtml(ops, result, new HistoryViewOptions<KvInput, string?> { Title = Nasty, ClientName = c => Nasty + c });

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("'q'", html, StringComparison.Ordinal);
        XElement page = Parse(html); // well-formed: nothing broke out of its element or attribute
        Assert.Equal(Nasty, page.Descendants().First(e => e.Name.LocalName == "title").Value);
        Assert.Contains(page.Descendants(), e => e.Name.LocalName == "text" && e.Value == Nasty + "1");
        Assert.Contains(Nasty, Bars(page).Single(b => Classes(b).Contains("failing")).Elements().First().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Linearizable_SplitHistory_NumbersEachPartitionsLinearization()
    {
        List<Operation<KvInput, string?>> ops = LinearizabilityTests.Load("c01-ok.txt");
        var result = Linearizability.Analyze(ops, KeyValueModel.Instance, cancellationToken: TestContext.Current.CancellationToken);
        XElement page = Parse(HistoryView.ToHtml(ops, result));
        List<XElement> bars = Bars(page);
        Assert.Equal(ops.Count, bars.Count);
        Assert.All(bars, b => Assert.Contains("prefix", Classes(b)));
        Assert.DoesNotContain(bars, b => Classes(b).Contains("failing"));
        foreach (var part in result.Partitions)
        {
            var orders = part.Prefix.Select(p => bars[ops.IndexOf(p.Operation)]).Select(b => b.Elements().Single(e => (string?)e.Attribute("class") == "order").Value);
            Assert.Equal(Enumerable.Range(1, part.Prefix.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), orders);
        }

        Assert.Contains("Linearizable", page.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryAlone_HasBarsAndNoVerdict()
    {
        List<Operation<RegisterInput<int>, int>> ops = Violation();
        XElement page = Parse(HistoryView.ToHtml(ops));
        Assert.Equal(ops.Count, Bars(page).Count);
        Assert.DoesNotContain(Bars(page), b => Classes(b).Contains("prefix") || Classes(b).Contains("failing"));
        Assert.Contains("not checked", page.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AResultOfAnotherHistory_IsRefused()
    {
        List<Operation<RegisterInput<int>, int>> ops = Violation();
        var result = Linearizability.Analyze(ops, new RegisterModel<int>(0), cancellationToken: TestContext.Current.CancellationToken);
        var ex = Assert.Throws<ArgumentException>(() => HistoryView.ToHtml(Violation(), result)); // equal records, other objects
        Assert.Equal("result", ex.ParamName);
        Assert.Equal("history", Assert.Throws<ArgumentException>(() => HistoryView.ToHtml<RegisterInput<int>, int>([null!])).ParamName);
    }
}
