using System.Globalization;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Scheduling;

namespace DistSim.Exploration;

/// <summary>
/// One path of a bounded exhaustive search: handed to the scenario's play function by <see cref="Explorer"/>, which
/// builds its simulation with <see cref="Apply"/> and may make nondeterministic choices with <see cref="Choose"/>. Every
/// decision of the run — the order of events, whether a packet is lost, whether a node crashes, a choice — takes the
/// option the path prescribes, or the default (0) past its prefix; the search then backtracks to the deepest decision
/// with an option left.
/// </summary>
public sealed class ExplorationRun
{
    private readonly IReadOnlyList<int> _prefix;
    private readonly IReadOnlyList<ExplorationDecision>? _expected;
    private readonly ExplorationOptions _options;
    private readonly Dictionary<ulong, long>? _visited;
    private readonly List<ExplorationDecision> _decisions = [];
    private Simulation? _simulation;
    private bool _applied;
    private int _dropsLeft;
    private int _crashesLeft;

    internal ExplorationRun(IReadOnlyList<int> prefix, IReadOnlyList<ExplorationDecision>? expected, ExplorationOptions options, Dictionary<ulong, long>? visited)
    {
        _prefix = prefix;
        _expected = expected;
        _options = options;
        _visited = visited;
        _dropsLeft = options.MaxDrops;
        _crashesLeft = options.MaxCrashes;
    }

    /// <summary>The decisions made so far.</summary>
    public IReadOnlyList<ExplorationDecision> Decisions => _decisions;

    /// <summary>Whether the run was cut at a state explored already.</summary>
    public bool Pruned { get; private set; }

    /// <summary>Decision points this run reached that no earlier path had (new states).</summary>
    internal long NewStates { get; private set; }

    /// <summary>
    /// The options of the path's simulation: the exploring scheduler (when the order is explored), and the network's
    /// faults in the search's hands — no packet is lost, duplicated or omitted at random; the search loses the ones it
    /// chooses to. Call it once, for the one simulation of the run.
    /// </summary>
    /// <param name="options">The scenario's options.</param>
    /// <exception cref="InvalidOperationException">Called a second time: a path explores one simulation.</exception>
    public SimulationOptions Apply(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_applied)
        {
            throw new InvalidOperationException("ExplorationRun.Apply: a path explores one simulation; build it once per run");
        }

        _applied = true;
        return options with
        {
            Scheduler = _options.ExploreOrder ? new ExploringScheduler(this) : Schedulers.Fifo,
            Exploration = this,
        };
    }

    /// <summary>
    /// A nondeterministic choice of scenario or node code (e.g. what a Byzantine traitor sends): every option is explored.
    /// Must be made in the simulation's deterministic order (from handlers, or before the run).
    /// </summary>
    /// <param name="options">How many options, at least 1.</param>
    /// <param name="what">What is chosen, for the path's story.</param>
    /// <returns>The option taken, in [0, <paramref name="options"/>).</returns>
    public int Choose(int options, string? what = null)
    {
        if (options < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "must be >= 1");
        }

        if (Current >= _options.MaxDepth && _simulation is not null && Step > 0)
        {
            return 0; // past the depth: the default
        }

        return Decide(DecisionKind.Choice, options, Current, c => string.Create(CultureInfo.InvariantCulture, $"{what ?? "choice"}: option {c}"));
    }

    /// <summary>Called by the simulation it applied to.</summary>
    internal void Attach(Simulation simulation) => _simulation = simulation;

    /// <summary>Events run so far: before an event, the index of the event about to run.</summary>
    private long Step => _simulation?.ExecutedCount ?? 0;

    /// <summary>The index of the event running now (a decision made inside it: a lost packet, a choice); 0 before the run.</summary>
    private long Current => Math.Max(0, Step - 1);

    /// <summary>Why the path did not replay, once it went wrong (reported after the run: thrown inside a handler it would look like the node's fault).</summary>
    private string? _divergence;

    /// <summary>Before each event: prune a state explored already; a crash point. False stops the run.</summary>
    internal bool BeforeEvent(Simulation simulation)
    {
        if (Pruned)
        {
            return false;
        }

        if (Step >= _options.MaxDepth)
        {
            return true;
        }

        bool fresh = _decisions.Count >= _prefix.Count; // past the point where this path left the one before
        if (fresh && (_options.StateHash is not null || _options.NodeHash is not null))
        {
            ulong h = Mix(Mix(StateOf(simulation), (ulong)_dropsLeft), (ulong)_crashesLeft);
            if (_visited!.TryGetValue(h, out long depth) && depth <= Step)
            {
                Pruned = true;
                return false;
            }

            _visited[h] = Step;
        }

        if (fresh)
        {
            NewStates++; // a decision point no earlier path reached (the prefix's were reached by the path before)
        }

        if (_crashesLeft > 0)
        {
            NodeId[] crashable = [.. simulation.Nodes.Where(n => simulation.IsUp(n) && simulation.FailureModelOf(n).Allows(FaultKinds.Stop))];
            if (crashable.Length > 0)
            {
                int c = Decide(DecisionKind.Crash, crashable.Length + 1, Step, c => c == 0 ? "no crash" : $"crash node {crashable[c - 1].Value} ({simulation.NodeName(crashable[c - 1])})");
                if (c > 0)
                {
                    _crashesLeft--;
                    simulation.Crash(crashable[c - 1]);
                }
            }
        }

        return true;
    }

    /// <summary>A packet is put on the wire: delivered (false) or lost (true), when the budget and the filter allow a branch.</summary>
    internal bool DecideDrop(int from, int to, long number)
    {
        if (_dropsLeft == 0 || Current >= _options.MaxDepth || (_options.DropFilter is { } filter && !filter(new NodeId(from), new NodeId(to))))
        {
            return false;
        }

        bool lost = Decide(DecisionKind.Drop, 2, Current, c => string.Create(CultureInfo.InvariantCulture, $"{(c == 1 ? "lose" : "deliver")} packet {number} from node {from} to node {to}")) == 1;
        if (lost)
        {
            _dropsLeft--;
        }

        return lost;
    }

    /// <summary>Which candidate runs next.</summary>
    internal int ChooseOrder(ReadOnlySpan<SchedulingCandidate> candidates)
    {
        if (candidates.Length < 2 || Step >= _options.MaxDepth)
        {
            return 0;
        }

        string[] names = new string[candidates.Length];
        for (int i = 0; i < candidates.Length; i++)
        {
            names[i] = candidates[i].ToString();
        }

        return Decide(DecisionKind.Order, candidates.Length, Step, c => $"run {names[c]} first");
    }

    private int Decide(DecisionKind kind, int options, long step, Func<int, string> detail)
    {
        int index = _decisions.Count;
        int choice = index < _prefix.Count ? _prefix[index] : 0;
        if (_divergence is not null)
        {
            return 0; // gone wrong already: finish the run on defaults, then report
        }

        if (_expected is not null && index < _prefix.Count && index < _expected.Count
            && (_expected[index].Kind != kind || _expected[index].Options != options || _expected[index].Step != step))
        {
            ExplorationDecision was = _expected[index];
            _divergence = string.Create(
                CultureInfo.InvariantCulture,
                $"decision {index} was {was.Kind} of {was.Options} option(s) at event {was.Step}, now {kind} of {options} at event {step} — the play function is not a function of its decisions (a random source outside the seed, or state kept between plays?)");
            return 0;
        }

        if (choice >= options)
        {
            _divergence = string.Create(CultureInfo.InvariantCulture, $"decision {index} ({kind} at event {step}) has {options} option(s); the path asks option {choice}");
            return 0;
        }

        string text = detail(choice);
        if (_expected is not null && index < _prefix.Count - 1 && index < _expected.Count && _expected[index].Detail != text)
        {
            _divergence = string.Create(CultureInfo.InvariantCulture, $"decision {index} was \"{_expected[index].Detail}\", now \"{text}\" — the play function is not a function of its decisions");
            return 0;
        }

        _decisions.Add(new ExplorationDecision(kind, choice, options, step, _simulation?.Now ?? Time.SimTime.Zero, text));
        return choice;
    }

    /// <summary>After the play: throws if the path did not replay (a decision differed, an option was out of range, or choices were left over).</summary>
    internal void CheckReplayed()
    {
        if (_divergence is null && _decisions.Count < _prefix.Count && !Pruned)
        {
            _divergence = string.Create(CultureInfo.InvariantCulture, $"the run made {_decisions.Count} decision(s); the path has {_prefix.Count}");
        }

        if (_divergence is not null)
        {
            throw new ExplorationReplayException("the path did not replay: " + _divergence);
        }
    }

    /// <summary>
    /// The state at a decision point: the user's hash, each node's, and the pending events. With symmetry groups, the
    /// least of these over every renaming of the nodes within their groups: states equal up to such a renaming are one.
    /// </summary>
    private ulong StateOf(Simulation simulation)
    {
        ulong user = _options.StateHash?.Invoke(simulation) ?? 0;
        if (_options.NodeHash is not { } nodeHash)
        {
            return Mix(user, simulation.PendingDigest(null));
        }

        int n = simulation.Nodes.Count;
        ulong[] hashes = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            hashes[i] = nodeHash(simulation, new NodeId(i));
        }

        ulong best = ulong.MaxValue;
        var canonical = new ulong[n];
        foreach (int[] rename in Renamings(n))
        {
            for (int i = 0; i < n; i++)
            {
                canonical[rename[i]] = hashes[i];
            }

            ulong h = user;
            foreach (ulong c in canonical)
            {
                h = Mix(h, c);
            }

            best = Math.Min(best, Mix(h, simulation.PendingDigest(rename)));
        }

        return best;
    }

    /// <summary>Every renaming of the nodes that permutes each symmetry group within itself (the identity alone without groups).</summary>
    private IEnumerable<int[]> Renamings(int n)
    {
        IEnumerable<int[]> renamings = [[.. Enumerable.Range(0, n)]];
        foreach (IReadOnlyList<NodeId> group in _options.SymmetryGroups ?? [])
        {
            int[] members = [.. group.Select(g => g.Value).Where(v => v < n).Distinct().Order()];
            renamings = renamings.SelectMany(r => Permutations(members).Select(p =>
            {
                int[] next = [.. r];
                for (int k = 0; k < members.Length; k++)
                {
                    next[members[k]] = p[k];
                }

                return next;
            })).ToList();
        }

        return renamings;
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (int i = 0; i < items.Length; i++)
        {
            int[] rest = [.. items.Where((_, j) => j != i)];
            foreach (int[] tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }

    private static ulong Mix(ulong a, ulong b) => ulong.RotateLeft((a ^ b) * 0x9E3779B97F4A7C15UL, 29) + 0x165667B19E3779F9UL;

    /// <summary>The strategy that asks the path which candidate runs.</summary>
    private sealed class ExploringScheduler(ExplorationRun run) : Scheduler("explore")
    {
        protected internal override SchedulerRun Begin(RandomStream random) => new Run(run);

        private sealed class Run(ExplorationRun run) : SchedulerRun
        {
            public override int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step) => run.ChooseOrder(candidates);
        }
    }
}
