namespace DistSim.Samples.Cli;

/// <summary>
/// The runner's answer to Ctrl+C. While a sweep command runs (every sweep of it: a figure may sweep once per curve),
/// the first interrupt stops it: the sweep is cancelled through
/// <see cref="DistSim.Sweeps.SeedSweep"/>'s cancellation (no new seed starts; the runs under way finish), the runner says
/// how far it got, prints no report (a report over part of a sweep would read as the whole), leaves no half-written
/// figure (a <c>--plot</c> file it created is deleted, one that existed is untouched) and exits with
/// <see cref="Runner.Interrupted"/>. One that comes after the last run lets the command finish: the report is
/// complete, and the runner notes it. A search (<c>--explore</c>), a shrink (<c>--shrink</c>) and <c>lincheck</c> listen
/// too, but stop otherwise: between two runs (or search steps), with their report of what they covered, marked as
/// stopped (exit code 130 all the same). Outside these (a single run is bounded by its limits), and at a second Ctrl+C,
/// the process ends at once, as without this.
/// </summary>
/// <remarks>Thread-safe: <see cref="TryInterrupt"/> is called from the console's signal thread.</remarks>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private ConsoleCancelEventHandler? _handler; // registered with the console (ForConsole), removed at Dispose
    private int _listening;
    private int _taken; // 1 once an interrupt was taken: a second is not

    /// <summary>Cancelled at the interrupt.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether a command that stops at an interrupt (a sweep, a search, a shrink, lincheck) is running.</summary>
    public bool Listening => Volatile.Read(ref _listening) > 0;

    /// <summary>An interruption that listens to the console's Ctrl+C (and SIGINT) until it is disposed.</summary>
    public static Interruption ForConsole()
    {
        var interruption = new Interruption();
        interruption._handler = (_, e) => e.Cancel = interruption.TryInterrupt();
        Console.CancelKeyPress += interruption._handler;
        return interruption;
    }

    /// <summary>
    /// Stops the command that is running, if one listens and no interrupt was taken before; returns whether it did
    /// (false: the caller lets the process end as usual). Each console signal calls this on a thread of its own: one
    /// press at most is taken.
    /// </summary>
    public bool TryInterrupt()
    {
        if (!Listening || Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            _source.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // disposed meanwhile: the process is ending anyway
        }
    }

    /// <summary>Marks a command that stops at an interrupt as running until the result is disposed.</summary>
    internal IDisposable Listen()
    {
        Interlocked.Increment(ref _listening);
        return new Scope(this);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_handler is not null)
        {
            Console.CancelKeyPress -= _handler;
            _handler = null;
        }

        Interlocked.Exchange(ref _taken, 1); // nothing is taken from now on
        _source.Dispose();
    }

    /// <summary>A listening command's time of listening.</summary>
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
/// <param name="completed">The runs the command's sweeps had folded when it stopped.</param>
/// <param name="inner">The cancellation.</param>
public sealed class SweepInterruptedException(long completed, Exception inner)
    : Exception($"interrupted after {completed:N0} runs", inner)
{
    /// <summary>The runs the command's sweeps had folded when it stopped.</summary>
    public long Completed { get; } = completed;
}
