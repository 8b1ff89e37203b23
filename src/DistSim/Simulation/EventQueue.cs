namespace DistSim;

/// <summary>
/// The pending events and the one place that decides which runs next. Today the choice is FIFO by
/// (time, sequence); exploration strategies (seeded tie-breaking, PCT) will replace
/// <see cref="TryPeekNext"/>/<see cref="RemoveNext"/> and nothing else.
/// </summary>
/// <remarks>Backed by <see cref="PriorityQueue{TElement, TPriority}"/> over structs: no allocation once its array has grown.</remarks>
internal sealed class EventQueue
{
    private readonly PriorityQueue<ScheduledEvent, EventKey> _heap = new(initialCapacity: 1024);
    private long _sequence;

    public int Count => _heap.Count;

    public void Schedule(long time, in ScheduledEvent e) => _heap.Enqueue(e, new EventKey(time, _sequence++));

    /// <summary>The event that runs next and its time, without removing it.</summary>
    public bool TryPeekNext(out ScheduledEvent e, out long time)
    {
        if (_heap.TryPeek(out e, out EventKey key))
        {
            time = key.Time;
            return true;
        }

        time = 0;
        return false;
    }

    /// <summary>Removes the event <see cref="TryPeekNext"/> returned.</summary>
    public void RemoveNext() => _heap.Dequeue();
}
