namespace DistSim.Checking;

/// <summary>
/// A linearizability checker (Herlihy and Wing): is there a total order of the operations, consistent
/// with real time (an operation that returned before another was called comes first), in which every
/// answer is the one the sequential model gives? The search is Wing and Gong's, with Lowe's memoisation of
/// (operations linearized, state) pairs, as in the Porcupine and Knossos checkers; a history is split into
/// independent partitions first when the model declares them (<see cref="IPartitionedModel{TInput}"/>), as
/// P-compositionality allows.
/// </summary>
/// <remarks>
/// Thread-safe as long as the model is (the built-in ones are immutable): each call has its own search. Deterministic:
/// the same history, model and step budget give the same result, evidence included. See
/// <c>docs/concepts/checking.md</c>.
/// </remarks>
public static class Linearizability
{
    private static readonly LinearizabilityOptions Defaults = new();

    /// <summary>
    /// Whether <paramref name="history"/> is linearizable with respect to <paramref name="model"/>: the verdict of
    /// <see cref="Analyze"/> with no budget (it runs until it decides).
    /// </summary>
    /// <param name="history">The operations.</param>
    /// <param name="model">The sequential specification.</param>
    /// <exception cref="ArgumentException">An operation is null or returns before its call; the exception names it and its times.</exception>
    public static bool Check<TState, TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> history, ISequentialModel<TState, TInput, TOutput> model) =>
        Analyze(history, model).IsLinearizable;

    /// <summary>
    /// Checks whether <paramref name="history"/> is linearizable with respect to <paramref name="model"/>, within the
    /// budget of <paramref name="options"/>, and returns the verdict with its evidence: a linearization when there is
    /// one; for a violation, the operation that cannot be linearized and the longest linearizable prefix found.
    /// </summary>
    /// <param name="history">The operations, in any order (pending ones have <see cref="Operation{TInput, TOutput}.Return"/> = <see cref="long.MaxValue"/>).</param>
    /// <param name="model">The sequential specification; split by partition when it is an <see cref="IPartitionedModel{TInput}"/>.</param>
    /// <param name="options">The budget; null for none (the search runs until it decides).</param>
    /// <param name="cancellationToken">Stops the search: the result is then <see cref="LinearizabilityVerdict.Unknown"/> with
    /// <see cref="UnknownReason.Cancelled"/> (what was decided before stays in <see cref="LinearizabilityResult{TState, TInput, TOutput}.Partitions"/>); nothing is thrown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">An operation is null, is called at <see cref="long.MaxValue"/>, or returns before its call; the exception names it and its times.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception names it and its value.</exception>
    /// <exception cref="InvalidOperationException">A partitioned model gave a null partition key.</exception>
    public static LinearizabilityResult<TState, TInput, TOutput> Analyze<TState, TInput, TOutput>(
        IReadOnlyList<Operation<TInput, TOutput>> history,
        ISequentialModel<TState, TInput, TOutput> model,
        LinearizabilityOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(model);
        options ??= Defaults;
        options.Validate();
        Validate(history);
        var budget = new SearchBudget(options, cancellationToken);
        if (model is not IPartitionedModel<TInput> partitioned)
        {
            return LinearizabilitySearch<TState, TInput, TOutput>.Run(history, model, null, budget);
        }

        var parts = new List<LinearizabilityResult<TState, TInput, TOutput>>();
        foreach ((string key, List<Operation<TInput, TOutput>> ops) in Split(history, partitioned))
        {
            parts.Add(LinearizabilitySearch<TState, TInput, TOutput>.Run(ops, model, key, budget));
        }

        return Combine(parts);
    }

    private static void Validate<TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> history)
    {
        for (int i = 0; i < history.Count; i++)
        {
            Operation<TInput, TOutput>? op = history[i];
            if (op is null)
            {
                throw new ArgumentException($"history[{i}] is null", nameof(history));
            }

            if (op.Call == long.MaxValue)
            {
                throw new ArgumentException($"history[{i}] ({op}) is called at long.MaxValue, the time that marks a pending return; calls must come earlier", nameof(history));
            }

            if (op.Return < op.Call)
            {
                throw new ArgumentException($"history[{i}] ({op}) returns at {op.Return}, before its call at {op.Call}", nameof(history));
            }
        }
    }

    /// <summary>The history by partition key, partitions in the order they first appear, operations in history order.</summary>
    private static List<(string Key, List<Operation<TInput, TOutput>> Ops)> Split<TInput, TOutput>(
        IReadOnlyList<Operation<TInput, TOutput>> history, IPartitionedModel<TInput> model)
    {
        var parts = new List<(string Key, List<Operation<TInput, TOutput>> Ops)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < history.Count; i++)
        {
            string key = model.PartitionKey(history[i].Input)
                ?? throw new InvalidOperationException($"{model.GetType().Name}.PartitionKey returned null for history[{i}] ({history[i]})");
            if (!index.TryGetValue(key, out int at))
            {
                at = parts.Count;
                index.Add(key, at);
                parts.Add((key, []));
            }

            parts[at].Ops.Add(history[i]);
        }

        return parts;
    }

    /// <summary>
    /// The whole from its parts: not linearizable if one is not, else unknown if one is, else linearizable; the deciding
    /// part's evidence, or for a linearizable whole the parts' witnesses merged into one (<see cref="Merge"/>).
    /// </summary>
    private static LinearizabilityResult<TState, TInput, TOutput> Combine<TState, TInput, TOutput>(List<LinearizabilityResult<TState, TInput, TOutput>> parts)
    {
        LinearizabilityResult<TState, TInput, TOutput>? deciding =
            parts.FirstOrDefault(p => p.Verdict == LinearizabilityVerdict.NotLinearizable)
            ?? parts.FirstOrDefault(p => p.Verdict == LinearizabilityVerdict.Unknown);
        LinearizabilityVerdict verdict = deciding?.Verdict ?? LinearizabilityVerdict.Linearizable;
        IReadOnlyList<LinearizedOperation<TState, TInput, TOutput>> prefix = deciding?.Prefix ?? (parts.Count == 1 ? parts[0].Prefix : Merge(parts));
        return new(
            verdict,
            deciding?.UnknownReason ?? UnknownReason.None,
            parts.Sum(p => p.Steps),
            parts.Sum(p => p.OperationCount),
            null,
            deciding?.FailingOperation,
            prefix,
            parts);
    }

    /// <summary>
    /// One linearization of the whole history from the witnesses of its partitions, as the locality of linearizability
    /// promises. Each operation gets a point in time: the latest call among it and the operations before it in its own
    /// witness. The points of a witness never decrease, and each lies within its operation's interval — at or after its
    /// call by construction, and at or before its return because a witness respects real time (an operation placed
    /// before it was called no later than it returned). Sorting every operation by (point, partition, place in its
    /// witness) keeps each witness's order, and puts a before b whenever a returned before b was called (point of a ≤
    /// return of a &lt; call of b ≤ point of b). Each operation is legal where it lands, since a partitioned model's
    /// operations see only their own partition's state, which evolves as in its witness: the merge is a linearization
    /// of the whole, each <see cref="LinearizedOperation{TState, TInput, TOutput}.StateAfter"/> its partition's state.
    /// </summary>
    private static List<LinearizedOperation<TState, TInput, TOutput>> Merge<TState, TInput, TOutput>(List<LinearizabilityResult<TState, TInput, TOutput>> parts)
    {
        var placed = new List<(long Point, int Part, int Place, LinearizedOperation<TState, TInput, TOutput> Step)>(parts.Sum(p => p.Prefix.Count));
        for (int part = 0; part < parts.Count; part++)
        {
            long point = long.MinValue;
            IReadOnlyList<LinearizedOperation<TState, TInput, TOutput>> witness = parts[part].Prefix;
            for (int place = 0; place < witness.Count; place++)
            {
                Operation<TInput, TOutput> op = witness[place].Operation;
                point = Math.Max(point, op.Call);
                if (point > op.Return)
                {
                    throw new InvalidOperationException(
                        $"internal error: the witness of partition '{parts[part].Partition}' places {op} after an operation called after it returned");
                }

                placed.Add((point, part, place, witness[place]));
            }
        }

        placed.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Part != b.Part ? a.Part.CompareTo(b.Part) : a.Place.CompareTo(b.Place));
        return placed.ConvertAll(p => p.Step);
    }
}
