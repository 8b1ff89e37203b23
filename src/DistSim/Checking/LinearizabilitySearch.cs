namespace DistSim.Checking;

/// <summary>
/// The search of one (partition of a) history: Wing and Gong's depth-first search over a doubly linked list of call
/// and return events, with Lowe's memoisation of (operations linearized, state) — the algorithm of Knossos's
/// <c>wgl</c> and of Porcupine. Besides the verdict it keeps the evidence Knossos reports: the longest run of completed
/// operations, in return order, that some configuration linearized, and the first such configuration.
/// </summary>
/// <remarks>
/// Pending operations have no return event (they never block the search); one whose effect leaves the state unchanged
/// is not placed at all, since leaving it out reaches every configuration placing it would.
/// Not thread-safe: one search per call.
/// </remarks>
internal sealed class LinearizabilitySearch<TState, TInput, TOutput>
{
    private static readonly EqualityComparer<TState> States = EqualityComparer<TState>.Default;

    private readonly IReadOnlyList<Operation<TInput, TOutput>> _ops;
    private readonly ISequentialModel<TState, TInput, TOutput> _model;
    private readonly SearchBudget _budget;

    // The event list: node 0 is the head; node k + 1 is the k-th event in time order. -1 ends the list.
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _nodeOp;
    private readonly bool[] _nodeIsCall;
    private readonly int[] _callNode;
    private readonly int[] _returnNode;

    // Completed operations numbered by return order, for the evidence.
    private readonly int[] _rank;
    private readonly int[] _byRank;
    private readonly bool[] _rankDone;
    private int _contiguous;
    private int _best;
    private Frame? _bestTop;

    // The configuration: linearized operations (bits + Zobrist hash) and the stack that placed them, as a persistent
    // list, so that keeping the best configuration so far costs one reference, not a copy.
    private readonly ulong[] _bits;
    private ulong _bitsHash;
    private Frame? _top;

    private LinearizabilitySearch(IReadOnlyList<Operation<TInput, TOutput>> ops, ISequentialModel<TState, TInput, TOutput> model, SearchBudget budget)
    {
        _ops = ops;
        _model = model;
        _budget = budget;
        int n = ops.Count;
        var events = new List<(long Time, int Kind, int Op)>(2 * n);
        for (int i = 0; i < n; i++)
        {
            events.Add((ops[i].Call, 0, i));
            if (!ops[i].IsPending)
            {
                events.Add((ops[i].Return, 1, i));
            }
        }

        // Time order; at one instant calls before returns (concurrent), then history order.
        events.Sort();
        int count = events.Count;
        _next = new int[count + 1];
        _prev = new int[count + 1];
        _nodeOp = new int[count + 1];
        _nodeIsCall = new bool[count + 1];
        _callNode = new int[n];
        _returnNode = new int[n];
        _rank = new int[n];
        Array.Fill(_returnNode, -1);
        Array.Fill(_rank, -1);
        var byRank = new List<int>(n);
        for (int k = 0; k <= count; k++)
        {
            _next[k] = k < count ? k + 1 : -1;
            _prev[k] = k - 1;
        }

        for (int k = 0; k < count; k++)
        {
            (_, int kind, int op) = events[k];
            _nodeOp[k + 1] = op;
            _nodeIsCall[k + 1] = kind == 0;
            if (kind == 0)
            {
                _callNode[op] = k + 1;
            }
            else
            {
                _returnNode[op] = k + 1;
                _rank[op] = byRank.Count;
                byRank.Add(op);
            }
        }

        _byRank = [.. byRank];
        _rankDone = new bool[_byRank.Length];
        _bits = new ulong[(n + 63) / 64];
    }

    /// <summary>Checks <paramref name="ops"/> against <paramref name="model"/>, spending <paramref name="budget"/>.</summary>
    public static LinearizabilityResult<TState, TInput, TOutput> Run(
        IReadOnlyList<Operation<TInput, TOutput>> ops, ISequentialModel<TState, TInput, TOutput> model, string? partition, SearchBudget budget)
    {
        long before = budget.Used;
        var search = new LinearizabilitySearch<TState, TInput, TOutput>(ops, model, budget);
        (LinearizabilityVerdict verdict, Frame? top) = search.Search();
        List<LinearizedOperation<TState, TInput, TOutput>> prefix = search.Linearization(top);
        Operation<TInput, TOutput>? failing = verdict == LinearizabilityVerdict.NotLinearizable ? ops[search._byRank[search._best]] : null;
        UnknownReason reason = verdict == LinearizabilityVerdict.Unknown ? budget.Spent : UnknownReason.None;
        return new(verdict, reason, budget.Used - before, ops.Count, partition, failing, prefix, []);
    }

    private (LinearizabilityVerdict, Frame?) Search()
    {
        var cache = new HashSet<MemoKey<TState>>(MemoKeyComparer<TState>.Instance);
        TState state = _model.Initial;
        int remaining = _byRank.Length;
        int entry = _next[0];
        while (remaining > 0)
        {
            if (!_budget.Take())
            {
                return (LinearizabilityVerdict.Unknown, _bestTop);
            }

            if (entry != -1 && _nodeIsCall[entry])
            {
                int op = _nodeOp[entry];
                Operation<TInput, TOutput> o = _ops[op];
                (bool legal, TState after) = o.IsPending ? _model.StepPending(state, o.Input, o.Output) : _model.Step(state, o.Input, o.Output);
                if (legal && !(o.IsPending && States.Equals(after, state)) && Remember(cache, op, after))
                {
                    _top = new Frame(op, state, after, _top);
                    state = after;
                    Lift(_callNode[op]);
                    if (!o.IsPending)
                    {
                        Lift(_returnNode[op]);
                        remaining--;
                        Placed(_rank[op]);
                    }

                    entry = _next[0];
                }
                else
                {
                    entry = _next[entry];
                }

                continue;
            }

            // A return reached (its operation must be linearized before anything after it), or the end: backtrack.
            if (_top is null)
            {
                return (LinearizabilityVerdict.NotLinearizable, _bestTop);
            }

            int undone = _top.Op;
            state = _top.Before;
            _top = _top.Parent;
            Flip(undone);
            if (_returnNode[undone] != -1)
            {
                Unlift(_returnNode[undone]);
                remaining++;
                Removed(_rank[undone]);
            }

            Unlift(_callNode[undone]);
            entry = _next[_callNode[undone]];
        }

        return (LinearizabilityVerdict.Linearizable, _top);
    }

    /// <summary>Marks <paramref name="op"/> linearized if (linearized + op, <paramref name="after"/>) is new; false (and unmarked) if it was seen.</summary>
    private bool Remember(HashSet<MemoKey<TState>> cache, int op, TState after)
    {
        Flip(op);
        int stateHash = MemoKeyComparer<TState>.HashOf(after);
        if (cache.Contains(new MemoKey<TState>(_bits, _bitsHash, after, stateHash)))
        {
            Flip(op);
            return false;
        }

        cache.Add(new MemoKey<TState>((ulong[])_bits.Clone(), _bitsHash, after, stateHash));
        return true;
    }

    private void Flip(int op)
    {
        _bits[op >> 6] ^= 1UL << (op & 63);
        _bitsHash ^= Zobrist(op);
    }

    /// <summary>A fixed pseudo-random 64-bit key per operation (SplitMix64 of its index): XORed in and out as it is linearized and undone.</summary>
    private static ulong Zobrist(int op)
    {
        ulong z = ((ulong)op + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A completed operation was linearized: extend the run of linearized return ranks, and keep the first configuration that reached a longer one.</summary>
    private void Placed(int rank)
    {
        _rankDone[rank] = true;
        while (_contiguous < _rankDone.Length && _rankDone[_contiguous])
        {
            _contiguous++;
        }

        if (_contiguous > _best)
        {
            _best = _contiguous;
            _bestTop = _top;
        }
    }

    private void Removed(int rank)
    {
        _rankDone[rank] = false;
        _contiguous = Math.Min(_contiguous, rank);
    }

    /// <summary>A stack, bottom first, as a linearization: each operation with the state after it.</summary>
    private List<LinearizedOperation<TState, TInput, TOutput>> Linearization(Frame? top)
    {
        var prefix = new List<LinearizedOperation<TState, TInput, TOutput>>();
        for (Frame? f = top; f is not null; f = f.Parent)
        {
            prefix.Add(new(_ops[f.Op], f.After));
        }

        prefix.Reverse();
        return prefix;
    }

    /// <summary>One operation placed on the search's stack: the states around it, and the frame below.</summary>
    private sealed class Frame(int op, TState before, TState after, Frame? parent)
    {
        public int Op { get; } = op;

        public TState Before { get; } = before;

        public TState After { get; } = after;

        public Frame? Parent { get; } = parent;
    }

    private void Lift(int node)
    {
        _next[_prev[node]] = _next[node];
        if (_next[node] != -1)
        {
            _prev[_next[node]] = _prev[node];
        }
    }

    private void Unlift(int node)
    {
        _next[_prev[node]] = node;
        if (_next[node] != -1)
        {
            _prev[_next[node]] = node;
        }
    }
}
