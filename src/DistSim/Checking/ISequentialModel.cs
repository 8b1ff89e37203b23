namespace DistSim.Checking;

/// <summary>A sequential specification: the state of the object and how an operation moves it.</summary>
/// <typeparam name="TState">The object's state. It must have value equality and a matching hash code (a record, a string,
/// a number, or a type of the model's own): the checker memoises (operations linearized, state) pairs and finds a state
/// again by equality.</typeparam>
/// <typeparam name="TInput">A call.</typeparam>
/// <typeparam name="TOutput">An answer.</typeparam>
/// <remarks>
/// A model must be pure: <see cref="Initial"/> returns equal states every time, and <see cref="Step"/> depends only on its
/// arguments and changes none of them (states are values; a step returns a new one). The contract tests in
/// <c>tests/DistSim.Tests/Checking/Contracts</c> hold every built-in model to this; see <c>docs/concepts/checking.md</c>.
/// </remarks>
public interface ISequentialModel<TState, TInput, TOutput>
{
    /// <summary>The initial state.</summary>
    TState Initial { get; }

    /// <summary>Applies <paramref name="input"/> to <paramref name="state"/>: whether <paramref name="output"/> is a legal answer, and the next state.</summary>
    /// <param name="state">The state before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">The answer observed.</param>
    (bool Legal, TState Next) Step(TState state, TInput input, TOutput output);

    /// <summary>
    /// Applies a call whose answer nobody saw (pending at the end of the history, or recorded with an unknown outcome):
    /// whether it can take effect in <paramref name="state"/> with some answer, and the state after it if it did.
    /// </summary>
    /// <param name="state">The state before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">What the history holds as its answer (usually the default value: nobody saw one).</param>
    /// <remarks>
    /// The checker also tries the call not taking effect at all, so a model only describes the case where it did.
    /// The default calls <see cref="Step"/> with <paramref name="output"/>, which is right only for calls whose answer
    /// does not matter (a write); override it when the answer carries information (a read, a compare-and-set whose
    /// success is unknown, a dequeue).
    /// </remarks>
    (bool Legal, TState Next) StepPending(TState state, TInput input, TOutput output) => Step(state, input, output);
}
