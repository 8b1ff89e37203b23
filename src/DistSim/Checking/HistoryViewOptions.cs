namespace DistSim.Checking;

/// <summary>How <see cref="HistoryView"/> labels a history. Every option has a default; all text is HTML-escaped.</summary>
/// <typeparam name="TInput">A call.</typeparam>
/// <typeparam name="TOutput">An answer.</typeparam>
public sealed record HistoryViewOptions<TInput, TOutput>
{
    /// <summary>The page's title (default "History").</summary>
    public string? Title { get; init; }

    /// <summary>The label of an operation's bar (default: the input, then <c>→ output</c> for a completed operation whose output is not null).</summary>
    public Func<Operation<TInput, TOutput>, string>? Describe { get; init; }

    /// <summary>The name of a client's row (default <c>client n</c>).</summary>
    public Func<int, string>? ClientName { get; init; }

    /// <summary>How a model state shows in an operation's tooltip (default its <see cref="object.ToString"/>).</summary>
    public Func<object?, string>? DescribeState { get; init; }
}
