using System.Globalization;
using DistSim.Nodes;

namespace DistSim.Samples.AsyncKv;

/// <summary>A write: client <paramref name="Client"/>'s request <paramref name="RequestId"/> (a retry reuses it).</summary>
/// <param name="Client">The client's index.</param>
/// <param name="RequestId">The client's request number.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record KvPut(int Client, long RequestId, string Key, string Value);

/// <summary>A read of <paramref name="Key"/>.</summary>
/// <param name="Key">The key.</param>
public sealed record KvGet(string Key);

/// <summary>
/// An async key-value server: each request is a call (<see cref="AsyncNode.OnRequestAsync"/>) handled by its own async
/// flow, several at once, interleaving at their awaits. A write is made durable — written to storage, then a simulated
/// fsync of <c>diskLatency</c> (<see cref="AsyncNode.Delay"/>) and a flush — before the reply; a retried request is
/// answered without writing twice (the last request applied per client is stored with the value). With
/// <c>ackBeforeFlush</c> it replies first and flushes after the fsync: a crash in between loses an acknowledged write.
/// </summary>
/// <param name="diskLatency">How long a flush takes.</param>
/// <param name="ackBeforeFlush">Reply before the write is durable (the bug the scenario shows).</param>
/// <param name="stats">Where the server's incarnations count what they did (the scenario's instrument, not node state).</param>
public sealed class AsyncKvServer(TimeSpan diskLatency, bool ackBeforeFlush, AsyncKvServerStats stats) : AsyncNode
{
    /// <summary>The storage key that holds the value of <paramref name="key"/>.</summary>
    /// <param name="key">A key of the store.</param>
    public static string KeyOf(string key) => "k:" + key;

    /// <inheritdoc />
    protected override async Task<object?> OnRequestAsync(NodeId from, object request)
    {
        switch (request)
        {
            case KvGet get:
                return Storage.GetString(KeyOf(get.Key));
            case KvPut put:
                string seen = "c:" + put.Client.ToString(CultureInfo.InvariantCulture);
                if (Storage.GetString(seen) is { } last && long.Parse(last, CultureInfo.InvariantCulture) >= put.RequestId)
                {
                    stats.Deduplicated++;
                    return put.RequestId; // applied before (a retry whose first reply was lost)
                }

                Storage.PutString(KeyOf(put.Key), put.Value);
                Storage.PutString(seen, put.RequestId.ToString(CultureInfo.InvariantCulture));
                if (ackBeforeFlush)
                {
                    Spawn(async () =>
                    {
                        await Delay(diskLatency);
                        Storage.Flush();
                    }, "late flush");
                    return put.RequestId;
                }

                await Delay(diskLatency);
                Storage.Flush();
                return put.RequestId;
            default:
                throw new RpcFaultException("unknown request " + request.GetType().Name);
        }
    }
}

/// <summary>What every incarnation of the server did, summed: the scenario reads it after the run.</summary>
public sealed class AsyncKvServerStats
{
    /// <summary>Retried writes answered from the dedup record instead of being applied again.</summary>
    public int Deduplicated { get; set; }
}

/// <summary>
/// A client: <c>ops</c> operations one after the other, each a write of a fresh value to one of its own keys or a read
/// of one, over <see cref="AsyncNode.CallAsync{TReply}"/> with a timeout; a call that times out is retried (same request
/// id) after a random backoff until it gets its reply. It checks every read against the last write it had acknowledged
/// for the key (its keys are its own: nobody else writes them).
/// </summary>
/// <param name="index">The client's index (its keys are <c>c{index}-k{j}</c>).</param>
/// <param name="server">The server.</param>
/// <param name="ops">Operations to make.</param>
/// <param name="keys">Keys of its own.</param>
/// <param name="timeout">A call's timeout.</param>
public sealed class AsyncKvClient(int index, NodeId server, int ops, int keys, TimeSpan timeout) : AsyncNode
{
    private readonly Dictionary<string, string> _acknowledged = new(StringComparer.Ordinal);
    private long _nextRequest;

    /// <summary>Writes acknowledged, per key: the last value.</summary>
    public IReadOnlyDictionary<string, string> Acknowledged => _acknowledged;

    /// <summary>Operations completed.</summary>
    public int Completed { get; private set; }

    /// <summary>Calls that timed out (each then retried).</summary>
    public int Retries { get; private set; }

    /// <summary>Reads that returned something other than the last acknowledged write.</summary>
    public int StaleReads { get; private set; }

    /// <inheritdoc />
    protected override async Task OnStartAsync()
    {
        for (int i = 0; i < ops; i++)
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"c{index}-k{Random.NextBelow((ulong)keys)}");
            if (Random.NextUnitDouble() < 0.3)
            {
                string? value = await Retry<string?>(new KvGet(key));
                if (value != _acknowledged.GetValueOrDefault(key))
                {
                    StaleReads++;
                }
            }
            else
            {
                string value = string.Create(CultureInfo.InvariantCulture, $"v{i}");
                await Retry<long>(new KvPut(index, ++_nextRequest, key, value));
                _acknowledged[key] = value;
            }

            Completed++;
        }
    }

    private async Task<T> Retry<T>(object request)
    {
        while (true)
        {
            try
            {
                return await CallAsync<T>(server, request, timeout);
            }
            catch (RpcTimeoutException)
            {
                Retries++;
                await Delay(TimeSpan.FromTicks((long)(Random.NextUnitDouble() * timeout.Ticks)));
            }
        }
    }
}
