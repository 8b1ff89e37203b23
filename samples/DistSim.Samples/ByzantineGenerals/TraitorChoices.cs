using DistSim.Random;

namespace DistSim.Samples.ByzantineGenerals;

/// <summary>Where a traitor's decisions come from.</summary>
public interface ITraitorChoices
{
    /// <summary>Whether a traitor may also stay silent (send nothing) where it should send.</summary>
    bool AllowSilence { get; }

    /// <summary>Picks one of <paramref name="options"/> (0 … options − 1).</summary>
    /// <param name="options">How many options there are, at least 1.</param>
    /// <param name="random">The traitor's own stream.</param>
    int Choose(int options, RandomStream random);
}

/// <summary>Seeded random choices, from each traitor's own stream: a random order for every message it sends (never silence).</summary>
public sealed class RandomChoices : ITraitorChoices
{
    /// <inheritdoc />
    public bool AllowSilence => false;

    /// <inheritdoc />
    public int Choose(int options, RandomStream random) => (int)random.NextBelow((ulong)options);
}

/// <summary>
/// Choices for exhaustive enumeration: the first decisions follow a given prefix, later ones take option 0;
/// every decision's option count is recorded, so the next unexplored branch can be computed
/// (<see cref="Next"/>). Decisions happen in the simulation's deterministic event order.
/// </summary>
/// <param name="prefix">The choices to replay.</param>
public sealed class ScriptedChoices(IReadOnlyList<int> prefix) : ITraitorChoices
{
    private readonly List<int> _taken = [];
    private readonly List<int> _counts = [];

    /// <inheritdoc />
    public bool AllowSilence => true;

    /// <inheritdoc />
    public int Choose(int options, RandomStream random)
    {
        int i = _taken.Count;
        int choice = i < prefix.Count ? prefix[i] : 0;
        _taken.Add(choice);
        _counts.Add(options);
        return choice;
    }

    /// <summary>The prefix of the next branch in depth-first order, or null when every branch was run.</summary>
    public IReadOnlyList<int>? Next()
    {
        for (int i = _taken.Count - 1; i >= 0; i--)
        {
            if (_taken[i] + 1 < _counts[i])
            {
                return [.. _taken.Take(i), _taken[i] + 1];
            }
        }

        return null;
    }
}

/// <summary>A traitor's choices made by the bounded exhaustive search (<c>--explore</c>): every option of every decision is explored, silence included.</summary>
/// <param name="run">The path being explored.</param>
public sealed class ExploredChoices(DistSim.Exploration.ExplorationRun run) : ITraitorChoices
{
    /// <inheritdoc />
    public bool AllowSilence => true;

    /// <inheritdoc />
    public int Choose(int options, RandomStream random) => run.Choose(options, "traitor sends");
}
