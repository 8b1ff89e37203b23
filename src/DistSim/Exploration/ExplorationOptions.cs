using DistSim.Nodes;

namespace DistSim.Exploration;

/// <summary>The bounds of a bounded exhaustive search (<see cref="Explorer"/>). Validated when the search starts.</summary>
public sealed record ExplorationOptions
{
    /// <summary>
    /// The depth: decisions branch only before the first this-many events of a run; later, every decision takes its
    /// default (FIFO order, deliver, no crash, option 0). Default 30.
    /// </summary>
    public int MaxDepth { get; init; } = 30;

    /// <summary>Whether the order of events is explored (every candidate a scheduling strategy could pick, see <c>docs/concepts/exploration.md</c>). Default true.</summary>
    public bool ExploreOrder { get; init; } = true;

    /// <summary>How many packets one path may lose (each transmission within the depth is a branch: delivered or lost). Default 0.</summary>
    public int MaxDrops { get; init; }

    /// <summary>Which directions packets may be lost on (null: every one): focus the search, as a network filter would.</summary>
    public Func<NodeId, NodeId, bool>? DropFilter { get; init; }

    /// <summary>How many crashes one path may have (before each event within the depth: no crash, or one of the nodes that are up and may stop). Crashed nodes stay down. Default 0.</summary>
    public int MaxCrashes { get; init; }

    /// <summary>
    /// The state of the system for pruning: two decision points with the same hash (combined with the pending events, the
    /// budgets left and the depth) have the same futures, so the second is not explored again. Null (the default): no
    /// pruning, a pure tree search. The hash must cover everything the nodes' futures depend on; a hash that is the same
    /// for states equal up to a permutation of interchangeable nodes gives symmetry reduction only together with
    /// <see cref="SymmetryGroups"/> (the pending events name nodes).
    /// </summary>
    public Func<Simulation, ulong>? StateHash { get; init; }

    /// <summary>
    /// Symmetry reduction: groups of interchangeable nodes (same code, same model, same role — say the replicas of a
    /// cluster), with <see cref="NodeHash"/>. A state is hashed under every renaming of the nodes within their groups
    /// (node hashes and the pending events' nodes alike) and the least hash taken, so states equal up to such a renaming
    /// are one state. At most 40,320 renamings (8! for one group). Null (the default): no symmetry. Sound when
    /// <see cref="NodeHash"/> covers each node's whole state and says nothing about which other node is which, and when
    /// messages name no node of a group (a node state or message naming a peer breaks the symmetry: leave those nodes
    /// out of a group).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<NodeId>>? SymmetryGroups { get; init; }

    /// <summary>The state of one node, for <see cref="SymmetryGroups"/> (and, with or without groups, part of the state hash of every node).</summary>
    public Func<Simulation, NodeId, ulong>? NodeHash { get; init; }

    /// <summary>The most paths (whole runs) explored; the search stops there, incomplete. Default 100,000.</summary>
    public long MaxPaths { get; init; } = 100_000;

    /// <summary>
    /// Stops the search between two paths once cancelled (the path under way runs to its end): the search returns what it
    /// explored, with <see cref="ExplorationResult.Cancelled"/> set and <see cref="ExplorationResult.Complete"/> false; it
    /// does not throw, since a partial search is still a result. Default: none.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Stop at the first violating path (default true); false explores every path and counts the violating ones.</summary>
    public bool StopAtFirstViolation { get; init; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        if (MaxDepth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "must be >= 0");
        }

        if (MaxDrops < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDrops), MaxDrops, "must be >= 0");
        }

        if (MaxCrashes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCrashes), MaxCrashes, "must be >= 0");
        }

        if (SymmetryGroups is not null && NodeHash is null)
        {
            throw new ArgumentException("SymmetryGroups: needs NodeHash, to tell the nodes of a group apart by their states", nameof(SymmetryGroups));
        }

        if (SymmetryGroups is { } groups)
        {
            double renamings = groups.Aggregate(1.0, (product, g) => product * Enumerable.Range(1, Math.Max(1, g?.Count ?? 1)).Aggregate(1.0, (f, k) => f * k));
            if (renamings > 40_320)
            {
                throw new ArgumentOutOfRangeException(nameof(SymmetryGroups), renamings, "the groups allow more than 40,320 renamings (8!); use smaller groups");
            }

            var seen = new HashSet<NodeId>();
            foreach (IReadOnlyList<NodeId>? group in groups)
            {
                foreach (NodeId node in group ?? throw new ArgumentNullException(nameof(SymmetryGroups), "a group is null"))
                {
                    if (!seen.Add(node))
                    {
                        throw new ArgumentException($"node {node.Value} is in more than one group", nameof(SymmetryGroups));
                    }
                }
            }
        }

        if (MaxPaths < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPaths), MaxPaths, "must be >= 1");
        }
    }
}
