namespace DistSim.Checking;

/// <summary>One operation of a concurrent history: a client's call, and its return (or none, if it never returned).</summary>
/// <typeparam name="TInput">What the call asked.</typeparam>
/// <typeparam name="TOutput">What the return answered.</typeparam>
/// <param name="Client">Who called.</param>
/// <param name="Call">When the call happened (any monotonic clock: virtual ticks, a sequence number).</param>
/// <param name="Return">When it returned; <see cref="long.MaxValue"/> for a call still pending at the end (it may or may not have taken effect).</param>
/// <param name="Input">The call.</param>
/// <param name="Output">The answer.</param>
public sealed record Operation<TInput, TOutput>(int Client, long Call, long Return, TInput Input, TOutput Output);

/// <summary>A sequential specification: the state of the object and how an operation moves it.</summary>
/// <typeparam name="TState">The object's state; must have value equality (a record, a string, …).</typeparam>
/// <typeparam name="TInput">A call.</typeparam>
/// <typeparam name="TOutput">An answer.</typeparam>
public interface ISequentialModel<TState, TInput, TOutput>
    where TState : notnull
{
    /// <summary>The initial state.</summary>
    TState Initial { get; }

    /// <summary>Applies <paramref name="input"/> to <paramref name="state"/>: whether <paramref name="output"/> is a legal answer, and the next state.</summary>
    /// <param name="state">The state before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">The answer observed.</param>
    (bool Legal, TState Next) Step(TState state, TInput input, TOutput output);
}

/// <summary>
/// A linearizability checker (Herlihy and Wing): is there a total order of the operations, consistent
/// with real time (an operation that returned before another was called comes first), in which every
/// answer is the one the sequential model gives? The search is Wing and Gong's, with Lowe's memoisation of
/// (operations linearized, state) pairs, as in the Porcupine and Knossos checkers; split a history into
/// independent parts (e.g. by key) first, as P-compositionality allows.
/// </summary>
public static class Linearizability
{
    /// <summary>Whether <paramref name="history"/> is linearizable with respect to <paramref name="model"/>.</summary>
    /// <param name="history">The operations (at most a few thousand per independent part).</param>
    /// <param name="model">The sequential specification.</param>
    public static bool Check<TState, TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> history, ISequentialModel<TState, TInput, TOutput> model)
        where TState : notnull
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(model);
        int n = history.Count;
        if (n == 0)
        {
            return true;
        }

        // Events in time order, a call before a return at the same instant; a doubly linked list over them.
        var events = new List<(long Time, bool IsCall, int Op)>(2 * n);
        for (int i = 0; i < n; i++)
        {
            if (history[i].Return < history[i].Call)
            {
                throw new ArgumentException($"history: operation {i} returns ({history[i].Return}) before it is called ({history[i].Call})", nameof(history));
            }

            events.Add((history[i].Call, true, i));
            events.Add((history[i].Return, false, i));
        }

        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : b.IsCall.CompareTo(a.IsCall));
        int count = events.Count;
        int[] next = new int[count + 1], prev = new int[count + 1]; // index 0 is the head sentinel; event k is node k + 1
        int[] callNode = new int[n], returnNode = new int[n];
        for (int k = 0; k <= count; k++)
        {
            next[k] = k + 1 <= count ? k + 1 : -1;
            prev[k] = k - 1;
        }

        for (int k = 0; k < count; k++)
        {
            (_, bool isCall, int op) = events[k];
            (isCall ? callNode : returnNode)[op] = k + 1;
        }

        // Calls still pending at the end may or may not have taken effect: only completed ones must be placed.
        int remaining = history.Count(o => o.Return != long.MaxValue);
        var linearized = new bool[n];
        var cache = new HashSet<(string Set, TState State)>();
        var stack = new Stack<(int Op, TState State)>();
        TState state = model.Initial;
        int entry = next[0];
        while (remaining > 0)
        {
            (_, bool isCall, int op) = events[entry - 1];
            if (isCall)
            {
                (bool legal, TState after) = model.Step(state, history[op].Input, history[op].Output);
                if (legal)
                {
                    linearized[op] = true;
                    if (cache.Add((Key(linearized), after)))
                    {
                        stack.Push((op, state));
                        state = after;
                        Lift(callNode[op]);
                        Lift(returnNode[op]);
                        remaining -= history[op].Return != long.MaxValue ? 1 : 0;
                        entry = next[0];
                        continue;
                    }

                    linearized[op] = false;
                }

                entry = next[entry];
            }
            else
            {
                // A return reached: its operation must be linearized before anything after it. Backtrack.
                if (stack.Count == 0)
                {
                    return false;
                }

                (int undone, TState before) = stack.Pop();
                state = before;
                linearized[undone] = false;
                Unlift(returnNode[undone]);
                Unlift(callNode[undone]);
                remaining += history[undone].Return != long.MaxValue ? 1 : 0;
                entry = next[callNode[undone]];
            }

            if (entry == -1)
            {
                return false;
            }
        }

        return true;

        void Lift(int node)
        {
            next[prev[node]] = next[node];
            if (next[node] != -1)
            {
                prev[next[node]] = prev[node];
            }
        }

        void Unlift(int node)
        {
            next[prev[node]] = node;
            if (next[node] != -1)
            {
                prev[next[node]] = node;
            }
        }
    }

    private static string Key(bool[] linearized)
    {
        var bits = new char[(linearized.Length + 15) / 16];
        for (int i = 0; i < linearized.Length; i++)
        {
            if (linearized[i])
            {
                bits[i / 16] = (char)(bits[i / 16] | (1 << (i % 16)));
            }
        }

        return new string(bits);
    }
}
