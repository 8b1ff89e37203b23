namespace DistSim.Samples.Lincheck;

/// <summary>
/// A value of a history file, as the checker compares it: nil, a scalar as text (a string's content, a number as
/// written, <c>true</c>/<c>false</c>, an EDN keyword with its colon), or a list (a JSON array, an EDN vector, list or set).
/// </summary>
/// <param name="Text">The scalar's text; null for nil and for a list.</param>
/// <param name="Items">The list's items; null for a scalar or nil.</param>
public sealed record HistoryDatum(string? Text, IReadOnlyList<HistoryDatum>? Items)
{
    /// <summary>Nil (JSON <c>null</c>, EDN <c>nil</c>, or no value at all).</summary>
    public static HistoryDatum Nil { get; } = new(null, null);

    /// <summary>Whether this is nil.</summary>
    public bool IsNil => Text is null && Items is null;

    /// <summary>A scalar.</summary>
    public static HistoryDatum Of(string text) => new(text, null);

    /// <summary>A list.</summary>
    public static HistoryDatum List(IReadOnlyList<HistoryDatum> items) => new(null, items);

    /// <summary>As written in a message: <c>nil</c>, the text (<c>""</c> when empty), or <c>[a b]</c>.</summary>
    public override string ToString() => Items is { } items ? "[" + string.Join(" ", items) + "]" : Text is "" ? "\"\"" : Text ?? "nil";
}
