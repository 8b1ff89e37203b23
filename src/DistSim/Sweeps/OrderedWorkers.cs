using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace DistSim.Sweeps;

/// <summary>
/// The parallel engine of <see cref="SeedSweep"/>: the caller's thread and <see cref="SeedSweepOptions.Parallelism"/> − 1
/// worker threads claim seed indices in order and park each result in a ring of
/// <see cref="SeedSweepOptions.EffectiveReorderWindow"/> slots; the caller's thread takes them out in order, and runs a
/// seed itself whenever the next result is not ready yet.
/// </summary>
/// <remarks>
/// <para>Invariant: an index <c>i</c> is claimed only while <c>i &lt; delivered + window</c>, so the indices outstanding
/// at any time map to distinct slots (<c>i % window</c>), and a slot is free again once its index is delivered.</para>
/// <para>Why the caller works too: with a thread of its own for delivering, a sweep on P cores ran P + 1 threads, and the
/// delivering thread slept and woke for every seed (a futex wake and a context switch that preempted a worker: on
/// 2 cores, 15 % of a <c>wal-kv</c> sweep's time went to the kernel's scheduler). Now a thread sleeps only when it has
/// nothing to do — the caller when the next result is still running and the window is fully claimed, a worker when
/// the window is full — and is woken only by the event it waits for.</para>
/// </remarks>
internal sealed class OrderedWorkers<TResult> : IDisposable
{
    private readonly object _gate = new();
    private readonly Slot[] _slots;
    private readonly Thread[] _threads;
    private readonly Func<ulong, TResult> _run;
    private readonly SeedSweepOptions _options;
    private readonly CancellationToken _token;
    private readonly CancellationTokenRegistration _registration;
    private long _next;
    private long _delivered;
    private bool _stopped;
    private bool _callerWaiting; // the caller sleeps until slot _delivered is filled
    private int _workersWaiting; // workers asleep until the window moves

    public OrderedWorkers(SeedSweepOptions options, Func<ulong, TResult> run, CancellationToken token)
    {
        _options = options;
        _run = run;
        _token = token;
        _slots = new Slot[options.EffectiveReorderWindow];
        _registration = token.Register(Wake);
        _threads = new Thread[(int)Math.Min(options.Parallelism - 1, options.Count - 1)]; // the caller runs or delivers the rest
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"DistSim sweep worker {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>
    /// Hands every result to <paramref name="consume"/> in seed order; rethrows a run's exception at its seed. Runs
    /// seeds on the caller's thread while the next result is not ready.
    /// </summary>
    public void Deliver(Action<ulong, TResult> consume)
    {
        long count = _options.Count;
        for (long d = 0; d < count;)
        {
            TResult value = default!;
            ExceptionDispatchInfo? error = null;
            long claimed = -1;
            lock (_gate)
            {
                ref Slot slot = ref _slots[d % _slots.Length];
                while (!slot.Filled && !_token.IsCancellationRequested)
                {
                    if (_next < count && _next < _delivered + _slots.Length)
                    {
                        claimed = _next++; // nothing to deliver yet: run a seed meanwhile
                        break;
                    }

                    _callerWaiting = true;
                    Monitor.Wait(_gate);
                    _callerWaiting = false;
                }

                _token.ThrowIfCancellationRequested();
                if (claimed < 0)
                {
                    if (slot.Index != d)
                    {
                        throw new InvalidOperationException($"seed sweep: slot {d % _slots.Length} holds index {slot.Index}, expected {d}");
                    }

                    value = slot.Value;
                    error = slot.Error;
                    slot = default; // let the result go as soon as it is delivered
                    _delivered = d + 1;
                    if (_workersWaiting > 0)
                    {
                        Monitor.PulseAll(_gate); // the window moved
                    }
                }
            }

            if (claimed >= 0)
            {
                RunOne(claimed);
                continue;
            }

            error?.Throw();
            consume(_options.FirstSeed + (ulong)d, value);
            _options.Progress?.Invoke(new SweepProgress(d + 1, count));
            d++;
        }
    }

    /// <summary>Stops the workers and waits for the runs in progress: no user code runs after the sweep returns.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }

        foreach (Thread t in _threads)
        {
            t.Join();
        }

        _registration.Dispose();
    }

    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        while (true)
        {
            long index;
            lock (_gate)
            {
                while (!Stopping() && _next < _options.Count && _next >= _delivered + _slots.Length)
                {
                    _workersWaiting++;
                    Monitor.Wait(_gate); // the window is full: wait for the earliest outstanding seed
                    _workersWaiting--;
                }

                if (Stopping() || _next >= _options.Count)
                {
                    return;
                }

                index = _next++;
            }

            RunOne(index);
        }
    }

    /// <summary>Runs one seed and parks its result (or exception); a method of its own so that no frame keeps a result alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunOne(long index)
    {
        TResult value = default!;
        ExceptionDispatchInfo? error = null;
        try
        {
            value = _run(_options.FirstSeed + (ulong)index);
        }
        catch (Exception ex)
        {
            error = ExceptionDispatchInfo.Capture(ex); // surfaces at this seed's turn, on the caller's thread
        }

        lock (_gate)
        {
            _slots[index % _slots.Length] = new Slot { Filled = true, Index = index, Value = value, Error = error };
            if (_callerWaiting && index == _delivered)
            {
                Monitor.PulseAll(_gate); // the result the caller waits for
            }
        }
    }

    private bool Stopping() => _stopped || _token.IsCancellationRequested;

    private struct Slot
    {
        public bool Filled;
        public long Index;
        public TResult Value;
        public ExceptionDispatchInfo? Error;
    }
}
