using DistSim.Nodes;

namespace DistSimTestProject;

/// <summary>Asks its peer a numbered question every 10 ms.</summary>
public sealed record Ask(int Seq);

/// <summary>The answer to an <see cref="Ask"/>.</summary>
public sealed record Answer(int Seq);

/// <summary>
/// The example protocol: asks <paramref name="peer"/> a question every 10 ms and counts the answers. Replace it with
/// yours — a node reacts to its start, its timers and its messages, and acts only through its context.
/// </summary>
public sealed class Asker(NodeId peer) : Node
{
    /// <summary>The answers received so far.</summary>
    public int Answers { get; private set; }

    /// <summary>The questions asked so far.</summary>
    public int Asked { get; private set; }

    /// <inheritdoc />
    public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        Send(peer, new Ask(Asked++));
        SetTimer(TimeSpan.FromMilliseconds(10));
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is Answer)
        {
            Answers++;
        }
    }
}

/// <summary>Answers every question.</summary>
public sealed class Answerer : Node
{
    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is Ask ask)
        {
            Send(from, new Answer(ask.Seq));
        }
    }
}
