namespace DistSim.Checking;

/// <summary>
/// A model whose operations fall into independent partitions (a key-value store: one partition per key): operations of
/// different partitions never affect each other, so a history is linearizable exactly when each partition's
/// sub-history is (linearizability is compositional, Herlihy and Wing). <see cref="Linearizability.Analyze"/> splits a
/// history by <see cref="PartitionKey"/> and checks each part on its own, which is exponentially cheaper than the whole.
/// </summary>
/// <typeparam name="TInput">A call.</typeparam>
/// <remarks>
/// The model's <see cref="ISequentialModel{TState, TInput, TOutput}.Step"/> then describes one partition: its
/// <see cref="ISequentialModel{TState, TInput, TOutput}.Initial"/> is the initial state of each. An operation that
/// touches several partitions (a transaction over two keys) cannot be split this way; such a model must not implement
/// this interface.
/// </remarks>
public interface IPartitionedModel<in TInput>
{
    /// <summary>The partition <paramref name="input"/> belongs to (compared ordinally); never null.</summary>
    /// <param name="input">A call.</param>
    string PartitionKey(TInput input);
}
