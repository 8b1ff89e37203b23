using System.Collections;
using System.Text;
using DistSim.Random;

namespace DistSim.Storage;

/// <summary>
/// A node's durable storage: a key-value store and an append-only log on a simulated disk with an
/// ordered write-back cache. Writes are visible to the node at once (as through an operating system's
/// page cache); <see cref="Flush"/> (an fsync) makes every write so far durable. At a crash the disk
/// has written back some prefix of the unflushed writes, in order: any prefix may have landed (none,
/// some, all), the write at the boundary may be torn when the node's failure model has
/// <see cref="Failures.FailureModel.TornWrites"/> (a strict prefix of its bytes lands), and every later
/// write is lost. The storage outlives the node object: a restarted node finds what was durable.
/// </summary>
/// <remarks>
/// Nothing handed out aliases the stored bytes: writes copy what they are given, and every read
/// (<see cref="TryGet"/>, <see cref="Log"/>) returns a fresh copy, so mutating a value after a flush
/// cannot "persist" a change that was never written. Inside a simulation the storage may be used only
/// on the simulation's thread: from its own node's handlers, or by test code (between steps, or in a
/// <see cref="Simulation.At(Time.SimTime, Action)"/> action, e.g. to corrupt a disk on purpose); another
/// node's handler or another thread gets an <see cref="InvalidOperationException"/>. Not thread-safe.
/// See <c>docs/concepts/failures.md</c>.
/// </remarks>
public sealed class DurableStorage
{
    private readonly SortedDictionary<string, byte[]> _durable = new(StringComparer.Ordinal);
    private readonly List<byte[]> _durableLog = [];
    private readonly SortedDictionary<string, byte[]> _visible = new(StringComparer.Ordinal);
    private readonly List<byte[]> _visibleLog = [];
    private readonly List<Write> _pending = [];
    private readonly Simulation? _simulation;
    private readonly int _node;

    /// <summary>A storage outside any simulation (for tests of code that uses one).</summary>
    public DurableStorage()
    {
        Log = new LogView(this);
    }

    internal DurableStorage(Simulation simulation, int node)
        : this()
    {
        _simulation = simulation;
        _node = node;
    }

    /// <summary>Writes not yet flushed.</summary>
    public int Unflushed
    {
        get
        {
            return Allowed(nameof(Unflushed)) ? _pending.Count : 0;
        }
    }

    /// <summary>Keys, in ordinal order.</summary>
    public IReadOnlyCollection<string> Keys
    {
        get
        {
            return Allowed(nameof(Keys)) ? _visible.Keys.ToArray() : [];
        }
    }

    /// <summary>The log, oldest entry first. Each entry read is a fresh copy of the stored bytes.</summary>
    public IReadOnlyList<byte[]> Log { get; }

    /// <summary>Flushes performed.</summary>
    public long Flushes { get; private set; }

    /// <summary>Unflushed writes that the disk had written back when a crash came (over every crash so far).</summary>
    public long WritesPersistedAtCrashes { get; private set; }

    /// <summary>Unflushed writes lost at crashes (a torn write counts as lost), over every crash so far.</summary>
    public long WritesLostAtCrashes { get; private set; }

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> (not durable until flushed).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes; copied.</param>
    public void Put(string key, ReadOnlySpan<byte> value)
    {
        if (!Allowed(nameof(Put)))
        {
            return;
        }

        Require(key, nameof(key));
        byte[] copy = value.ToArray();
        _visible[key] = copy;
        _pending.Add(new Write(WriteKind.Put, key, copy));
    }

    /// <summary>Writes a UTF-8 string under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The string.</param>
    public void PutString(string key, string value)
    {
        Require(value, nameof(value));
        Put(key, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Reads the value under <paramref name="key"/>, if any.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">A fresh copy of the bytes: changing it changes nothing stored.</param>
    public bool TryGet(string key, out byte[] value)
    {
        if (!Allowed(nameof(TryGet)))
        {
            value = [];
            return false;
        }

        Require(key, nameof(key));
        if (_visible.TryGetValue(key, out byte[]? stored))
        {
            value = (byte[])stored.Clone();
            return true;
        }

        value = [];
        return false;
    }

    /// <summary>Reads a UTF-8 string, or null when the key is absent.</summary>
    /// <param name="key">The key.</param>
    public string? GetString(string key)
    {
        if (!Allowed(nameof(GetString)))
        {
            return null;
        }

        Require(key, nameof(key));
        return _visible.TryGetValue(key, out byte[]? stored) ? Encoding.UTF8.GetString(stored) : null;
    }

    /// <summary>Deletes <paramref name="key"/> (not durable until flushed).</summary>
    /// <param name="key">The key.</param>
    public void Delete(string key)
    {
        if (!Allowed(nameof(Delete)))
        {
            return;
        }

        Require(key, nameof(key));
        _visible.Remove(key);
        _pending.Add(new Write(WriteKind.Delete, key, []));
    }

    /// <summary>Appends an entry to the log (not durable until flushed); returns its index.</summary>
    /// <param name="entry">The bytes; copied.</param>
    public long Append(ReadOnlySpan<byte> entry)
    {
        if (!Allowed(nameof(Append)))
        {
            return -1;
        }

        byte[] copy = entry.ToArray();
        _visibleLog.Add(copy);
        _pending.Add(new Write(WriteKind.Append, null, copy));
        return _visibleLog.Count - 1;
    }

    /// <summary>Appends a UTF-8 string to the log.</summary>
    /// <param name="entry">The entry.</param>
    public long AppendString(string entry)
    {
        Require(entry, nameof(entry));
        return Append(Encoding.UTF8.GetBytes(entry));
    }

    /// <summary>Cuts the log to its first <paramref name="length"/> entries, e.g. to drop a torn tail found at recovery (not durable until flushed).</summary>
    /// <param name="length">Entries to keep, at most the log's length.</param>
    public void TruncateLog(long length)
    {
        if (!Allowed(nameof(TruncateLog)))
        {
            return;
        }

        if (length < 0 || length > _visibleLog.Count)
        {
            throw Refuse(new ArgumentOutOfRangeException(nameof(length), length, $"must be in [0, {_visibleLog.Count}]"));
        }

        _visibleLog.RemoveRange((int)length, _visibleLog.Count - (int)length);
        _pending.Add(new Write(WriteKind.Truncate, null, [], length));
    }

    /// <summary>Makes every write so far durable (an fsync).</summary>
    public void Flush()
    {
        if (!Allowed(nameof(Flush)))
        {
            return;
        }

        foreach (Write w in _pending)
        {
            Apply(w, _durable, _durableLog);
        }

        _pending.Clear();
        Flushes++;
    }

    /// <summary>
    /// The crash, on the ordered write-back disk: of the <c>n</c> unflushed writes, a prefix of length
    /// <c>k</c> drawn uniformly from 0…n landed; when <paramref name="tear"/> and <c>k &lt; n</c>, the write
    /// at the boundary is torn with probability ½ (a strict prefix of its bytes lands, if it is a put or an
    /// append with bytes); the rest is lost. The visible state falls back to the durable one. Returns a
    /// description of the torn write, if one was torn.
    /// </summary>
    internal string? Crash(bool tear, RandomStream random)
    {
        string? torn = null;
        int n = _pending.Count;
        if (n > 0)
        {
            int landed = (int)random.NextBelow((ulong)n + 1);
            for (int i = 0; i < landed; i++)
            {
                Apply(_pending[i], _durable, _durableLog);
            }

            if (tear && landed < n && _pending[landed] is { Kind: WriteKind.Put or WriteKind.Append } boundary && boundary.Value.Length > 0
                && random.NextBelow(2) == 1)
            {
                int keep = (int)random.NextBelow((ulong)boundary.Value.Length); // strictly shorter than the whole write
                Apply(boundary with { Value = boundary.Value[..keep] }, _durable, _durableLog);
                torn = boundary.Kind == WriteKind.Put
                    ? $"put {boundary.Key}: {keep} of {boundary.Value.Length} bytes (after {landed} of {n} unflushed writes landed)"
                    : $"append: {keep} of {boundary.Value.Length} bytes (after {landed} of {n} unflushed writes landed)";
            }

            WritesPersistedAtCrashes += landed;
            WritesLostAtCrashes += n - landed;
        }

        _pending.Clear();
        _visible.Clear();
        foreach (KeyValuePair<string, byte[]> kv in _durable)
        {
            _visible[kv.Key] = kv.Value; // shared internally, never handed out
        }

        _visibleLog.Clear();
        _visibleLog.AddRange(_durableLog);
        return torn;
    }

    /// <summary>
    /// Whether the call may go ahead: from the node's own handlers during a run, or from the test between runs. Misuse on
    /// the simulation's thread throws; a call from a raw thread (no task to carry an exception, which would end the
    /// process) is reported — the run fails — and does nothing: a write is not applied, a read finds nothing.
    /// </summary>
    private bool Allowed(string action) => _simulation?.CheckStorageAccess(_node, action) ?? true;

    private void Require(object? value, string name)
    {
        if (value is null)
        {
            throw Refuse(new ArgumentNullException(name));
        }
    }

    /// <summary>A bad argument from the node: thrown, and (during a run) it fails the run even if the node catches it, as a context call's would.</summary>
    private Exception Refuse(Exception ex)
    {
        _simulation?.Refused(_node, ex);
        return ex;
    }

    private static void Apply(Write w, SortedDictionary<string, byte[]> kv, List<byte[]> log)
    {
        switch (w.Kind)
        {
            case WriteKind.Put:
                kv[w.Key!] = w.Value;
                break;
            case WriteKind.Delete:
                kv.Remove(w.Key!);
                break;
            case WriteKind.Truncate:
                log.RemoveRange((int)w.Length, log.Count - (int)w.Length);
                break;
            default:
                log.Add(w.Value);
                break;
        }
    }

    private enum WriteKind
    {
        Put,
        Delete,
        Append,
        Truncate,
    }

    private sealed record Write(WriteKind Kind, string? Key, byte[] Value, long Length = 0);

    /// <summary>The log as a list whose every read is a copy.</summary>
    private sealed class LogView(DurableStorage storage) : IReadOnlyList<byte[]>
    {
        public int Count
        {
            get
            {
                return storage.Allowed("Log.Count") ? storage._visibleLog.Count : 0;
            }
        }

        public byte[] this[int index]
        {
            get
            {
                return storage.Allowed("Log") ? (byte[])storage._visibleLog[index].Clone() : [];
            }
        }

        public IEnumerator<byte[]> GetEnumerator()
        {
            List<byte[]> log = storage._visibleLog;
            for (int i = 0; ; i++)
            {
                // At every step: an enumerator carried to another thread is refused too.
                if (!storage.Allowed("Log") || i >= log.Count)
                {
                    yield break;
                }

                yield return (byte[])log[i].Clone();
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
