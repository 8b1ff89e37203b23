namespace DistSim.Exploration;

/// <summary>
/// Bounded exhaustive search (stateless, by re-execution, as CHESS and DSLabs's search do): depth-first over every
/// decision of a run — the order of the events that may run next, whether each packet is lost (up to
/// <see cref="ExplorationOptions.MaxDrops"/>), crash points (up to <see cref="ExplorationOptions.MaxCrashes"/>) and the
/// scenario's own choices — within the first <see cref="ExplorationOptions.MaxDepth"/> events, pruning states explored
/// already when a <see cref="ExplorationOptions.StateHash"/> is given. Finds a violation by search, not by a lucky seed,
/// and hands back the path that shows it.
/// </summary>
/// <remarks>
/// The play function builds one simulation with <see cref="ExplorationRun.Apply"/>, runs it, and says whether the run
/// violated the property. It is called once per path, so it must be a function of its decisions: same seed, no state
/// kept between calls. See <c>docs/concepts/exploration.md</c>.
/// </remarks>
public static class Explorer
{
    /// <summary>Explores every path within the bounds (or until the first violation).</summary>
    /// <param name="play">Builds (with <see cref="ExplorationRun.Apply"/>) and runs one path; returns whether it violated the property.</param>
    /// <param name="options">The bounds and a cancellation token (<see cref="ExplorationOptions.CancellationToken"/>: the search stops between paths and returns what it explored); default <see cref="ExplorationOptions"/>.</param>
    /// <exception cref="ExplorationReplayException">The play function is not a function of its decisions (a replayed prefix made other decisions).</exception>
    public static ExplorationResult Explore(Func<ExplorationRun, bool> play, ExplorationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(play);
        options ??= new ExplorationOptions();
        options.Validate();
        Dictionary<ulong, long>? visited = options.StateHash is null && options.NodeHash is null ? null : [];
        IReadOnlyList<int>? prefix = [];
        IReadOnlyList<ExplorationDecision>? previous = null;
        long paths = 0, states = 0, pruned = 0, violations = 0;
        ExplorationPath? first = null;
        while (prefix is not null)
        {
            if (paths == options.MaxPaths)
            {
                return new ExplorationResult(paths, visited?.Count ?? states, pruned, Complete: false, violations, first);
            }

            if (options.CancellationToken.IsCancellationRequested)
            {
                return new ExplorationResult(paths, visited?.Count ?? states, pruned, Complete: false, violations, first) { Cancelled = true };
            }

            var run = new ExplorationRun(prefix, previous, options, visited);
            bool violated = play(run);
            run.CheckReplayed();
            paths++;
            states += run.NewStates;
            pruned += run.Pruned ? 1 : 0;
            if (violated && !run.Pruned) // a cut run's verdict is not the verdict of a finished run; its future is explored elsewhere
            {
                violations++;
                first ??= new ExplorationPath([.. run.Decisions]);
                if (options.StopAtFirstViolation)
                {
                    return new ExplorationResult(paths, visited?.Count ?? states, pruned, Complete: false, violations, first);
                }
            }

            previous = run.Decisions;
            prefix = Next(run.Decisions);
        }

        return new ExplorationResult(paths, visited?.Count ?? states, pruned, Complete: true, violations, first);
    }

    /// <summary>Replays a path (its <see cref="ExplorationPath.Choices"/>): the same decisions, the same run.</summary>
    /// <param name="play">The play function the path was found with.</param>
    /// <param name="choices">The path's choices.</param>
    /// <param name="options">The bounds the path was found with.</param>
    /// <returns>Whether the replayed run violated the property, and its path (with the details filled in).</returns>
    /// <exception cref="ExplorationReplayException">The choices do not fit the scenario: an option out of range, or choices left over at the end.</exception>
    public static (bool Violated, ExplorationPath Path) Replay(Func<ExplorationRun, bool> play, IReadOnlyList<int> choices, ExplorationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(play);
        ArgumentNullException.ThrowIfNull(choices);
        options ??= new ExplorationOptions();
        options.Validate();
        var run = new ExplorationRun(choices, null, options with { StateHash = null, NodeHash = null, SymmetryGroups = null }, null);
        bool violated = play(run);
        run.CheckReplayed();
        return (violated, new ExplorationPath([.. run.Decisions]));
    }

    /// <summary>The prefix of the next path in depth-first order: the deepest decision with an option left, taken; null when none is left.</summary>
    private static List<int>? Next(IReadOnlyList<ExplorationDecision> decisions)
    {
        for (int i = decisions.Count - 1; i >= 0; i--)
        {
            if (decisions[i].Choice + 1 < decisions[i].Options)
            {
                List<int> next = [.. decisions.Take(i).Select(d => d.Choice)];
                next.Add(decisions[i].Choice + 1);
                return next;
            }
        }

        return null;
    }
}
