using System.Text;
using static DistSim.Checking.HistoryView;

namespace DistSim.Checking;

/// <summary>Lays out and writes one <see cref="HistoryView"/> page.</summary>
internal sealed class HistoryPage<TInput, TOutput>
{
    private const double ColumnMin = 26;  // px per distinct time, at least
    private const double ColumnMax = 160; // and at most
    private const int LeftGutter = 130;   // px for the client names
    private const int Top = 34;           // px above the first row (the axis)
    private const int Lane = 36;          // px per lane of a row
    private const int BarHeight = 20;
    private const double CharWidth = 6.7; // px per character of the 11px monospace labels

    private const string Style = """
        body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
        h1 { font-size: 18px; margin: 0 0 8px; }
        .legend p { margin: 4px 0; }
        .verdict { font-weight: bold; font-size: 16px; }
        .verdict.linearizable { color: #1b7a3a; }
        .verdict.not-linearizable { color: #c00000; }
        .verdict.unknown { color: #a15c00; }
        .keys { list-style: none; padding: 0; margin: 6px 0 10px; display: flex; gap: 18px; flex-wrap: wrap; }
        .swatch { display: inline-block; width: 26px; height: 12px; margin-right: 6px; vertical-align: middle; border: 1px solid; }
        .swatch.ok { background: #d6e6ff; border-color: #3d6fb6; }
        .swatch.pending { background: #eeeeee; border: 1px dashed #777; }
        .swatch.prefix { background: #cdeed5; border-color: #2e8b57; }
        .swatch.failing { background: #ffd2d2; border: 2px solid #d00000; }
        .scroll { overflow: auto; border: 1px solid #ddd; }
        svg text { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .axis line { stroke: #e4e4e4; }
        .axis text { fill: #777; }
        .row rect.band { fill: #fafafa; }
        .row text.client { font: 12px system-ui, sans-serif; fill: #333; }
        .op .bar { fill: #d6e6ff; stroke: #3d6fb6; stroke-width: 1; }
        .op.pending .bar { fill: #eeeeee; stroke: #777; stroke-dasharray: 5 3; }
        .op.prefix .bar { fill: #cdeed5; stroke: #2e8b57; }
        .op.failing .bar { fill: #ffd2d2; stroke: #d00000; stroke-width: 3; }
        .op:hover .bar { stroke-width: 3; }
        .op .order { fill: #2e8b57; font-weight: bold; }
        .op.failing .order { fill: #d00000; }
        """;

    private readonly IReadOnlyList<Operation<TInput, TOutput>> _history;
    private readonly HistoryViewOptions<TInput, TOutput> _options;
    private readonly HistoryEvidence<TInput, TOutput>? _evidence;
    private readonly long[] _times;
    private readonly int _end;
    private readonly double _column; // px per distinct time

    public HistoryPage(IReadOnlyList<Operation<TInput, TOutput>> history, HistoryViewOptions<TInput, TOutput> options, HistoryEvidence<TInput, TOutput>? evidence)
    {
        for (int i = 0; i < history.Count; i++)
        {
            if (history[i] is null)
            {
                throw new ArgumentException($"history[{i}] is null", nameof(history));
            }
        }

        var known = new HashSet<Operation<TInput, TOutput>>(history, ReferenceEqualityComparer.Instance);
        if (evidence is not null && (evidence.Failing is { } f && !known.Contains(f) || evidence.Order.Keys.Any(o => !known.Contains(o))))
        {
            throw new ArgumentException("result names operations that are not in history: draw the history that was checked", "result");
        }

        _history = history;
        _options = options;
        _evidence = evidence;
        _times = history.SelectMany(o => o.IsPending ? [o.Call] : new[] { o.Call, o.Return }).Distinct().Order().ToArray();
        _end = _times.Length; // the column where pending operations end
        _column = ColumnMin;
        _column = FitColumns();
    }

    /// <summary>A column width at which three labels in four fit inside their bars (within bounds).</summary>
    private double FitColumns()
    {
        if (_history.Count == 0)
        {
            return ColumnMin;
        }

        List<double> needs = [.. _history.Select(o => ((Describe(o).Length * CharWidth) + 10) / Math.Max(1, (o.IsPending ? _end + 1 : Column(o.Return)) - Column(o.Call))).Order()];
        return Math.Clamp(needs[(int)(0.75 * (needs.Count - 1))], ColumnMin, ColumnMax);
    }

    /// <summary>Writes the page to <paramref name="page"/>, as it goes: nothing of the page is held in memory.</summary>
    public void Render(TextWriter page)
    {
        string title = _options.Title ?? "History";
        page.Line("<!DOCTYPE html>")
            .Line("<html lang=\"en\">")
            .Line("<head>")
            .Line("<meta charset=\"utf-8\"/>")
            .Line($"<title>{Escape(title)}</title>")
            .Line("<style>").Line(Style).Line("</style>")
            .Line("</head>")
            .Line("<body>")
            .Line($"<h1>{Escape(title)}</h1>");
        WriteLegend(page);
        page.Line("<div class=\"scroll\">");
        WriteSvg(page);
        page.Line("</div>").Line("</body>").Line("</html>");
    }

    private void WriteLegend(TextWriter page)
    {
        int pending = _history.Count(o => o.IsPending);
        int clients = _history.Select(o => o.Client).Distinct().Count();
        page.Line("<div class=\"legend\">");
        if (_evidence is { } e)
        {
            (string cls, string text) = e.Verdict switch
            {
                LinearizabilityVerdict.Linearizable => ("linearizable", "Linearizable"),
                LinearizabilityVerdict.NotLinearizable => ("not-linearizable", "Not linearizable"),
                _ => ("unknown", $"Unknown: {Reason(e.Reason)}"),
            };
            page.Line($"<p class=\"verdict {cls}\">{Escape(text)}</p>");
            string parts = e.Partitions > 0 ? $", {Num(e.Partitions)} partitions" : string.Empty;
            page.Line($"<p>{Num(_history.Count)} operations ({Num(pending)} pending) by {Num(clients)} clients; {Num(e.Steps)} search steps{parts}.</p>");
            if (e.Failing is { } failing)
            {
                string where = e.FailingPartition is { } key ? $" (partition {key})" : string.Empty;
                page.Line($"<p>Cannot linearize <b class=\"failing-op\">{Escape(ClientName(failing.Client))}: {Escape(Describe(failing))}</b>{Escape(where)}. "
                    + $"The longest linearizable prefix found has {Num(e.PrefixLength)} operations, numbered in linearization order; none of its extensions places the highlighted operation.</p>");
            }
            else if (e.Verdict == LinearizabilityVerdict.Linearizable)
            {
                page.Line("<p>The numbers give a linearization: an order, consistent with real time, in which every answer is the model's" + (e.Partitions > 1 ? " (one per partition)" : string.Empty) + ".</p>");
            }
            else if (e.PrefixLength > 0)
            {
                page.Line($"<p>The longest linearizable prefix found before the search stopped has {Num(e.PrefixLength)} operations, numbered in linearization order.</p>");
            }
        }
        else
        {
            page.Line($"<p>{Num(_history.Count)} operations ({Num(pending)} pending) by {Num(clients)} clients; not checked.</p>");
        }

        page.Line("<ul class=\"keys\">")
            .Line("<li><span class=\"swatch ok\"></span>completed: call to return</li>")
            .Line("<li><span class=\"swatch pending\"></span>pending: unknown outcome, may take effect any time after its call</li>");
        if (_evidence is not null)
        {
            page.Line("<li><span class=\"swatch prefix\"></span>linearized (number: position in the order)</li>")
                .Line("<li><span class=\"swatch failing\"></span>cannot be linearized</li>");
        }

        page.Line("</ul>").Line("</div>");
    }

    private static string Reason(UnknownReason reason) => reason switch
    {
        UnknownReason.StepLimit => "the step budget ran out",
        UnknownReason.TimeLimit => "the time budget ran out",
        UnknownReason.Cancelled => "the check was cancelled",
        _ => "not decided",
    };

    private void WriteSvg(TextWriter page)
    {
        List<(int Client, List<List<int>> Lanes)> rows = Layout();
        int height = Top + (rows.Sum(r => r.Lanes.Count) * Lane) + 10;
        int width = (int)Math.Ceiling(LeftGutter + ((_end + 2) * _column));
        page.Line($"<svg width=\"{Num(width)}\" height=\"{Num(height)}\" viewBox=\"0 0 {Num(width)} {Num(height)}\" role=\"img\" aria-label=\"operations by client over time\">");
        WriteAxis(page, height);
        int y = Top;
        foreach ((int client, List<List<int>> lanes) in rows)
        {
            page.Line($"<g class=\"row\" data-client=\"{Num(client)}\">")
                .Line($"<rect class=\"band\" x=\"0\" y=\"{Num(y)}\" width=\"{Num(width)}\" height=\"{Num(lanes.Count * Lane)}\"/>")
                .Line($"<text class=\"client\" x=\"6\" y=\"{Num(y + 20)}\">{Escape(ClientName(client))}</text>");
            for (int lane = 0; lane < lanes.Count; lane++)
            {
                foreach (int index in lanes[lane])
                {
                    WriteOperation(page, index, y + (lane * Lane) + 12);
                }
            }

            page.Line("</g>");
            y += lanes.Count * Lane;
        }

        page.Line("</svg>");
    }

    private void WriteAxis(TextWriter page, int height)
    {
        int every = Math.Max(1, (int)(90 / _column));
        page.Line("<g class=\"axis\">");
        for (int c = 0; c < _times.Length; c += every)
        {
            double x = X(c);
            page.Line($"<line x1=\"{Num(x)}\" y1=\"{Num(Top - 14)}\" x2=\"{Num(x)}\" y2=\"{Num(height)}\"/>")
                .Line($"<text x=\"{Num(x + 2)}\" y=\"{Num(Top - 18)}\">{Num(_times[c])}</text>");
        }

        page.Line("</g>");
    }

    private void WriteOperation(TextWriter page, int index, int y)
    {
        Operation<TInput, TOutput> op = _history[index];
        double x1 = X(Column(op.Call));
        double x2 = op.IsPending ? X(_end) + _column : X(Column(op.Return));
        double w = Math.Max(x2 - x1, _column * 0.6);
        var classes = new StringBuilder("op ").Append(op.IsPending ? "pending" : "ok");
        (int Position, string? Partition, object? State) order = default;
        bool numbered = _evidence is not null && _evidence.Order.TryGetValue(op, out order);
        bool failing = _evidence?.Failing is { } f && ReferenceEquals(f, op);
        classes.Append(numbered ? " prefix" : string.Empty).Append(failing ? " failing" : string.Empty);
        string label = Describe(op);
        var tip = new StringBuilder($"{ClientName(op.Client)}: {label}\ncalled at {Num(op.Call)}, ");
        tip.Append(op.IsPending ? "no return (pending)" : $"returned at {Num(op.Return)}");
        if (numbered)
        {
            string part = order.Partition is { } p ? $" of partition {p}" : string.Empty;
            tip.Append($"\nlinearized #{Num(order.Position)}{part}; state after: {DescribeState(order.State)}");
        }

        if (failing)
        {
            tip.Append("\ncannot be linearized after the prefix");
        }

        page.Line($"<g class=\"{classes}\" data-index=\"{Num(index)}\">")
            .Line($"<title>{Escape(tip.ToString())}</title>")
            .Line($"<rect class=\"bar\" x=\"{Num(x1)}\" y=\"{Num(y)}\" width=\"{Num(w)}\" height=\"{Num(BarHeight)}\" rx=\"3\"/>")
            .Line($"<text class=\"label\" x=\"{Num(x1 + 4)}\" y=\"{Num(y + 14)}\">{Escape(Fit(label, w - 8))}</text>");
        if (numbered)
        {
            page.Line($"<text class=\"order\" x=\"{Num(x1)}\" y=\"{Num(y - 3)}\">{Num(order.Position)}</text>");
        }

        page.Line("</g>");
    }

    /// <summary>Rows by client (ascending); within a row, lanes so that operations of one client that overlap (after an unknown outcome) do not cover each other.</summary>
    private List<(int Client, List<List<int>> Lanes)> Layout()
    {
        var rows = new List<(int Client, List<List<int>> Lanes)>();
        foreach (IGrouping<int, int> client in Enumerable.Range(0, _history.Count).GroupBy(i => _history[i].Client).OrderBy(g => g.Key))
        {
            var lanes = new List<List<int>>();
            var laneEnds = new List<double>();
            foreach (int i in client.OrderBy(i => _history[i].Call).ThenBy(i => i))
            {
                double start = X(Column(_history[i].Call));
                double end = _history[i].IsPending ? double.MaxValue : Math.Max(X(Column(_history[i].Return)), start + (_column * 0.6));
                int lane = laneEnds.FindIndex(e => e < start);
                if (lane < 0)
                {
                    lanes.Add([]);
                    laneEnds.Add(0);
                    lane = lanes.Count - 1;
                }

                lanes[lane].Add(i);
                laneEnds[lane] = end;
            }

            rows.Add((client.Key, lanes));
        }

        return rows;
    }

    private int Column(long time) => Array.BinarySearch(_times, time);

    private double X(int column) => LeftGutter + ((column + 0.5) * _column);

    private static string Fit(string text, double width)
    {
        int chars = (int)(width / CharWidth);
        return text.Length <= chars ? text : chars <= 1 ? string.Empty : string.Concat(text.AsSpan(0, chars - 1), "…");
    }

    private string ClientName(int client) => _options.ClientName?.Invoke(client) ?? $"client {Num(client)}";

    private string Describe(Operation<TInput, TOutput> op)
    {
        if (_options.Describe is { } describe)
        {
            return describe(op);
        }

        string input = op.Input?.ToString() ?? "null";
        return op.IsPending || op.Output is null ? input : $"{input} → {op.Output}";
    }

    private string DescribeState(object? state) => _options.DescribeState?.Invoke(state) ?? state?.ToString() ?? "null";
}
