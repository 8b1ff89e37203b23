using System.Globalization;
using System.Text;

namespace DistSim.Checking;

/// <summary>
/// The outcome of <see cref="Linearizability.Analyze"/>: the verdict, what the search cost, and the evidence — a
/// linearization when there is one, and for a violation the operation that cannot be linearized and the longest
/// linearizable prefix found before it.
/// </summary>
/// <typeparam name="TState">The model's state.</typeparam>
/// <typeparam name="TInput">A call.</typeparam>
/// <typeparam name="TOutput">An answer.</typeparam>
/// <remarks>
/// When the model is an <see cref="IPartitionedModel{TInput}"/> and the history was split, <see cref="Partitions"/> holds
/// one result per partition (in the order partitions first appear in the history) and this result sums them up: not
/// linearizable if any partition is not, else unknown if any is unknown, else linearizable; its evidence is that of
/// the partition that decided (the first one not linearizable, else the first unknown), and for a linearizable history
/// the partitions' witnesses merged into one (see <see cref="Prefix"/>). Immutable.
/// See <c>docs/concepts/checking.md</c>.
/// </remarks>
public sealed class LinearizabilityResult<TState, TInput, TOutput>
{
    internal LinearizabilityResult(
        LinearizabilityVerdict verdict,
        UnknownReason unknownReason,
        long steps,
        int operationCount,
        string? partition,
        Operation<TInput, TOutput>? failingOperation,
        IReadOnlyList<LinearizedOperation<TState, TInput, TOutput>> prefix,
        IReadOnlyList<LinearizabilityResult<TState, TInput, TOutput>> partitions)
    {
        Verdict = verdict;
        UnknownReason = unknownReason;
        Steps = steps;
        OperationCount = operationCount;
        Partition = partition;
        FailingOperation = failingOperation;
        Prefix = prefix;
        Partitions = partitions;
    }

    /// <summary>The verdict.</summary>
    public LinearizabilityVerdict Verdict { get; }

    /// <summary>Why the verdict is <see cref="LinearizabilityVerdict.Unknown"/>; <see cref="UnknownReason.None"/> otherwise.</summary>
    public UnknownReason UnknownReason { get; }

    /// <summary>Whether the verdict is <see cref="LinearizabilityVerdict.Linearizable"/>.</summary>
    public bool IsLinearizable => Verdict == LinearizabilityVerdict.Linearizable;

    /// <summary>Search steps taken (over all partitions): operations tried and backtracks.</summary>
    public long Steps { get; }

    /// <summary>Operations checked (over all partitions), pending ones included.</summary>
    public int OperationCount { get; }

    /// <summary>The partition this result is about; null for the whole history.</summary>
    public string? Partition { get; }

    /// <summary>
    /// For <see cref="LinearizabilityVerdict.NotLinearizable"/>, the operation that cannot be linearized, as Knossos reports
    /// it: order the completed operations by their return; the search reached configurations that linearized every
    /// operation before this one, but none that linearized this one too. Null for the other verdicts.
    /// </summary>
    public Operation<TInput, TOutput>? FailingOperation { get; }

    /// <summary>The partition of <see cref="FailingOperation"/> (null when the history was not split or nothing failed).</summary>
    public string? FailingPartition => Verdict == LinearizabilityVerdict.NotLinearizable ? DecidingResult.Partition : null;

    /// <summary>
    /// Operations in linearization order, each with the model's state after it:
    /// for <see cref="LinearizabilityVerdict.Linearizable"/>, a whole linearization (every completed operation, and the
    /// pending ones the search placed) — a witness; for <see cref="LinearizabilityVerdict.NotLinearizable"/>, the
    /// longest linearizable prefix found, the first configuration that linearized every operation returning before
    /// <see cref="FailingOperation"/> (which is not in it); for <see cref="LinearizabilityVerdict.Unknown"/>, the longest
    /// prefix found before the search stopped. Every prefix respects real time and replays through the model.
    /// For a history split into several partitions, the prefix of a violation or of an unknown verdict is the deciding
    /// partition's; a linearizable one's witness is the partitions' witnesses (each in <see cref="Partitions"/>) merged
    /// into one linearization of the whole history, consistent with real time, in which each
    /// <see cref="LinearizedOperation{TState, TInput, TOutput}.StateAfter"/> is the state of that operation's partition
    /// (a partitioned model's state describes one part).
    /// </summary>
    public IReadOnlyList<LinearizedOperation<TState, TInput, TOutput>> Prefix { get; }

    /// <summary>One result per partition when the history was split (see <see cref="IPartitionedModel{TInput}"/>); empty otherwise.</summary>
    public IReadOnlyList<LinearizabilityResult<TState, TInput, TOutput>> Partitions { get; }

    private LinearizabilityResult<TState, TInput, TOutput> DecidingResult =>
        Partitions.FirstOrDefault(p => p.Verdict == LinearizabilityVerdict.NotLinearizable)
        ?? Partitions.FirstOrDefault(p => p.Verdict == LinearizabilityVerdict.Unknown)
        ?? this;

    /// <summary>A one-line summary: verdict, cost, and the evidence of a violation.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Verdict}");
        if (Verdict == LinearizabilityVerdict.Unknown)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({UnknownReason})");
        }

        text.Append(CultureInfo.InvariantCulture, $": {OperationCount} operations, {Steps} steps");
        if (Partitions.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {Partitions.Count} partitions");
        }

        if (FailingOperation is { } failing)
        {
            string where = FailingPartition is { } key ? $" in partition '{key}'" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"; cannot linearize {failing}{where} after a prefix of {Prefix.Count}");
        }

        return text.ToString();
    }
}
