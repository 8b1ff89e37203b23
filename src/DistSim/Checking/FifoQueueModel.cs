namespace DistSim.Checking;

/// <summary>The operations of <see cref="FifoQueueModel{TElement}"/>.</summary>
public enum QueueOperation
{
    /// <summary>Add an element at the tail.</summary>
    Enqueue,

    /// <summary>Take the element at the head, or find the queue empty.</summary>
    Dequeue,
}

/// <summary>A call on a FIFO queue.</summary>
/// <typeparam name="TElement">The elements.</typeparam>
/// <param name="Kind">What it does.</param>
/// <param name="Element">The element enqueued (ignored for a dequeue).</param>
public sealed record QueueInput<TElement>(QueueOperation Kind, TElement Element)
{
    /// <summary>A dequeue.</summary>
    public static QueueInput<TElement> Dequeue { get; } = new(QueueOperation.Dequeue, default!);

    /// <summary>Enqueues <paramref name="element"/>.</summary>
    /// <param name="element">The element.</param>
    public static QueueInput<TElement> Enqueue(TElement element) => new(QueueOperation.Enqueue, element);

    /// <summary><c>enqueue(x)</c> or <c>dequeue</c>.</summary>
    public override string ToString() => Kind == QueueOperation.Dequeue ? "dequeue" : $"enqueue({Display.Of(Element)})";
}

/// <summary>The answer of a FIFO queue: what a dequeue took, or that it found the queue empty.</summary>
/// <typeparam name="TElement">The elements.</typeparam>
/// <param name="HasElement">Whether a dequeue took an element (false: the queue was empty).</param>
/// <param name="Element">The element taken.</param>
public readonly record struct QueueOutput<TElement>(bool HasElement, TElement Element)
{
    /// <summary>A dequeue that found the queue empty (also the answer of an enqueue, which is not checked).</summary>
    public static QueueOutput<TElement> Empty => default;

    /// <summary>A dequeue that took <paramref name="element"/>.</summary>
    /// <param name="element">The element.</param>
    public static QueueOutput<TElement> Dequeued(TElement element) => new(true, element);

    /// <summary>The element, or <c>empty</c>.</summary>
    public override string ToString() => HasElement ? Display.Of(Element) : "empty";
}

/// <summary>
/// A FIFO queue (Knossos's <c>fifo-queue</c>, with empty dequeues): an enqueue adds at the tail; a dequeue takes the head,
/// or answers empty exactly when the queue is empty. The output of an enqueue is not checked.
/// </summary>
/// <typeparam name="TElement">The elements, compared with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
/// <remarks>Immutable and thread-safe; the state is an immutable <see cref="QueueState{TElement}"/> with value equality.</remarks>
public sealed class FifoQueueModel<TElement> : ISequentialModel<QueueState<TElement>, QueueInput<TElement>, QueueOutput<TElement>>
{
    private static readonly EqualityComparer<TElement> Elements = EqualityComparer<TElement>.Default;

    /// <summary>The model of a queue that starts empty.</summary>
    public static FifoQueueModel<TElement> Instance { get; } = new();

    /// <summary>The empty queue.</summary>
    public QueueState<TElement> Initial => QueueState<TElement>.Empty;

    /// <inheritdoc />
    public (bool Legal, QueueState<TElement> Next) Step(QueueState<TElement> state, QueueInput<TElement> input, QueueOutput<TElement> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        switch (input.Kind)
        {
            case QueueOperation.Enqueue:
                return (true, state.Enqueue(input.Element));
            case QueueOperation.Dequeue when state.Count == 0:
                return (!output.HasElement, state);
            case QueueOperation.Dequeue:
                return (output.HasElement && Elements.Equals(output.Element, state.Head), state.Dequeue());
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "not a QueueOperation");
        }
    }

    /// <summary>A pending dequeue, if it took effect, took the head (on an empty queue it changed nothing); a pending enqueue takes effect.</summary>
    /// <param name="state">The queue before.</param>
    /// <param name="input">The call.</param>
    /// <param name="output">Ignored.</param>
    public (bool Legal, QueueState<TElement> Next) StepPending(QueueState<TElement> state, QueueInput<TElement> input, QueueOutput<TElement> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        return input.Kind == QueueOperation.Dequeue
            ? (true, state.Count == 0 ? state : state.Dequeue())
            : Step(state, input, output);
    }
}
