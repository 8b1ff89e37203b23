using System.Globalization;
using System.Net;

namespace DistSim.Checking;

/// <summary>
/// Draws a history as one self-contained HTML page (inline CSS and SVG; no script, no external reference): one row
/// per client, each operation a bar from its call to its return (a pending one runs to the end, dashed), labelled with
/// its input and output. With a <see cref="LinearizabilityResult{TState, TInput, TOutput}"/>, a legend gives the
/// verdict, the operation that cannot be linearized is highlighted, and the operations of the linearizable prefix (or
/// of the whole linearization) are numbered in their linearization order.
/// </summary>
/// <remarks>
/// The time axis is ordinal: every distinct call or return time gets one column, so order and overlap are exact
/// however uneven the times; each bar's tooltip gives its real times. Every user string is HTML-escaped. The output is
/// deterministic (no dates, invariant culture) and well-formed XML as well as HTML, for tools that inspect it. Thread-safe.
/// <c>ToHtml</c> returns the page as a string; <c>WriteHtml</c> writes the same text to a <see cref="TextWriter"/> as it is
/// drawn, for histories whose page would be too large to hold. See <c>docs/concepts/checking.md</c>.
/// </remarks>
public static class HistoryView
{
    /// <summary>The page of <paramref name="history"/> alone, with no verdict.</summary>
    /// <param name="history">The operations.</param>
    /// <param name="options">Labels; null for the defaults.</param>
    /// <exception cref="ArgumentException">An operation is null.</exception>
    public static string ToHtml<TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> history, HistoryViewOptions<TInput, TOutput>? options = null)
    {
        using var page = new StringWriter(CultureInfo.InvariantCulture);
        WriteHtml(page, history, options);
        return page.ToString();
    }

    /// <summary>
    /// Writes the page of <paramref name="history"/> alone, with no verdict, to <paramref name="writer"/> as it is drawn
    /// (the same text as <see cref="ToHtml{TInput, TOutput}(IReadOnlyList{Operation{TInput, TOutput}}, HistoryViewOptions{TInput, TOutput}?)"/>,
    /// without holding the whole page in memory: a history of a million operations makes a page of hundreds of megabytes).
    /// </summary>
    /// <param name="writer">Where the page goes (a file's <see cref="StreamWriter"/>, say); not closed or flushed.</param>
    /// <param name="history">The operations.</param>
    /// <param name="options">Labels; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> or <paramref name="history"/> is null.</exception>
    /// <exception cref="ArgumentException">An operation is null (checked before anything is written; the labels of <paramref name="options"/> are called while the page is written, so one that throws leaves part of a page in <paramref name="writer"/>).</exception>
    public static void WriteHtml<TInput, TOutput>(TextWriter writer, IReadOnlyList<Operation<TInput, TOutput>> history, HistoryViewOptions<TInput, TOutput>? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(history);
        new HistoryPage<TInput, TOutput>(history, options ?? new(), null).Render(writer);
    }

    /// <summary>The page of <paramref name="history"/> with the verdict and evidence of <paramref name="result"/>.</summary>
    /// <param name="history">The operations that were checked.</param>
    /// <param name="result">What <see cref="Linearizability.Analyze"/> said about <paramref name="history"/>.</param>
    /// <param name="options">Labels; null for the defaults.</param>
    /// <exception cref="ArgumentException">An operation is null, or <paramref name="result"/> names an operation that is not in <paramref name="history"/>.</exception>
    public static string ToHtml<TState, TInput, TOutput>(
        IReadOnlyList<Operation<TInput, TOutput>> history,
        LinearizabilityResult<TState, TInput, TOutput> result,
        HistoryViewOptions<TInput, TOutput>? options = null)
    {
        using var page = new StringWriter(CultureInfo.InvariantCulture);
        WriteHtml(page, history, result, options);
        return page.ToString();
    }

    /// <summary>
    /// Writes the page of <paramref name="history"/> with the verdict and evidence of <paramref name="result"/> to
    /// <paramref name="writer"/> as it is drawn: the text of
    /// <see cref="ToHtml{TState, TInput, TOutput}(IReadOnlyList{Operation{TInput, TOutput}}, LinearizabilityResult{TState, TInput, TOutput}, HistoryViewOptions{TInput, TOutput}?)"/>
    /// without holding the whole page in memory.
    /// </summary>
    /// <param name="writer">Where the page goes (a file's <see cref="StreamWriter"/>, say); not closed or flushed.</param>
    /// <param name="history">The operations that were checked.</param>
    /// <param name="result">What <see cref="Linearizability.Analyze"/> said about <paramref name="history"/>.</param>
    /// <param name="options">Labels; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/>, <paramref name="history"/> or <paramref name="result"/> is null.</exception>
    /// <exception cref="ArgumentException">An operation is null, or <paramref name="result"/> names an operation that is not in <paramref name="history"/> (checked before anything is written; the labels of <paramref name="options"/> are called while the page is written, so one that throws leaves part of a page in <paramref name="writer"/>).</exception>
    public static void WriteHtml<TState, TInput, TOutput>(
        TextWriter writer,
        IReadOnlyList<Operation<TInput, TOutput>> history,
        LinearizabilityResult<TState, TInput, TOutput> result,
        HistoryViewOptions<TInput, TOutput>? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(result);
        var evidence = new HistoryEvidence<TInput, TOutput>(result.Verdict, result.UnknownReason, result.Steps, result.Partitions.Count, result.FailingOperation, result.FailingPartition);
        if (result.Verdict == LinearizabilityVerdict.Linearizable && result.Partitions.Count > 1)
        {
            foreach (LinearizabilityResult<TState, TInput, TOutput> part in result.Partitions)
            {
                evidence.Number(part.Prefix.Select(p => (p.Operation, (object?)p.StateAfter)), part.Partition);
            }
        }
        else
        {
            evidence.Number(result.Prefix.Select(p => (p.Operation, (object?)p.StateAfter)), result.Verdict == LinearizabilityVerdict.Linearizable ? null : result.FailingPartition ?? result.Partitions.FirstOrDefault(p => p.Verdict == LinearizabilityVerdict.Unknown)?.Partition);
        }

        new HistoryPage<TInput, TOutput>(history, options ?? new(), evidence).Render(writer);
    }

    /// <summary>HTML-escapes <paramref name="text"/> for an element or a quoted attribute.</summary>
    internal static string Escape(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    internal static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="text"/> and a line feed (never the platform's new line: the page is the same everywhere).</summary>
    internal static TextWriter Line(this TextWriter page, string text)
    {
        page.Write(text);
        page.Write('\n');
        return page;
    }
}

/// <summary>The verdict and evidence a page shows, with the model's states boxed (the page does not need their type).</summary>
internal sealed class HistoryEvidence<TInput, TOutput>(
    LinearizabilityVerdict verdict, UnknownReason reason, long steps, int partitions, Operation<TInput, TOutput>? failing, string? failingPartition)
{
    public LinearizabilityVerdict Verdict { get; } = verdict;

    public UnknownReason Reason { get; } = reason;

    public long Steps { get; } = steps;

    public int Partitions { get; } = partitions;

    public Operation<TInput, TOutput>? Failing { get; } = failing;

    public string? FailingPartition { get; } = failingPartition;

    /// <summary>Each numbered operation (by reference): its position in its linearization (from 1), its partition, the state after it.</summary>
    public Dictionary<Operation<TInput, TOutput>, (int Position, string? Partition, object? State)> Order { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many operations the deciding prefix has.</summary>
    public int PrefixLength { get; private set; }

    public void Number(IEnumerable<(Operation<TInput, TOutput> Operation, object? State)> linearization, string? partition)
    {
        int position = 0;
        foreach ((Operation<TInput, TOutput> op, object? state) in linearization)
        {
            Order[op] = (++position, partition, state);
        }

        PrefixLength = Math.Max(PrefixLength, position);
    }
}
