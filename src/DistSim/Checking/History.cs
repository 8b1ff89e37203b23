using DistSim.Nodes;

namespace DistSim.Checking;

/// <summary>
/// Records a concurrent history as clients see it, for <see cref="Linearizability.Analyze"/>: each client
/// <see cref="Invoke(int, TInput)"/>s an operation, then completes it with <see cref="Ok"/> (it took effect, with this
/// answer), <see cref="Fail"/> (it definitely did not take effect: left out of the history) or <see cref="Info"/> (nobody
/// knows: it may take effect at any time after its call, so it stays pending). <see cref="ToOperations"/> gives the
/// operations to check.
/// </summary>
/// <typeparam name="TInput">A call.</typeparam>
/// <typeparam name="TOutput">An answer.</typeparam>
/// <remarks>
/// <para>Times are true virtual time, read from the simulation (<see cref="Simulation.Now"/>) at each call — never a
/// node's local clock, which may be skewed, drift or step: real-time order is what linearizability is about. Outside a
/// simulation, give any non-decreasing clock (<see cref="History(Func{long})"/>).</para>
/// <para>A client calls one operation at a time, as a Jepsen process does: invoking while its previous operation is open
/// is an error. After <see cref="Info"/> the client may invoke again (a client that timed out moves on); its unknown
/// operation stays concurrent with everything after its call. Operations still open when the history is read are
/// pending too. Two operations meeting at one instant (one returns at t, the other is called at t) count as concurrent.</para>
/// <para>Not thread-safe: like the simulation it reads, it belongs to one thread. See <c>docs/concepts/checking.md</c>.</para>
/// </remarks>
public sealed class History<TInput, TOutput>
{
    private readonly Func<long> _clock;
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<int, int> _openByClient = [];
    private long _lastTime = long.MinValue;

    /// <summary>A history timed by <paramref name="simulation"/>'s true virtual time (<see cref="Simulation.Now"/>, in ticks).</summary>
    /// <param name="simulation">The simulation the clients run in.</param>
    public History(Simulation simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        _clock = () => simulation.Now.Ticks;
    }

    /// <summary>A history timed by <paramref name="clock"/>: any non-decreasing count (ticks, a sequence number), below <see cref="long.MaxValue"/>.</summary>
    /// <param name="clock">Read once per invocation and completion.</param>
    public History(Func<long> clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>Operations invoked so far (failed ones included).</summary>
    public int Count => _entries.Count;

    /// <summary>Operations invoked and not completed yet.</summary>
    public int OpenCount => _openByClient.Count;

    /// <summary>Records that <paramref name="client"/> calls <paramref name="input"/> now.</summary>
    /// <param name="client">Who calls: any number that tells clients apart (a node's index, a process number).</param>
    /// <param name="input">The call.</param>
    /// <returns>The operation's id, to complete it with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="client"/> still has an operation open; the exception names both.</exception>
    /// <exception cref="InvalidOperationException">The clock went back, or reached <see cref="long.MaxValue"/>.</exception>
    public OperationId Invoke(int client, TInput input)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        if (_openByClient.TryGetValue(client, out int open))
        {
            Entry e = _entries[open];
            throw new ArgumentException(
                $"client {client} still has operation #{open + 1} ({e.Input}, invoked at {e.Call}) open: a client calls one operation at a time; complete it with Ok, Fail or Info first",
                nameof(client));
        }

        long now = Now();
        _entries.Add(new Entry(client, now, input));
        _openByClient.Add(client, _entries.Count - 1);
        return new OperationId(_entries.Count);
    }

    /// <summary>Records that node <paramref name="client"/> calls <paramref name="input"/> now (the client is the node's index).</summary>
    /// <param name="client">The calling node.</param>
    /// <param name="input">The call.</param>
    /// <returns>The operation's id, to complete it with.</returns>
    /// <exception cref="ArgumentException"><paramref name="client"/> still has an operation open.</exception>
    public OperationId Invoke(NodeId client, TInput input) => Invoke(client.Value, input);

    /// <summary>Records that operation <paramref name="id"/> returned <paramref name="output"/> now: it took effect.</summary>
    /// <param name="id">An open operation of this history.</param>
    /// <param name="output">The answer.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> names no operation of this history.</exception>
    /// <exception cref="ArgumentException">The operation is already completed; the exception says how and when.</exception>
    public void Ok(OperationId id, TOutput output) => Complete(id, OperationOutcome.Ok, output);

    /// <summary>Records that operation <paramref name="id"/> definitely did not take effect (refused, never sent): it is left out of the history.</summary>
    /// <param name="id">An open operation of this history.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> names no operation of this history.</exception>
    /// <exception cref="ArgumentException">The operation is already completed.</exception>
    public void Fail(OperationId id) => Complete(id, OperationOutcome.Fail, default!);

    /// <summary>
    /// Records that the outcome of operation <paramref name="id"/> is unknown (a timeout, a crash): it may have taken effect,
    /// or may yet, at any time after its call; it stays pending (<see cref="Operation{TInput, TOutput}.Return"/> =
    /// <see cref="long.MaxValue"/>). Its client may invoke again.
    /// </summary>
    /// <param name="id">An open operation of this history.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> names no operation of this history.</exception>
    /// <exception cref="ArgumentException">The operation is already completed.</exception>
    public void Info(OperationId id) => Complete(id, OperationOutcome.Info, default!);

    /// <summary>How operation <paramref name="id"/> stands.</summary>
    /// <param name="id">An operation of this history.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> names no operation of this history.</exception>
    public OperationOutcome OutcomeOf(OperationId id) => _entries[IndexOf(id)].Outcome;

    /// <summary>
    /// The history to check, in invocation order: every operation but the failed ones; those completed with
    /// <see cref="Info"/> or still open are pending (<see cref="Operation{TInput, TOutput}.Return"/> = <see cref="long.MaxValue"/>,
    /// output the default value). A snapshot: recording more later does not change it.
    /// </summary>
    public IReadOnlyList<Operation<TInput, TOutput>> ToOperations()
    {
        var ops = new List<Operation<TInput, TOutput>>(_entries.Count);
        foreach (Entry e in _entries)
        {
            if (e.Outcome != OperationOutcome.Fail)
            {
                ops.Add(new(e.Client, e.Call, e.Outcome == OperationOutcome.Ok ? e.Return : long.MaxValue, e.Input, e.Output));
            }
        }

        return ops;
    }

    private void Complete(OperationId id, OperationOutcome outcome, TOutput output)
    {
        int index = IndexOf(id);
        Entry e = _entries[index];
        if (e.Outcome != OperationOutcome.Open)
        {
            string when = e.Outcome == OperationOutcome.Ok ? $" at {e.Return}" : string.Empty;
            throw new ArgumentException($"operation {id} (client {e.Client}, {e.Input}) is already completed ({e.Outcome}{when}); it cannot be completed again ({outcome})", nameof(id));
        }

        long now = Now();
        _entries[index] = e with { Outcome = outcome, Return = now, Output = output };
        _openByClient.Remove(e.Client);
    }

    private int IndexOf(OperationId id) => id.Value >= 1 && id.Value <= _entries.Count
        ? id.Value - 1
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"names no operation of this history ({_entries.Count} invoked)");

    private long Now()
    {
        long now = _clock();
        if (now < _lastTime)
        {
            throw new InvalidOperationException($"the history's clock went back from {_lastTime} to {now}; times must not decrease");
        }

        if (now == long.MaxValue)
        {
            throw new InvalidOperationException("the history's clock reached long.MaxValue, the time that marks a pending return");
        }

        _lastTime = now;
        return now;
    }

    private readonly record struct Entry(int Client, long Call, TInput Input)
    {
        public long Return { get; init; } = long.MaxValue;

        public TOutput Output { get; init; } = default!;

        public OperationOutcome Outcome { get; init; } = OperationOutcome.Open;
    }
}
