using DistSim.Checking;

namespace DistSim.Tests.Checking.Support;

/// <summary>
/// A linearizability checker by enumeration, to hold the real one to: every order of the operations consistent with
/// real time (pending ones placed or left out), no memoisation, no cleverness. Small histories only (≤ 8 operations).
/// </summary>
public static class BruteForce
{
    /// <summary>
    /// Whether <paramref name="ops"/> (one partition) is linearizable, and the longest run of completed operations, in
    /// return order (ties by position in <paramref name="ops"/>), that some real-time-consistent prefix linearizes.
    /// </summary>
    public static (bool Linearizable, int Best) Check<TState, TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> ops, ISequentialModel<TState, TInput, TOutput> model)
    {
        Assert.True(ops.Count <= 8, "brute force is for small histories");
        int[] rank = ReturnRanks(ops);
        int completed = ops.Count(o => !o.IsPending);
        bool linearizable = false;
        int best = 0;
        var placed = new bool[ops.Count];
        Explore(model.Initial);
        return (linearizable, best);

        void Explore(TState state)
        {
            int run = 0;
            while (run < completed && Enumerable.Range(0, ops.Count).Any(i => placed[i] && rank[i] == run))
            {
                run++;
            }

            best = Math.Max(best, run);
            linearizable |= run == completed;
            for (int i = 0; i < ops.Count; i++)
            {
                if (placed[i] || !Minimal(i))
                {
                    continue;
                }

                (bool legal, TState next) = ops[i].IsPending
                    ? model.StepPending(state, ops[i].Input, ops[i].Output)
                    : model.Step(state, ops[i].Input, ops[i].Output);
                if (legal)
                {
                    placed[i] = true;
                    Explore(next);
                    placed[i] = false;
                }
            }
        }

        // Nothing still to place returned before this one was called.
        bool Minimal(int i) => !Enumerable.Range(0, ops.Count).Any(j => j != i && !placed[j] && !ops[j].IsPending && ops[j].Return < ops[i].Call);
    }

    /// <summary>The return rank of each completed operation (by return time, then position); -1 for pending ones.</summary>
    public static int[] ReturnRanks<TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> ops)
    {
        int[] rank = Enumerable.Repeat(-1, ops.Count).ToArray();
        int r = 0;
        foreach (int i in Enumerable.Range(0, ops.Count).Where(i => !ops[i].IsPending).OrderBy(i => ops[i].Return).ThenBy(i => i))
        {
            rank[i] = r++;
        }

        return rank;
    }

    /// <summary>The completed operation of return rank <paramref name="rank"/>.</summary>
    public static Operation<TInput, TOutput> ByRank<TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> ops, int rank) =>
        ops[Array.IndexOf(ReturnRanks(ops), rank)];
}
