using System.Text;
using DistSim.Random;

namespace DistSim.Storage;

/// <summary>
/// A node's durable storage: a key-value store and an append-only log. Writes are visible to the node at
/// once (as through an operating system's page cache) but survive a crash only once <see cref="Flush"/>
/// has run; at a crash every unflushed write is lost — or, when the node's failure model has
/// <see cref="Failures.FailureModel.TornWrites"/>, the last one is torn (a prefix of its bytes lands).
/// The storage outlives the node object: a restarted node finds what was flushed.
/// </summary>
/// <remarks>Not thread-safe; used from its node's handlers. See <c>docs/concepts/failures.md</c>.</remarks>
public sealed class DurableStorage
{
    private readonly SortedDictionary<string, byte[]> _durable = new(StringComparer.Ordinal);
    private readonly List<byte[]> _durableLog = [];
    private readonly SortedDictionary<string, byte[]> _visible = new(StringComparer.Ordinal);
    private readonly List<byte[]> _visibleLog = [];
    private readonly List<Write> _pending = [];

    /// <summary>Writes not yet flushed.</summary>
    public int Unflushed => _pending.Count;

    /// <summary>Keys, in ordinal order.</summary>
    public IReadOnlyCollection<string> Keys => _visible.Keys;

    /// <summary>The log, oldest entry first.</summary>
    public IReadOnlyList<byte[]> Log => _visibleLog;

    /// <summary>Flushes performed.</summary>
    public long Flushes { get; private set; }

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> (not durable until flushed).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes; copied.</param>
    public void Put(string key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] copy = value.ToArray();
        _visible[key] = copy;
        _pending.Add(new Write(WriteKind.Put, key, copy));
    }

    /// <summary>Writes a UTF-8 string under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The string.</param>
    public void PutString(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Put(key, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Reads the value under <paramref name="key"/>, if any.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes (do not modify).</param>
    public bool TryGet(string key, out byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _visible.TryGetValue(key, out value!);
    }

    /// <summary>Reads a UTF-8 string, or null when the key is absent.</summary>
    /// <param name="key">The key.</param>
    public string? GetString(string key) => TryGet(key, out byte[] value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Deletes <paramref name="key"/> (not durable until flushed).</summary>
    /// <param name="key">The key.</param>
    public void Delete(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _visible.Remove(key);
        _pending.Add(new Write(WriteKind.Delete, key, []));
    }

    /// <summary>Appends an entry to the log (not durable until flushed); returns its index.</summary>
    /// <param name="entry">The bytes; copied.</param>
    public long Append(ReadOnlySpan<byte> entry)
    {
        byte[] copy = entry.ToArray();
        _visibleLog.Add(copy);
        _pending.Add(new Write(WriteKind.Append, null, copy));
        return _visibleLog.Count - 1;
    }

    /// <summary>Appends a UTF-8 string to the log.</summary>
    /// <param name="entry">The entry.</param>
    public long AppendString(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Append(Encoding.UTF8.GetBytes(entry));
    }

    /// <summary>Cuts the log to its first <paramref name="length"/> entries, e.g. to drop a torn tail found at recovery (not durable until flushed).</summary>
    /// <param name="length">Entries to keep, at most the log's length.</param>
    public void TruncateLog(long length)
    {
        if (length < 0 || length > _visibleLog.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"must be in [0, {_visibleLog.Count}]");
        }

        _visibleLog.RemoveRange((int)length, _visibleLog.Count - (int)length);
        _pending.Add(new Write(WriteKind.Truncate, null, [], length));
    }

    /// <summary>Makes every write so far durable (an fsync).</summary>
    public void Flush()
    {
        foreach (Write w in _pending)
        {
            Apply(w, _durable, _durableLog);
        }

        _pending.Clear();
        Flushes++;
    }

    /// <summary>
    /// The crash: the visible state falls back to the durable one. Returns the torn write, if one was torn
    /// (only when <paramref name="tear"/>; the prefix length is drawn from <paramref name="random"/>).
    /// </summary>
    internal string? Crash(bool tear, RandomStream random)
    {
        string? torn = null;
        if (tear && _pending.Count > 0 && _pending[^1] is { Kind: WriteKind.Put or WriteKind.Append } last && last.Value.Length > 0)
        {
            int keep = (int)random.NextBelow((ulong)last.Value.Length); // strictly shorter than the whole write
            Apply(last with { Value = last.Value[..keep] }, _durable, _durableLog);
            torn = last.Kind == WriteKind.Put
                ? $"put {last.Key}: {keep} of {last.Value.Length} bytes"
                : $"append: {keep} of {last.Value.Length} bytes";
        }

        _pending.Clear();
        _visible.Clear();
        foreach (KeyValuePair<string, byte[]> kv in _durable)
        {
            _visible[kv.Key] = kv.Value;
        }

        _visibleLog.Clear();
        _visibleLog.AddRange(_durableLog);
        return torn;
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
}
