using DistSim.Nodes;

namespace DistSim.Samples.OrderingBugs;

/// <summary>A message of the ordering-bug scenarios: its tag (<c>write</c>, <c>go</c>, <c>read</c>, <c>a1</c>, …) and a value.</summary>
/// <param name="Tag">What the message is.</param>
/// <param name="Value">The value it carries (a read's answer).</param>
public sealed record Note(string Tag, int Value = 0);

/// <summary>The server of every ordering-bug scenario: it logs what arrives, in order, and answers reads.</summary>
/// <param name="log">Where arrivals are logged (the scenario reads it after the run).</param>
internal sealed class LogServer(List<string> log) : Node
{
    private int _value;

    public override void OnMessage(NodeId from, object message)
    {
        var note = (Note)message;
        log.Add(note.Tag);
        switch (note.Tag)
        {
            case "write":
                _value = 1;
                break;
            case "read":
                Send(from, new Note("value", _value));
                break;
        }
    }
}

/// <summary>A node that sends its notes at start and records what it is answered.</summary>
/// <param name="script">What it sends at start: to whom, what.</param>
/// <param name="onMessage">What it does with a message: its answer (to whom, what), or null.</param>
internal sealed class ScriptedClient(IReadOnlyList<(NodeId To, Note Note)> script, Func<Note, (NodeId To, Note Note)?>? onMessage = null) : Node
{
    public override void OnStart()
    {
        foreach ((NodeId to, Note note) in script)
        {
            Send(to, note);
        }
    }

    public override void OnMessage(NodeId from, object message)
    {
        if (onMessage?.Invoke((Note)message) is { } answer)
        {
            Send(answer.To, answer.Note);
        }
    }
}
