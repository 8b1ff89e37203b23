using System.Globalization;
using DistSim.Nodes;

namespace DistSim.Samples.PrimaryBackup;

/// <summary>A client's write.</summary>
/// <param name="Id">Its number (a retry reuses it).</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record ClientWrite(int Id, string Key, string Value);

/// <summary>A replica acknowledges a write to the client.</summary>
/// <param name="Id">The write.</param>
public sealed record ClientAck(int Id);

/// <summary>The primary forwards a write to the backup.</summary>
/// <param name="Write">The write.</param>
/// <param name="Client">Whom to answer once the backup has it.</param>
public sealed record Replicate(ClientWrite Write, NodeId Client);

/// <summary>The backup has applied a forwarded write.</summary>
/// <param name="Write">The write.</param>
/// <param name="Client">Whom to answer.</param>
public sealed record Replicated(ClientWrite Write, NodeId Client);

/// <summary>The primary is alive.</summary>
public sealed record Alive;

/// <summary>The backup took over: the client should write here now.</summary>
public sealed record NewPrimary;

/// <summary>
/// A replica of a primary-backup key-value store. The primary heartbeats the backup every 50 ms and,
/// with synchronous replication, forwards each write and acknowledges the client only when the backup
/// has applied it; the backup takes over when heartbeats stop for 200 ms and tells the client.
/// With asynchronous replication the primary acknowledges at once and ships the writes to the backup in a
/// batch with its next heartbeat — a crash loses the batch.
/// </summary>
/// <param name="isPrimary">Node 0 starts as the primary.</param>
/// <param name="peer">The other replica.</param>
/// <param name="client">The client.</param>
/// <param name="synchronous">Acknowledge only after the backup applied the write.</param>
public sealed class Replica(bool isPrimary, NodeId peer, NodeId client, bool synchronous) : Node
{
    private static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);
    private readonly SortedDictionary<string, string> _state = new(StringComparer.Ordinal);
    private readonly List<Replicate> _batch = [];
    private Time.SimTime _lastHeard;

    /// <summary>True while it acts as the primary.</summary>
    public bool IsPrimary { get; private set; } = isPrimary;

    /// <summary>Its copy of the data.</summary>
    public IReadOnlyDictionary<string, string> State => _state;

    /// <summary>True once the backup took over.</summary>
    public bool TookOver { get; private set; }

    /// <summary>Its data at the moment it took over (what the old primary handed on).</summary>
    public IReadOnlyDictionary<string, string>? StateAtTakeover { get; private set; }

    /// <inheritdoc />
    public override void OnStart()
    {
        _lastHeard = LocalNow;
        SetTimer(IsPrimary ? Beat : Timeout, "tick");
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (IsPrimary)
        {
            if (!TookOver)
            {
                foreach (Replicate r in _batch)
                {
                    Send(peer, r); // asynchronous replication: the batch goes with the heartbeat
                }

                _batch.Clear();
                Send(peer, new Alive());
                SetTimer(Beat, "tick");
            }

            return;
        }

        if (LocalNow - _lastHeard >= Timeout)
        {
            IsPrimary = TookOver = true; // the primary is presumed dead (crash-stop: it will not come back)
            StateAtTakeover = new Dictionary<string, string>(_state, StringComparer.Ordinal);
            Send(client, new NewPrimary());
            return;
        }

        SetTimer(TimeSpan.FromMilliseconds(10), "tick");
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case Alive:
                _lastHeard = LocalNow;
                break;
            case ClientWrite w when IsPrimary && (TookOver || !synchronous):
                _state[w.Key] = w.Value;
                Send(from, new ClientAck(w.Id));
                if (!TookOver)
                {
                    _batch.Add(new Replicate(w, from)); // asynchronous: shipped later, with the next heartbeat
                }

                break;
            case ClientWrite w when IsPrimary:
                _state[w.Key] = w.Value;
                Send(peer, new Replicate(w, from)); // synchronous: acknowledged when the backup has it
                break;
            case Replicate r:
                _lastHeard = LocalNow;
                _state[r.Write.Key] = r.Write.Value;
                if (synchronous)
                {
                    Send(from, new Replicated(r.Write, r.Client));
                }

                break;
            case Replicated r when IsPrimary:
                Send(r.Client, new ClientAck(r.Write.Id));
                break;
        }
    }
}

/// <summary>Writes one at a time to whichever replica it believes is the primary, retrying until acknowledged.</summary>
/// <param name="primary">The first primary.</param>
/// <param name="writes">Writes in all.</param>
/// <param name="keys">Distinct keys.</param>
public sealed class Client(NodeId primary, int writes, int keys) : Node
{
    private NodeId _target = primary;
    private int _next;
    private TimerId _timer;

    /// <summary>The last acknowledged value of each key.</summary>
    public Dictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledged writes.</summary>
    public int AcknowledgedCount { get; private set; }

    /// <summary>What had been acknowledged when the new primary announced itself (all by the old primary).</summary>
    public IReadOnlyDictionary<string, string>? AcknowledgedBeforeFailover { get; private set; }

    /// <inheritdoc />
    public override void OnStart() => SendCurrent();

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        switch (message)
        {
            case NewPrimary:
                AcknowledgedBeforeFailover ??= new Dictionary<string, string>(Acknowledged, StringComparer.Ordinal);
                _target = from;
                CancelTimer(_timer);
                SendCurrent();
                break;
            case ClientAck ack when ack.Id == _next && _next < writes:
                ClientWrite w = Current();
                Acknowledged[w.Key] = w.Value;
                AcknowledgedCount++;
                CancelTimer(_timer);
                _next++;
                SendCurrent();
                break;
        }
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (timer == _timer)
        {
            SendCurrent();
        }
    }

    private ClientWrite Current() => new(_next, "k" + (_next % keys).ToString(CultureInfo.InvariantCulture), "v" + _next.ToString(CultureInfo.InvariantCulture));

    private void SendCurrent()
    {
        if (_next < writes)
        {
            Send(_target, Current());
            _timer = SetTimer(TimeSpan.FromMilliseconds(100));
        }
    }
}
