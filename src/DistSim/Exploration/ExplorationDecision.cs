using System.Globalization;
using DistSim.Time;

namespace DistSim.Exploration;

/// <summary>What a decision of a path chose between.</summary>
public enum DecisionKind
{
    /// <summary>Which of the events that may run next runs (the candidates of a scheduling strategy).</summary>
    Order,

    /// <summary>Whether a packet put on the wire is delivered (0) or lost (1).</summary>
    Drop,

    /// <summary>Before an event: no crash (0), or which node crashes (1 … the nodes that are up and may stop, in id order).</summary>
    Crash,

    /// <summary>A nondeterministic choice of scenario or node code (<see cref="ExplorationRun.Choose"/>).</summary>
    Choice,
}

/// <summary>One decision of an exploration path.</summary>
/// <param name="Kind">What it chose between.</param>
/// <param name="Choice">The option taken, from 0 (the default).</param>
/// <param name="Options">How many there were.</param>
/// <param name="Step">Events run before it.</param>
/// <param name="Time">The virtual time.</param>
/// <param name="Detail">What was chosen, in words (e.g. <c>lose packet 3 from node 0 to node 1</c>).</param>
public sealed record ExplorationDecision(DecisionKind Kind, int Choice, int Options, long Step, SimTime Time, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"step {Step} ({Time}): {Detail} [{Choice + 1} of {Options}]");
}

/// <summary>A path of the search: its decisions, in order. Replay it with <see cref="Explorer.Replay"/>.</summary>
/// <param name="Decisions">Every decision of the run (the default ones too), in the order they were made.</param>
public sealed record ExplorationPath(IReadOnlyList<ExplorationDecision> Decisions)
{
    /// <summary>The decisions that took another option than the default: the path's story.</summary>
    public IReadOnlyList<ExplorationDecision> NonDefault => [.. Decisions.Where(d => d.Choice != 0)];

    /// <summary>The choices alone, e.g. <c>0,0,1,0,2</c>: with the scenario, all a replay needs.</summary>
    public string Choices => string.Join(",", Decisions.Select(d => d.Choice.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads <see cref="Choices"/> back (the details are filled in by the replay).</summary>
    /// <param name="choices">Comma-separated option numbers.</param>
    /// <exception cref="FormatException">Not a list of numbers >= 0.</exception>
    public static IReadOnlyList<int> ParseChoices(string choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            return [];
        }

        return [.. choices.Split(',').Select((c, i) => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"choice {i}: \"{c}\" is not a number >= 0")))];
    }

    /// <inheritdoc />
    public override string ToString() => NonDefault.Count == 0 ? "the default path" : string.Join("; ", NonDefault.Select(d => d.ToString()));
}

/// <summary>What a bounded exhaustive search found.</summary>
/// <param name="Paths">Paths (whole runs) explored.</param>
/// <param name="StatesExplored">With a state hash (<see cref="ExplorationOptions.StateHash"/>, <see cref="ExplorationOptions.NodeHash"/>): distinct states reached. Without: the events each path ran within the depth past the point where it left the path before — the nodes of the search tree.</param>
/// <param name="Pruned">Decision points cut because their state was explored already.</param>
/// <param name="Complete">Whether every path within the bounds was explored (false: <see cref="ExplorationOptions.MaxPaths"/> ran out, the search stopped at a violation, or it was cancelled). The bounds include the candidate window of a step: at most 64 candidates (see <c>docs/concepts/exploration.md</c>).</param>
/// <param name="Violations">Violating paths found.</param>
/// <param name="FirstViolation">The first violating path, in depth-first order; null if none.</param>
public sealed record ExplorationResult(long Paths, long StatesExplored, long Pruned, bool Complete, long Violations, ExplorationPath? FirstViolation)
{
    /// <summary>Whether a violating path was found.</summary>
    public bool ViolationFound => FirstViolation is not null;

    /// <summary>
    /// Whether the search stopped because it was cancelled (<see cref="ExplorationOptions.CancellationToken"/>):
    /// it covers the paths counted in <see cref="Paths"/>, and no more.
    /// </summary>
    public bool Cancelled { get; init; }
}
