using DistSim.Nodes;

namespace DistSim.Tests.Support;

/// <summary>A test message.</summary>
public sealed record Ping(int Seq);

/// <summary>Sends <c>count</c> pings to <c>target</c> at start, one every <c>interval</c> (all at once when zero).</summary>
public sealed class Sender(NodeId target, int count, TimeSpan interval = default) : Node
{
    private int _sent;

    public override void OnStart()
    {
        if (interval == TimeSpan.Zero)
        {
            for (int i = 0; i < count; i++)
            {
                Send(target, new Ping(i));
            }

            return;
        }

        SetTimer(interval);
    }

    public override void OnTimer(TimerId timer, object? state)
    {
        Send(target, new Ping(_sent++));
        if (_sent < count)
        {
            SetTimer(interval);
        }
    }
}

/// <summary>Records what it receives, in order.</summary>
public sealed class Receiver : Node
{
    public List<(NodeId From, object Message)> Received { get; } = [];

    public override void OnMessage(NodeId from, object message) => Received.Add((from, message));
}

/// <summary>Re-arms a timer forever: a run that never ends on its own.</summary>
public sealed class Forever(TimeSpan period) : Node
{
    public override void OnStart() => SetTimer(period);

    public override void OnTimer(TimerId timer, object? state) => SetTimer(period);
}

/// <summary>Records the values of its random stream at start.</summary>
public sealed class Drawer(int draws) : Node
{
    public List<ulong> Draws { get; } = [];

    public override void OnStart()
    {
        for (int i = 0; i < draws; i++)
        {
            Draws.Add(Random.NextUInt64());
        }
    }
}

/// <summary>Runs an action in a handler (to test faults and the context).</summary>
public sealed class Scripted(Action<INodeContext>? onStart = null, Action<INodeContext, NodeId, object>? onMessage = null, Action<INodeContext, object?>? onTimer = null)
    : Node
{
    public override void OnStart() => onStart?.Invoke(Context);

    public override void OnMessage(NodeId from, object message) => onMessage?.Invoke(Context, from, message);

    public override void OnTimer(TimerId timer, object? state) => onTimer?.Invoke(Context, state);

    /// <summary>Acts through the context (from Simulation.At&lt;Scripted&gt;, which runs it as a handler).</summary>
    public void Act(Action<INodeContext> action) => action(Context);
}
