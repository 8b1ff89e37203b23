using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using DistSim.Nodes;

namespace DistSim.Samples.WalKv;

/// <summary>A write request.</summary>
/// <param name="Id">The client's request number (a retry reuses it).</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record Put(int Id, string Key, string Value);

/// <summary>The server's acknowledgement: the write is applied (and durable, if the server flushes).</summary>
/// <param name="Id">The request acknowledged.</param>
public sealed record PutAck(int Id);

/// <summary>
/// A key-value store that survives crash-recover faults with a write-ahead log and snapshots. A write is
/// appended to the log (one checksummed entry) and applied; every 5 ms a group commit flushes the log and
/// only then acknowledges the writes it covers. Every <c>snapshotEvery</c> entries the state is saved as
/// a snapshot with the log position it covers. On recovery: load the snapshot (ignored if it does not
/// parse — it may be torn), replay the log after it, stop at the first entry whose checksum fails (a torn
/// tail: never acknowledged). With <c>flush: false</c> the server acknowledges at once and never
/// flushes — the mistake the scenario shows.
/// </summary>
/// <param name="flush">Acknowledge only after a flush (group commit).</param>
/// <param name="snapshotEvery">Log entries between snapshots.</param>
public sealed class KvServer(bool flush, int snapshotEvery) : Node
{
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(5);
    private readonly SortedDictionary<string, string> _state = new(StringComparer.Ordinal);
    private readonly List<(NodeId To, int Id)> _waiting = [];
    private long _snapshotAt;

    /// <summary>The state as the server would serve it.</summary>
    public IReadOnlyDictionary<string, string> State => _state;

    /// <summary>Log entries replayed at the last recovery.</summary>
    public int Replayed { get; private set; }

    /// <summary>Torn entries found at the last recovery (the log was cut there).</summary>
    public int TornFound { get; private set; }

    /// <summary>Whether the last recovery found a snapshot it could use.</summary>
    public bool SnapshotUsed { get; private set; }

    /// <inheritdoc />
    public override void OnStart() => SetTimer(CommitInterval);

    /// <inheritdoc />
    public override void OnRecover()
    {
        long covered = 0;
        if (Storage.GetString("snapshot") is { } text && TryLoad(text) is { } saved)
        {
            foreach (KeyValuePair<string, string> kv in saved.State)
            {
                _state[kv.Key] = kv.Value;
            }

            covered = saved.LogCount;
            SnapshotUsed = true;
        }

        IReadOnlyList<byte[]> log = Storage.Log;
        for (long i = covered; i < log.Count; i++)
        {
            if (!TryParse(log[(int)i], out string key, out string value))
            {
                TornFound++;
                Storage.TruncateLog(i); // a torn tail, never acknowledged: cut it, or later entries would hide behind it
                Storage.Flush();
                break;
            }

            _state[key] = value;
            Replayed++;
        }

        _snapshotAt = log.Count;
        OnStart();
    }

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is not Put put)
        {
            return;
        }

        Storage.Append(Encode(put.Key, put.Value));
        _state[put.Key] = put.Value;
        if (flush)
        {
            _waiting.Add((from, put.Id)); // acknowledged at the next group commit
        }
        else
        {
            Send(from, new PutAck(put.Id)); // the mistake: acknowledged while only in memory
        }
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        // BUGGIFY (off unless the run switches it on, --buggify): a slow disk holds the group commit back one interval.
        if (flush && _waiting.Count > 0 && !Context.Buggify("wal-kv: group commit late"))
        {
            Storage.Flush();
            foreach ((NodeId to, int id) in _waiting)
            {
                Send(to, new PutAck(id));
            }

            _waiting.Clear();
        }

        // BUGGIFY: snapshot early and often, so that recovery from a snapshot plus a short log is exercised too.
        if (Storage.Log.Count - _snapshotAt >= snapshotEvery || (Storage.Log.Count > _snapshotAt && Context.Buggify("wal-kv: snapshot early")))
        {
            _snapshotAt = Storage.Log.Count;
            Storage.PutString("snapshot", JsonSerializer.Serialize(new SnapshotState(new Dictionary<string, string>(_state), _snapshotAt)));
            if (flush)
            {
                Storage.Flush();
            }
        }

        SetTimer(CommitInterval);
    }

    private static SnapshotState? TryLoad(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<SnapshotState>(text);
        }
        catch (JsonException)
        {
            return null; // torn: recover from the whole log instead
        }
    }

    /// <summary>A log entry: key, value and an XxHash32 of both, so a torn entry is recognised.</summary>
    public static byte[] Encode(string key, string value)
    {
        string body = key + "\t" + value;
        uint check = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(body));
        return Encoding.UTF8.GetBytes(body + "\t" + check.ToString("x8", CultureInfo.InvariantCulture));
    }

    /// <summary>Parses an entry; false when it is torn or corrupt.</summary>
    public static bool TryParse(byte[] entry, out string key, out string value)
    {
        key = value = string.Empty;
        string[] parts = Encoding.UTF8.GetString(entry).Split('\t');
        if (parts.Length != 3 || parts[2].Length != 8)
        {
            return false;
        }

        string body = parts[0] + "\t" + parts[1];
        if (XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(body)).ToString("x8", CultureInfo.InvariantCulture) != parts[2])
        {
            return false;
        }

        (key, value) = (parts[0], parts[1]);
        return true;
    }

    private sealed record SnapshotState(Dictionary<string, string> State, long LogCount);
}

/// <summary>
/// A client writing <c>writes</c> puts over <c>keys</c> keys, one at a time; it retries a write until it is
/// acknowledged and remembers the last acknowledged value of each key.
/// </summary>
/// <param name="server">The server.</param>
/// <param name="writes">Writes in all.</param>
/// <param name="keys">Distinct keys.</param>
/// <param name="retry">Wait before a retry.</param>
public sealed class KvClient(NodeId server, int writes, int keys, TimeSpan retry) : Node
{
    private int _next;
    private TimerId _timer;

    /// <summary>The last acknowledged value of each key.</summary>
    public Dictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledged writes.</summary>
    public int AcknowledgedCount { get; private set; }

    /// <summary>Retries sent.</summary>
    public int Retries { get; private set; }

    /// <inheritdoc />
    public override void OnStart() => SendCurrent();

    /// <inheritdoc />
    public override void OnMessage(NodeId from, object message)
    {
        if (message is PutAck ack && ack.Id == _next && _next < writes)
        {
            Put put = Current();
            Acknowledged[put.Key] = put.Value;
            AcknowledgedCount++;
            CancelTimer(_timer);
            _next++;
            SendCurrent();
        }
    }

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state)
    {
        if (timer == _timer && _next < writes)
        {
            Retries++;
            SendCurrent();
        }
    }

    private Put Current() => new(_next, "k" + (_next % keys).ToString(CultureInfo.InvariantCulture), "v" + _next.ToString(CultureInfo.InvariantCulture));

    private void SendCurrent()
    {
        if (_next >= writes)
        {
            return;
        }

        Send(server, Current());
        _timer = SetTimer(retry);
    }
}
