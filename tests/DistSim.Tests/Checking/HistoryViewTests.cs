using System.Xml.Linq;
using DistSim.Checking;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

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
    /// <summary>A writer that keeps what it is given and notes the largest single piece: a page written as it is drawn comes in small pieces.</summary>
    private sealed class PieceWriter : StringWriter
    {
        public PieceWriter()
            : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public int Pieces { get; private set; }

        public int Largest { get; private set; }

        public override void Write(char value)
        {
            Note(1);
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Note(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Note(count);
            base.Write(buffer, index, count);
        }

        private void Note(int length)
        {
            Pieces++;
            Largest = Math.Max(Largest, length);
        }
    }

    [Property(MaxTest = 40, DisplayName = "WriteHtml writes the text ToHtml returns, in pieces of a few lines, for histories with and without a verdict")]
    public Property WriteHtml_IsToHtml_WrittenAsItIsDrawn() => Prop.ForAll(
        Gen.Choose(1, 120).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 1000), n * 4)).ToArbitrary(),
        draws =>
        {
            // Operations of up to 5 clients on a register: calls, durations, reads and writes from the draws; some pending.
            int n = draws.Length / 4;
            var ops = new List<Operation<RegisterInput<int>, int>>();
            for (int i = 0; i < n; i++)
            {
                int call = draws[4 * i] % 500, length = 1 + (draws[(4 * i) + 1] % 40), value = draws[(4 * i) + 2] % 4, kind = draws[(4 * i) + 3] % 10;
                long end = kind == 0 ? long.MaxValue : call + length;
                ops.Add(kind < 5
                    ? new(i % 5, call, end, RegisterInput<int>.Write(value), 0)
                    : new(i % 5, call, end, RegisterInput<int>.Read, value));
            }

            var result = Linearizability.Analyze(ops, new RegisterModel<int>(0), new LinearizabilityOptions { MaxSteps = 20_000 }, TestContext.Current.CancellationToken);
            var options = new HistoryViewOptions<RegisterInput<int>, int> { Title = "register " + n };
            var plain = new PieceWriter();
            var checkedPage = new PieceWriter();
            HistoryView.WriteHtml(plain, ops, options);
            HistoryView.WriteHtml(checkedPage, ops, result, options);
            string plainText = plain.ToString(), checkedText = checkedPage.ToString();
            int largestLine = checkedText.Split('\n').Max(l => l.Length);
            return (plainText == HistoryView.ToHtml(ops, options)
                    && checkedText == HistoryView.ToHtml(ops, result, options)
                    && plain.Largest <= Math.Max(4096, plainText.Split('\n').Max(l => l.Length)) && checkedPage.Largest <= Math.Max(4096, largestLine) // a line (or the style block) at a time
                    && checkedPage.Pieces > 2 * n)
                .Label($"{n} operations: {checkedPage.Pieces} pieces, the largest {checkedPage.Largest} chars (longest line {largestLine}), page {checkedText.Length} chars");
        });

    [Fact]
    public void WriteHtml_RefusesBadInput_BeforeWritingAnything()
    {
        List<Operation<RegisterInput<int>, int>> ops = Violation();
        var result = Linearizability.Analyze(ops, new RegisterModel<int>(0), cancellationToken: TestContext.Current.CancellationToken);
        var writer = new PieceWriter();
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => HistoryView.WriteHtml(writer, Violation(), result)).ParamName);
        Assert.Equal("history", Assert.Throws<ArgumentException>(() => HistoryView.WriteHtml<RegisterInput<int>, int>(writer, [null!])).ParamName);
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => HistoryView.WriteHtml(null!, ops, result)).ParamName);
        Assert.Equal("writer", Assert.Throws<ArgumentNullException>(() => HistoryView.WriteHtml(null!, ops)).ParamName);
        Assert.Equal(0, writer.Pieces);
    }
}
