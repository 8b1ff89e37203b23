using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace DistSim.Sweeps;

/// <summary>
/// The parallel engine of <see cref="SeedSweep"/>: worker threads claim seed indices in order and park each result in
/// a ring of <see cref="SeedSweepOptions.EffectiveReorderWindow"/> slots; the caller takes them out in order.
/// </summary>
/// <remarks>
/// Invariant: a worker claims index <c>i</c> only while <c>i &lt; delivered + window</c>, so the indices outstanding
/// at any time map to distinct slots (<c>i % window</c>), and a slot is free again once its index is delivered.
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

    public OrderedWorkers(SeedSweepOptions options, Func<ulong, TResult> run, CancellationToken token)
    {
        _options = options;
        _run = run;
        _token = token;
        _slots = new Slot[options.EffectiveReorderWindow];
        _registration = token.Register(Wake);
        _threads = new Thread[(int)Math.Min(options.Parallelism, options.Count)];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"DistSim sweep worker {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Hands every result to <paramref name="consume"/> in seed order; rethrows a run's exception at its seed.</summary>
    public void Deliver(Action<ulong, TResult> consume)
    {
        long count = _options.Count;
        for (long d = 0; d < count; d++)
        {
            TResult value;
            ExceptionDispatchInfo? error;
            lock (_gate)
            {
                ref Slot slot = ref _slots[d % _slots.Length];
                while (!slot.Filled && !_token.IsCancellationRequested)
                {
                    Monitor.Wait(_gate);
                }

                _token.ThrowIfCancellationRequested();
                if (slot.Index != d)
                {
                    throw new InvalidOperationException($"seed sweep: slot {d % _slots.Length} holds index {slot.Index}, expected {d}");
                }

                value = slot.Value;
                error = slot.Error;
                slot = default; // let the result go as soon as it is delivered
                _delivered = d + 1;
                Monitor.PulseAll(_gate);
            }

            error?.Throw();
            consume(_options.FirstSeed + (ulong)d, value);
            _options.Progress?.Invoke(new SweepProgress(d + 1, count));
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
                    Monitor.Wait(_gate); // the window is full: wait for the earliest outstanding seed
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

    /// <summary>Runs one seed and parks its result (or exception); a method of its own so that no worker frame keeps a result alive.</summary>
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
            Monitor.PulseAll(_gate);
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
