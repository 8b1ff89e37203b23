namespace DistSim.Checking;

/// <summary>One operation placed in a linearization, with the model's state right after it.</summary>
/// <typeparam name="TState">The model's state.</typeparam>
/// <typeparam name="TInput">A call.</typeparam>
/// <typeparam name="TOutput">An answer.</typeparam>
/// <param name="Operation">The operation (the very object of the history that was checked).</param>
/// <param name="StateAfter">The model's state after it took effect.</param>
public sealed record LinearizedOperation<TState, TInput, TOutput>(Operation<TInput, TOutput> Operation, TState StateAfter);
