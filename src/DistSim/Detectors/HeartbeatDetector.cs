using DistSim.Nodes;
using DistSim.Time;

namespace DistSim.Detectors;

/// <summary>The heartbeat a failure detector sends to its peers.</summary>
/// <param name="Seq">The sender's heartbeat number.</param>
public sealed record DetectorHeartbeat(long Seq);

/// <summary>
/// The common machinery of heartbeat failure detectors, to embed in a node: it heartbeats every peer
/// every <see cref="Interval"/>, and suspects a peer it has not heard from for longer than that peer's
/// timeout. The node forwards its messages and timers to <see cref="OnMessage"/> and <see cref="OnTimer"/>
/// (both return true when the detector consumed them) and calls <see cref="Start"/> from its start or
/// recovery handler. Suspicions and their withdrawals are traced through the node's logger and reported
/// to the callbacks.
/// </summary>
/// <remarks>Runs on the node's local clock; not thread-safe. See <c>docs/concepts/timing.md</c>.</remarks>
public abstract class HeartbeatDetector
{
    private readonly object _beat = new();
    private readonly object _check = new();
    private readonly Dictionary<NodeId, SimTime> _lastHeard = [];
    private readonly SortedSet<NodeId> _suspected = [];
    private long _seq;

    /// <summary>Creates a detector for <paramref name="context"/>'s node.</summary>
    /// <param name="context">The node's context.</param>
    /// <param name="peers">The nodes to watch (the node itself is ignored).</param>
    /// <param name="interval">How often to heartbeat, greater than zero.</param>
    private protected HeartbeatDetector(INodeContext context, IEnumerable<NodeId> peers, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(peers);
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "must be > 0");
        }

        Context = context;
        Peers = peers.Where(p => p != context.Id).Distinct().Order().ToList();
        Interval = interval;
    }

    /// <summary>Called when a peer becomes suspected.</summary>
    public event Action<NodeId>? Suspected;

    /// <summary>Called when a suspicion is withdrawn (the peer was heard from again).</summary>
    public event Action<NodeId>? Restored;

    /// <summary>The watched peers, in id order.</summary>
    public IReadOnlyList<NodeId> Peers { get; }

    /// <summary>The heartbeat interval.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The peers suspected now, in id order.</summary>
    public IReadOnlyCollection<NodeId> SuspectedNodes => _suspected;

    /// <summary>Suspicions raised so far (each one, even if later withdrawn).</summary>
    public int Suspicions { get; private set; }

    /// <summary>Suspicions withdrawn so far: each was a false suspicion of a live peer.</summary>
    public int Withdrawals { get; private set; }

    /// <summary>The node's context.</summary>
    protected INodeContext Context { get; }

    /// <summary>Whether <paramref name="peer"/> is suspected now.</summary>
    /// <param name="peer">A peer.</param>
    public bool Suspects(NodeId peer) => _suspected.Contains(peer);

    /// <summary>Starts heartbeating and checking; counts every peer as just heard from.</summary>
    public void Start()
    {
        foreach (NodeId peer in Peers)
        {
            _lastHeard[peer] = Context.LocalNow;
        }

        OnTimer(default, _beat);
        Context.SetTimer(CheckPeriod, _check);
    }

    /// <summary>Consumes the detector's heartbeats; returns false for any other message.</summary>
    /// <param name="from">The sender.</param>
    /// <param name="message">The message.</param>
    public bool OnMessage(NodeId from, object message)
    {
        if (message is not DetectorHeartbeat)
        {
            return false;
        }

        SimTime now = Context.LocalNow;
        if (_lastHeard.TryGetValue(from, out SimTime last))
        {
            Heard(from, now - last);
        }

        _lastHeard[from] = now;
        if (_suspected.Remove(from))
        {
            Withdrawals++;
            OnFalseSuspicion(from);
            Restored?.Invoke(from);
        }

        return true;
    }

    /// <summary>Consumes the detector's timers; returns false for any other.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="state">Its state.</param>
    public bool OnTimer(TimerId timer, object? state)
    {
        if (ReferenceEquals(state, _beat))
        {
            _seq++;
            foreach (NodeId peer in Peers)
            {
                Context.Send(peer, new DetectorHeartbeat(_seq));
            }

            Context.SetTimer(Interval, _beat);
            return true;
        }

        if (!ReferenceEquals(state, _check))
        {
            return false;
        }

        SimTime now = Context.LocalNow;
        foreach (NodeId peer in Peers)
        {
            if (!_suspected.Contains(peer) && now - _lastHeard[peer] > TimeoutFor(peer))
            {
                _suspected.Add(peer);
                Suspicions++;
                Suspected?.Invoke(peer);
            }
        }

        Context.SetTimer(CheckPeriod, _check);
        return true;
    }

    /// <summary>How often the detector checks its peers.</summary>
    protected virtual TimeSpan CheckPeriod => TimeSpan.FromTicks(Math.Max(1, Interval.Ticks / 4));

    /// <summary>How long <paramref name="peer"/> may stay silent before it is suspected.</summary>
    /// <param name="peer">The peer.</param>
    protected abstract TimeSpan TimeoutFor(NodeId peer);

    /// <summary>A heartbeat from <paramref name="peer"/> came <paramref name="gap"/> after the previous one.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="gap">The gap, on the local clock.</param>
    protected virtual void Heard(NodeId peer, TimeSpan gap)
    {
    }

    /// <summary>A suspicion of <paramref name="peer"/> proved false (it was heard from again).</summary>
    /// <param name="peer">The peer.</param>
    protected virtual void OnFalseSuspicion(NodeId peer)
    {
    }
}
