namespace DistSim.Samples.Cli;

/// <summary>
/// The runner's answer to Ctrl+C. While a sweep runs, the first interrupt stops it: the sweep is cancelled through
/// <see cref="DistSim.Sweeps.SeedSweep"/>'s cancellation (no new seed starts; the runs under way finish), the runner says
/// how far it got, prints no report (a report over part of a sweep would read as the whole), leaves no half-written
/// figure (a <c>--plot</c> file it created is deleted, one that existed is untouched) and exits with
/// <see cref="Runner.Interrupted"/>. Outside a sweep (a single run is bounded by its limits), and at a second Ctrl+C,
/// the process ends at once, as without this.
/// </summary>
/// <remarks>Thread-safe: <see cref="TryInterrupt"/> is called from the console's signal thread.</remarks>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private int _listening;

    /// <summary>Cancelled at the interrupt.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether a sweep is running and would stop at an interrupt.</summary>
    public bool Listening => Volatile.Read(ref _listening) > 0;

    /// <summary>An interruption that listens to the console's Ctrl+C (and SIGINT).</summary>
    public static Interruption ForConsole()
    {
        var interruption = new Interruption();
        Console.CancelKeyPress += (_, e) => e.Cancel = interruption.TryInterrupt();
        return interruption;
    }

    /// <summary>
    /// Stops the sweep that is running, if one is and it was not stopped already; returns whether it did (false: the
    /// caller lets the process end as usual).
    /// </summary>
    public bool TryInterrupt()
    {
        if (!Listening || _source.IsCancellationRequested)
        {
            return false;
        }

        _source.Cancel();
        return true;
    }

    /// <summary>Marks a sweep as running until the result is disposed.</summary>
    internal IDisposable Listen()
    {
        Interlocked.Increment(ref _listening);
        return new Scope(this);
    }

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();

    /// <summary>A sweep's time of listening.</summary>
    private sealed class Scope(Interruption owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._listening);
            }
        }
    }
}

/// <summary>A sweep stopped by <see cref="Interruption"/> before it ended.</summary>
/// <param name="completed">The runs folded before it stopped, in seed order from the first.</param>
/// <param name="total">The runs the sweep (or shard) was to play.</param>
/// <param name="inner">The cancellation.</param>
public sealed class SweepInterruptedException(long completed, long total, Exception inner)
    : Exception($"interrupted after {completed:N0} of {total:N0} runs", inner)
{
    /// <summary>The runs folded before it stopped.</summary>
    public long Completed { get; } = completed;

    /// <summary>The runs the sweep was to play.</summary>
    public long Total { get; } = total;
}
