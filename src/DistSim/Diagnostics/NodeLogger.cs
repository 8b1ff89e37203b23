using System.Collections;
using DistSim.Nodes;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim.Diagnostics;

/// <summary>
/// A node's logger: forwards to the user's logger and adds the virtual time and the node's name, both
/// to the structured state (<c>VirtualTime</c>, <c>Node</c>, <c>NodeId</c>) and as a prefix of the formatted message.
/// </summary>
internal sealed class NodeLogger(ILogger inner, NodeId node, string nodeName, Simulation simulation) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        using (RuntimeEscapeListener.Harness())
        {
            return inner.BeginScope(state);
        }
    }

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var entry = new Entry<TState>(simulation.CurrentTime, node, nodeName, state, formatter);
        using (RuntimeEscapeListener.Harness())
        {
            inner.Log(logLevel, eventId, entry, exception, Entry<TState>.Format); // the user's logger may batch on the thread pool: not the node's escape
        }
    }

    /// <summary>The structured state of one entry: the user's key/value pairs plus time and node.</summary>
    internal sealed class Entry<TState>(SimTime time, NodeId nodeId, string node, TState state, Func<TState, Exception?, string> formatter)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public static readonly Func<Entry<TState>, Exception?, string> Format = (e, ex) => $"[{e.Time} {e.Node}] {e.Formatter(e.State, ex)}";

        public SimTime Time { get; } = time;

        public NodeId NodeId { get; } = nodeId;

        public string Node { get; } = node;

        public TState State { get; } = state;

        public Func<TState, Exception?, string> Formatter { get; } = formatter;

        public int Count => 3 + Inner.Count;

        private IReadOnlyList<KeyValuePair<string, object?>> Inner =>
            State as IReadOnlyList<KeyValuePair<string, object?>> ?? [];

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("VirtualTime", Time),
            1 => new("Node", Node),
            2 => new("NodeId", NodeId.Value),
            _ => Inner[index - 3],
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (int i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Format(this, null);
    }
}
