using DistSim.Checking;

namespace DistSim.Tests.Checking.Support;

/// <summary>Checks evidence a result gives, independently of the checker that gave it.</summary>
public static class Linearizations
{
    /// <summary>
    /// Fails unless <paramref name="prefix"/> is a linearizable prefix of <paramref name="ops"/>: operations of the
    /// history (by reference), each once, replaying through the model to the states it claims, in an order consistent
    /// with real time, and closed under real-time predecessors (no operation left out returned before one in it was called).
    /// </summary>
    public static void AssertValidPrefix<TState, TInput, TOutput>(
        IReadOnlyList<Operation<TInput, TOutput>> ops,
        IReadOnlyList<LinearizedOperation<TState, TInput, TOutput>> prefix,
        ISequentialModel<TState, TInput, TOutput> model)
    {
        var inHistory = new HashSet<Operation<TInput, TOutput>>(ops, ReferenceEqualityComparer.Instance);
        var inPrefix = new HashSet<Operation<TInput, TOutput>>(ReferenceEqualityComparer.Instance);
        TState state = model.Initial;
        foreach (LinearizedOperation<TState, TInput, TOutput> step in prefix)
        {
            Operation<TInput, TOutput> op = step.Operation;
            Assert.True(inHistory.Contains(op), $"{op} is not an operation of the history");
            Assert.True(inPrefix.Add(op), $"{op} is placed twice");
            (bool legal, TState next) = op.IsPending ? model.StepPending(state, op.Input, op.Output) : model.Step(state, op.Input, op.Output);
            Assert.True(legal, $"{op} is not legal in state {state}");
            Assert.Equal(next, step.StateAfter);
            state = next;
        }

        for (int i = 0; i < prefix.Count; i++)
        {
            for (int j = i + 1; j < prefix.Count; j++)
            {
                Assert.False(prefix[j].Operation.Return < prefix[i].Operation.Call, $"{prefix[j].Operation} returned before {prefix[i].Operation} was called, yet comes after it");
            }
        }

        foreach (Operation<TInput, TOutput> left in ops.Where(o => !inPrefix.Contains(o) && !o.IsPending))
        {
            Assert.DoesNotContain(prefix, p => left.Return < p.Operation.Call);
        }
    }

    /// <summary>Fails unless <paramref name="linearization"/> is a whole linearization: a valid prefix holding every completed operation.</summary>
    public static void AssertValidLinearization<TState, TInput, TOutput>(
        IReadOnlyList<Operation<TInput, TOutput>> ops,
        IReadOnlyList<LinearizedOperation<TState, TInput, TOutput>> linearization,
        ISequentialModel<TState, TInput, TOutput> model)
    {
        AssertValidPrefix(ops, linearization, model);
        var placed = new HashSet<Operation<TInput, TOutput>>(linearization.Select(l => l.Operation), ReferenceEqualityComparer.Instance);
        Assert.All(ops.Where(o => !o.IsPending), o => Assert.Contains(o, placed));
    }
}
