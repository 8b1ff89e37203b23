namespace DistSim.Samples.Lincheck;

/// <summary>One operation of a history file: a client's invocation and what became of it.</summary>
/// <param name="Process">The client.</param>
/// <param name="F">The operation's name.</param>
/// <param name="Key">Its key (key-value histories), or null.</param>
/// <param name="Argument">The invocation's value.</param>
/// <param name="Answer">The ok's value (nil for a pending operation).</param>
/// <param name="Completed">Whether an ok completed it (false: info, or never completed — pending).</param>
/// <param name="Call">Its call time: the event's time, or its position in the file.</param>
/// <param name="Return">Its return time (<see cref="long.MaxValue"/> when pending).</param>
/// <param name="InvokeLine">The line of the invocation.</param>
/// <param name="CompleteLine">The line of the ok or info, or null if never completed.</param>
public sealed record FileOperation(
    int Process, string F, string? Key, HistoryDatum Argument, HistoryDatum Answer, bool Completed, long Call, long Return, int InvokeLine, int? CompleteLine)
{
    /// <summary>Where it is in the file: <c>invoked on line 3, ok on line 5</c>.</summary>
    public string Lines => $"invoked on line {InvokeLine}" + (CompleteLine is { } c ? $", {(Completed ? "ok" : "info")} on line {c}" : ", never completed");

    /// <summary>A label: <c>f key argument → answer</c>.</summary>
    public string Describe()
    {
        string key = Key is null ? string.Empty : " " + Key;
        string argument = Argument.IsNil ? string.Empty : " " + Argument;
        string answer = Completed && !Answer.IsNil && Answer.ToString() != Argument.ToString() ? " → " + Answer : string.Empty;
        return $"{F}{key}{argument}{answer}";
    }
}

/// <summary>Pairs each process's events into operations, as Jepsen's histories are read.</summary>
public static class HistoryPairing
{
    /// <summary>
    /// The operations of <paramref name="events"/>, in invocation order: an invoke opens one for its process; the
    /// process's next ok completes it, a fail drops it (it did not take effect), an info leaves it pending (and the
    /// process free to invoke again); one still open at the end is pending. Nemesis events, and infos of a process with
    /// nothing open, are skipped.
    /// </summary>
    /// <exception cref="HistoryFileException">A process invokes with an operation open, completes nothing, or completes another operation than it invoked.</exception>
    public static (List<FileOperation> Operations, int Failed, int Skipped) Pair(string file, IReadOnlyList<HistoryEvent> events)
    {
        var ops = new List<FileOperation?>();
        var open = new Dictionary<int, (int Index, HistoryEvent Invoke)>();
        int failed = 0, skipped = 0;
        for (int position = 0; position < events.Count; position++)
        {
            HistoryEvent e = events[position];
            long time = e.Time ?? position;
            if (e.Process is not { } process)
            {
                skipped++;
                continue;
            }

            if (e.Type == EventType.Invoke)
            {
                if (open.TryGetValue(process, out var prior))
                {
                    throw HistoryFileException.At(file, e.Line, $"process {process} invokes while its operation invoked on line {prior.Invoke.Line} is still open (a process calls one operation at a time)", e.Text);
                }

                open[process] = (ops.Count, e);
                ops.Add(new FileOperation(process, e.F, e.Key, e.Value, HistoryDatum.Nil, false, time, long.MaxValue, e.Line, null));
                continue;
            }

            if (!open.Remove(process, out var invoked))
            {
                if (e.Type == EventType.Info)
                {
                    skipped++;
                    continue;
                }

                throw HistoryFileException.At(file, e.Line, $"process {process} completes an operation it never invoked", e.Text);
            }

            if (e.F != invoked.Invoke.F || (e.Key is not null && e.Key != invoked.Invoke.Key))
            {
                throw HistoryFileException.At(file, e.Line, $"process {process} completes {e.F}{(e.Key is null ? string.Empty : " " + e.Key)} but invoked {invoked.Invoke.F}{(invoked.Invoke.Key is null ? string.Empty : " " + invoked.Invoke.Key)} on line {invoked.Invoke.Line}", e.Text);
            }

            FileOperation op = ops[invoked.Index]!;
            switch (e.Type)
            {
                case EventType.Ok:
                    ops[invoked.Index] = op with { Answer = e.Value, Completed = true, Return = time, CompleteLine = e.Line };
                    break;
                case EventType.Fail:
                    ops[invoked.Index] = null;
                    failed++;
                    break;
                default:
                    ops[invoked.Index] = op with { CompleteLine = e.Line };
                    break;
            }
        }

        return ([.. ops.OfType<FileOperation>()], failed, skipped);
    }
}
