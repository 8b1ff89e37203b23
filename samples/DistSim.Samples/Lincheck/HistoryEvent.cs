namespace DistSim.Samples.Lincheck;

/// <summary>What an event says about its operation, as Jepsen's <c>:type</c>.</summary>
public enum EventType
{
    /// <summary>A call starts.</summary>
    Invoke,

    /// <summary>It completed and took effect, with the event's value as its answer.</summary>
    Ok,

    /// <summary>It definitely did not take effect: left out of the history.</summary>
    Fail,

    /// <summary>Its outcome is unknown: it stays pending.</summary>
    Info,
}

/// <summary>One event of a history file.</summary>
/// <param name="Line">The line it starts on (from 1).</param>
/// <param name="Process">The client; null for a nemesis (or any non-client) event, which is skipped.</param>
/// <param name="Type">Invoke, ok, fail or info.</param>
/// <param name="F">The operation's name (<c>read</c>, <c>put</c>, …), without a keyword's colon.</param>
/// <param name="Key">The key, for key-value histories; null if none.</param>
/// <param name="Value">The value: the argument on an invoke, the answer on an ok.</param>
/// <param name="Time">The event's time, if the file gives one.</param>
/// <param name="Text">The event as written, for messages.</param>
public sealed record HistoryEvent(int Line, int? Process, EventType Type, string F, string? Key, HistoryDatum Value, long? Time, string Text);

/// <summary>A history file that cannot be read: the message names the file, the line and the text (exit code 2).</summary>
/// <param name="message">File, line, what is wrong, and the text.</param>
public sealed class HistoryFileException(string message) : Exception(message)
{
    /// <summary>The standard message: <c>FILE:LINE: what: `text`</c>.</summary>
    public static HistoryFileException At(string file, int line, string what, string text) =>
        new($"{file}:{line}: {what}: `{Shorten(text)}`");

    private static string Shorten(string text)
    {
        string flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 160 ? flat : string.Concat(flat.AsSpan(0, 157), "...");
    }
}
